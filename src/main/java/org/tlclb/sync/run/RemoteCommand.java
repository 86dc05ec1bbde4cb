package org.tlclb.sync.run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.tlclb.sync.report.HookResult;

/** Runs an admin's command (post-sync hook) on a node with a timeout, keeping the last lines of output. */
final class RemoteCommand {
    private static final int TAIL_LINES = 10;
    /**
     * How long output may still come after the exit status: sshd can send the status before the
     * last of the command's standard error, and a command that left a daemon holding its output
     * open would otherwise keep the channel open forever.
     */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

    private RemoteCommand() {
    }

    static HookResult run(ClientSession session, String command, Duration timeout) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (ChannelExec ch = session.createExecChannel(command)) {
            ch.setOut(output);
            ch.setErr(output);
            ch.setRedirectErrorStream(true);
            ch.open().verify(timeout);
            Set<ClientChannelEvent> ev = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS),
                    timeout);
            if (ev.contains(ClientChannelEvent.EXIT_STATUS) && !ev.contains(ClientChannelEvent.CLOSED)) {
                ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), OUTPUT_GRACE);
            }
            Integer status = ch.getExitStatus();
            if (status == null && !ev.contains(ClientChannelEvent.EXIT_STATUS)) {
                return new HookResult(command, -1, tail(output) + "\n(timed out after " + timeout.toSeconds() + " s)");
            }
            return new HookResult(command, status == null ? -1 : status, tail(output));
        } catch (IOException e) {
            return new HookResult(command, -1, "could not run: " + e.getMessage());
        }
    }

    private static String tail(ByteArrayOutputStream out) {
        String s = out.toString(StandardCharsets.UTF_8);
        String[] lines = s.split("\n");
        int from = Math.max(0, lines.length - TAIL_LINES);
        return String.join("\n", Arrays.asList(lines).subList(from, lines.length)).strip();
    }
}
