package org.tlclb.sync.node;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.apache.sshd.server.command.AbstractCommandSupport;

/** An exec command whose answer is known in advance: {@code true}, {@code echo ok}, or "not supported". */
final class FixedReplyCommand extends AbstractCommandSupport {
    private final String stdout;
    private final String stderr;
    private final int exitStatus;

    private FixedReplyCommand(String command, String stdout, String stderr, int exitStatus) {
        super(command, null);
        this.stdout = stdout;
        this.stderr = stderr;
        this.exitStatus = exitStatus;
    }

    static FixedReplyCommand success(String command, String stdout) {
        return new FixedReplyCommand(command, stdout, "", 0);
    }

    /** Exit 127 is what a shell returns for an unknown command, so clients can treat both alike. */
    static FixedReplyCommand unsupported(String command) {
        return new FixedReplyCommand(command, "",
                "tlclb node: " + command + ": command not supported by the embedded node\n", 127);
    }

    @Override
    public void run() {
        try {
            write(stdout, getOutputStream());
            write(stderr, getErrorStream());
            onExit(exitStatus);
        } catch (IOException e) {
            onExit(1, e.getMessage());
        }
    }

    private static void write(String text, OutputStream out) throws IOException {
        if (!text.isEmpty()) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
