package org.tlclb.sync.ssh;

import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.tlclb.sync.config.NodeTarget;

/** Builds the run's SSH client from the user's options, and applies ~/.ssh/config to the node list. */
public final class SshSetup {
    private SshSetup() {
    }

    /** Node targets with ~/.ssh/config Host entries applied (HostName, Port, User), as OpenSSH would. */
    public static List<NodeTarget> applyHostConfig(List<NodeTarget> nodes, SshOptions o, String defaultUser) {
        List<NodeTarget> out = new ArrayList<>();
        for (NodeTarget t : nodes) {
            HostConfig hc = HostConfig.resolve(o.sshConfig(), t.host());
            String host = hc.hostName() != null ? hc.hostName() : t.host();
            int port = hc.port() != null && t.port() == 22 ? hc.port() : t.port();
            String user = hc.user() != null && t.user().equals(defaultUser) ? hc.user() : t.user();
            out.add(new NodeTarget(t.name() != null ? t.name() : t.host(), host, port, user, t.nosync()));
        }
        return out;
    }

    public static SshConnector connector(SshOptions o, List<NodeTarget> nodes) throws IdentityException {
        Set<java.nio.file.Path> explicit = new LinkedHashSet<>(o.identities());
        for (NodeTarget t : nodes) {
            explicit.addAll(HostConfig.resolve(o.sshConfig(), t.host()).identityFiles());
        }
        List<KeyPair> keys = Identities.load(new ArrayList<>(explicit), o.home(), o.prompter());
        HostKeyTrust trust = new HostKeyTrust(o.knownHostsFile(), o.effectivePolicy(), o.prompter());
        PasswordSource passwords = o.prompter().interactive()
                ? (user, host, port) -> {
                    char[] pw = o.prompter().secret(user + "@" + host + (port == 22 ? "" : ":" + port) + "'s password: ");
                    return pw == null ? null : new String(pw);
                }
                : PasswordSource.NONE;
        Duration t = o.connectTimeout();
        return new SshConnector(new SshSettings(t, t.multipliedBy(3), Duration.ofSeconds(Math.max(60, t.toSeconds() * 6)),
                o.retries(), trust, keys, passwords));
    }
}
