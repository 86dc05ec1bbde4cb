package org.tlclb.sync.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.Timeouts;
import org.tlclb.sync.ssh.config.HostConfig;
import org.tlclb.sync.ssh.config.SshConfig;
import org.tlclb.sync.ssh.config.SshConfigException;

/**
 * Builds the run's SSH client from the user's options, and applies the OpenSSH client configuration to the node
 * list. Every command that talks to nodes (the syncs, check, rollback, keys install) comes through here, so they all
 * connect, trust and authenticate alike.
 */
public final class SshSetup {
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private SshSetup() {
    }

    /**
     * The nodes with the user and port ssh would use for them: a user or port the command line or sync.conf gave
     * stays (the user sync.conf's User gives to every node counts as not given), else User and Port of the OpenSSH
     * configuration for the name. The host stays the name as given (ssh_config matches it, and the connector
     * resolves HostName, identities and ProxyJump from it); every node gets its name for display. A configuration
     * that cannot be read changes nothing here: {@link #connector} reports it before anything is contacted.
     */
    public static List<NodeTarget> applyHostConfig(List<NodeTarget> nodes, SshOptions o, String defaultUser) {
        SshConfig config = config(o);
        List<NodeTarget> out = new ArrayList<>();
        for (NodeTarget t : nodes) {
            String user = t.user();
            int port = t.port();
            try {
                HostConfig hc = config.resolve(t.host(), t.user().equals(defaultUser) ? null : t.user(), t.user());
                user = hc.user() != null ? hc.user() : t.user();
                port = hc.port() != null && t.port() == RouteResolver.SSH_PORT ? hc.port() : t.port();
            } catch (SshConfigException e) {
                // reported by connector(), with its file and line
            }
            out.add(new NodeTarget(t.name() != null ? t.name() : typed(t, defaultUser), t.host(), port, user,
                    t.nosync(), t.listed()));
        }
        return out;
    }

    /**
     * A node given on the command line as the user wrote it, for reports: the host, with the user and
     * port when they are not the defaults (two nodes on one host, told apart by port, keep apart).
     */
    private static String typed(NodeTarget t, String defaultUser) {
        String host = t.host().indexOf(':') >= 0 ? "[" + t.host() + "]" : t.host();
        return (t.user().equals(defaultUser) ? "" : t.user() + "@") + host
                + (t.port() == RouteResolver.SSH_PORT ? "" : ":" + t.port());
    }

    /** The run's client, with every node's route settled and every key loaded (passphrases asked now). */
    public static SshConnector connector(SshOptions o, List<NodeTarget> nodes) throws IdentityException {
        return connector(o, nodes, passwordSource(o.prompter()), Duration.ZERO);
    }

    /**
     * The same client with its own password source (keys install asks per node) and extra time for a person to
     * type a password during authentication.
     */
    public static SshConnector connector(SshOptions o, List<NodeTarget> nodes, PasswordSource passwords,
            Duration typingTime) throws IdentityException {
        return connector(o, nodes, passwords, typingTime, System.getenv());
    }

    /** As above, with the environment (SSH_AUTH_SOCK, ${VAR} in file names) given: for tests. */
    static SshConnector connector(SshOptions o, List<NodeTarget> nodes, PasswordSource passwords,
            Duration typingTime, Map<String, String> env) throws IdentityException {
        Set<String> listed = new HashSet<>();
        for (NodeTarget t : nodes) {
            if (t.listed()) {
                listed.add(t.host());
            }
        }
        Routes routes = new Routes(new RouteResolver(o, config(o), env, listed, localHostName()));
        List<SshRoute> resolved = new ArrayList<>();
        for (NodeTarget t : nodes) {
            if (!t.nosync()) {
                try {
                    resolved.add(routes.node(t.user(), t.host(), t.port()));
                } catch (SshConfigException e) {
                    throw new IdentityException(e.getMessage(), e);
                }
            }
        }
        KeyRing keys = new KeyRing(o.prompter());
        keys.loadFor(resolved, o.identities());
        HostKeyTrust trust = new HostKeyTrust(new KnownHostsRules(List.of(o.paths().sshDir().resolve("known_hosts")),
                List.of(), o.effectivePolicy(), false), o.prompter());
        // Every later wait on a node (an SFTP reply, an SCP acknowledgement) is the session's idle timeout.
        Timeouts t = Timeouts.of(o.connectTimeout());
        Duration auth = t.auth().plus(typingTime);
        Duration idle = t.reply().plus(typingTime);
        return new SshConnector(new SshSettings(auth, idle, o.retries(), trust, passwords), routes, keys);
    }

    /** The files of every route a list of nodes would take: the -i and IdentityFile keys, in order. */
    public static List<Path> namedKeyFiles(SshOptions o, List<NodeTarget> nodes) throws IdentityException {
        RouteResolver r = new RouteResolver(o, config(o), System.getenv(), Set.of(), localHostName());
        List<Path> files = new ArrayList<>();
        for (NodeTarget t : nodes) {
            try {
                for (Path p : r.node(t.user(), t.host(), t.port()).identityFiles()) {
                    if (!files.contains(p)) {
                        files.add(p);
                    }
                }
            } catch (SshConfigException e) {
                throw new IdentityException(e.getMessage(), e);
            }
        }
        return files;
    }

    private static PasswordSource passwordSource(Prompter prompter) {
        return prompter.interactive()
                ? (user, host, port) -> {
                    char[] pw = prompter.secret(user + "@" + host + (port == 22 ? "" : ":" + port) + "'s password: ");
                    return pw == null ? null : new String(pw);
                }
                : PasswordSource.NONE;
    }

    static SshConfig config(SshOptions o) {
        return SshConfig.standard(o.home(), o.paths().sshEtc(), System.getProperty("user.name", "root"));
    }

    /** gethostname(), as ssh's %l: the kernel's name, no DNS lookup. */
    static String localHostName() {
        try {
            return Files.readString(KERNEL_HOSTNAME).strip();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "localhost";
        }
    }

}
