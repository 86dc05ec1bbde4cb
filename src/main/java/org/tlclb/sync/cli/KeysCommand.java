package org.tlclb.sync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.tlclb.sync.config.ConfigException;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.ServerSelector;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.report.ExitCode;
import org.tlclb.sync.keys.KeyInstaller;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.Prompter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** tlclb keys: the user's SSH key on the nodes. */
@Command(name = "keys", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Manage the SSH key the sync commands log in with.",
        subcommands = KeysCommand.Install.class)
final class KeysCommand implements Callable<Integer> {
    /**
     * Where keys install asks its questions (node passwords, host keys, passphrases). The terminal in production;
     * tests replace it (the password is never taken from the command line, a file or the environment).
     */
    static Supplier<Prompter> prompter = Prompter::console;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    /** tlclb keys install: SPEC section 4. */
    @Command(name = "install", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Put your public key into ~/.ssh/authorized_keys of every node.",
                    "Asks each node's password once, without echo; afterwards no run needs a password.",
                    "Creates ~/.ssh/id_ed25519 if you have no key. Nodes are done one at a time.",
                    "Exit 0: every node accepts the key; 1: some failed; 3: all failed; 2: usage."})
    static final class Install implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "sync.conf to read (default: /etc/clusterserver/sync.conf)")
        Path config;

        @Option(names = {"-w", "--servers"}, paramLabel = "LIST",
                description = "nodes, replacing the list: host, user@host:port, names from sync.conf, comma-separated, or @FILE")
        String servers;

        @Option(names = {"-x", "--exclude-servers"}, paramLabel = "LIST",
                description = "nodes to leave out (names or hosts, comma-separated)")
        String excludeServers;

        @Option(names = {"-i", "--identity"}, paramLabel = "FILE",
                description = "the key to install (its .pub line is used when present); default ~/.ssh/id_ed25519, id_ecdsa, id_rsa")
        List<Path> identities = new ArrayList<>();

        @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts file (default: ~/.ssh/known_hosts)")
        Path knownHosts;

        @Option(names = "--host-key-policy", paramLabel = "POLICY",
                description = "strict, ask or accept-new (default: ask on a terminal, strict otherwise)")
        String hostKeyPolicy;

        @Option(names = "--connect-timeout", paramLabel = "SECONDS", description = "per connection attempt")
        Integer connectTimeout;

        @Spec
        CommandSpec spec;

        private static final String NAME = "tlclb keys install";

        @Override
        public Integer call() throws UsageError, IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Prompter terminal = prompter.get();
            SyncConfig cfg;
            List<NodeTarget> nodes;
            try {
                cfg = ClusterSetup.loadConfig(config);
                nodes = ServerSelector.select(cfg, servers, excludeServers, ServerSelector.localNames());
            } catch (ConfigException e) {
                err.println(NAME + ": " + e.getMessage());
                return ExitCode.USAGE.code();
            }
            if (nodes.isEmpty()) {
                throw new UsageError("no nodes: add Server lines to "
                        + (cfg.file() == null ? SyncCommandBase.DEFAULT_CONFIG : cfg.file()) + " or name them with -w");
            }
            SshOptions ssh = ClusterSetup.sshOptions(cfg, terminal, knownHosts, hostKeyPolicy, identities,
                    connectTimeout, null);
            nodes = SshSetup.applyHostConfig(nodes, ssh, cfg.user());
            KeyInstaller.UserKey key;
            try {
                key = KeyInstaller.ensureKey(ssh, nodes);
            } catch (IdentityException e) {
                throw new UsageError(e.getMessage());
            }
            if (key.created()) {
                out.println("Created key " + key.privateKey() + " (no passphrase) and " + key.privateKey() + ".pub");
            }
            int ok = 0;
            int failed = 0;
            try (KeyInstaller installer = newInstaller(ssh, key, nodes)) {
                for (NodeTarget node : nodes) {
                    KeyInstaller.Outcome r = installer.install(node);
                    if (r.status() == KeyInstaller.Status.FAILED) {
                        failed++;
                        err.println(r.node() + ": " + r.message());
                        err.flush();
                    } else {
                        if (r.status() != KeyInstaller.Status.SKIPPED) {
                            ok++;
                        }
                        out.println(r.node() + ": " + r.message());
                        out.flush();
                    }
                }
            }
            if (failed == 0) {
                return ExitCode.OK.code();
            }
            err.println(NAME + ": " + failed + " of " + (ok + failed) + " nodes do not accept the key yet");
            return ok == 0 ? ExitCode.NOTHING_CHANGED.code() : ExitCode.PARTIAL.code();
        }

        private static KeyInstaller newInstaller(SshOptions ssh, KeyInstaller.UserKey key, List<NodeTarget> nodes)
                throws UsageError {
            try {
                return new KeyInstaller(ssh, key, nodes);
            } catch (IdentityException e) {
                throw new UsageError(e.getMessage());
            }
        }
    }
}
