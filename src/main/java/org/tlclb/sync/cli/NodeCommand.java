package org.tlclb.sync.cli;

import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.tlclb.sync.node.EmbeddedNode;
import org.tlclb.sync.report.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** tlclb node: an embedded SSH node rooted at a directory, to try the product without a cluster. */
@Command(name = "node", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Run an embedded SSH node (SCP and SFTP) whose filesystem is rooted at DIR, until stopped.")
final class NodeCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 2222;
    private final CliContext ctx;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "the node's filesystem root")
    Path root;

    @Option(names = "--port", paramLabel = "N",
            description = "port to listen on, 0..65535; 0 takes a free one, named on the first line (default: "
                    + DEFAULT_PORT + ")")
    int port = DEFAULT_PORT;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "address to listen on (default: 127.0.0.1)")
    String host = "127.0.0.1";

    @Option(names = "--authorized-keys", paramLabel = "FILE",
            description = {"public keys allowed to log in", "(default: ~/.ssh/authorized_keys)"})
    Path authorizedKeys;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = {"where the node keeps its host key (default:", "DIR.tlclb-node beside the root, outside what",
                    "clients can read)"})
    Path stateDir;

    NodeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new UsageError("--port must be 0..65535 (0: a free port), not " + port);
        }
        Files.createDirectories(root);
        Path keys = authorizedKeys != null ? authorizedKeys : ctx.paths().sshDir().resolve("authorized_keys");
        Path abs = root.toAbsolutePath().normalize();
        Path state = stateDir != null ? stateDir : abs.resolveSibling(abs.getFileName() + ".tlclb-node");
        try {
            EmbeddedNode.runForeground(abs, host, port, keys, state);
        } catch (BindException e) {
            throw new UsageError("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): choose another --port, or 0 for a free one");
        }
        return ExitCode.OK.code();
    }
}
