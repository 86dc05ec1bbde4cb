package org.tlclb.sync.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.keys.KeyInstaller;
import org.tlclb.sync.report.ExitCode;
import org.tlclb.sync.report.RunVerdict;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** tlclb keys install: SPEC section 4. */
@Command(name = "install", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Put your public key into ~/.ssh/authorized_keys of every node.",
                "Asks each node's password once, without echo; afterwards no run needs a password.",
                "Creates ~/.ssh/id_ed25519 if you have no key (-i names the key to install). Nodes are done one"
                        + " at a time."})
final class KeysInstallCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;
    @Mixin
    NodeOptions nodes;
    @Mixin
    ConnectionOptions connection;

    KeysInstallCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SyncConfig cfg = RequestResolver.config(config, ctx.paths());
        List<NodeTarget> targets = RequestResolver.nodes(cfg, nodes, ctx.paths());
        Prompter terminal = ctx.terminal().get();
        SshOptions ssh = RequestResolver.ssh(cfg, connection, ctx.paths(), terminal);
        targets = SshSetup.applyHostConfig(targets, ssh, cfg.user());
        int ok = 0;
        int failed = 0;
        try {
            KeyInstaller.UserKey key = KeyInstaller.ensureKey(ssh, targets);
            if (key.created()) {
                out.println("Created key " + key.privateKey() + " (no passphrase) and " + key.privateKey() + ".pub");
            }
            try (KeyInstaller installer = new KeyInstaller(ssh, key, targets)) {
                for (NodeTarget node : targets) {
                    KeyInstaller.Outcome r = installer.install(node);
                    boolean bad = r.status() == KeyInstaller.Status.FAILED;
                    (bad ? err : out).println(r.node() + ": " + r.message());
                    (bad ? err : out).flush();
                    if (bad) {
                        failed++;
                    } else if (r.status() != KeyInstaller.Status.SKIPPED) {
                        ok++;
                    }
                }
            }
        } catch (IdentityException e) {
            throw new UsageError(e.getMessage());
        }
        ExitCode code = RunVerdict.forNodes(ok, failed);
        if (failed > 0) {
            err.println(spec.qualifiedName(" ") + ": " + failed + " of " + (ok + failed) + " nodes do not accept the key yet");
        }
        return code.code();
    }
}
