package org.tlclb.sync.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * How one connection is made, everything settled: the command line and sync.conf first, then the OpenSSH client
 * configuration, then the defaults, as {@code ssh -G} would show it for the node.
 *
 * @param alias               the name as the user gave it (-w, the Server address): what ssh_config matched
 * @param host                the host to connect to (HostName, else the alias)
 * @param port                the port
 * @param user                the login user
 * @param knownHostsName      the name looked up in known_hosts (HostKeyAlias, else the host), port not included
 * @param identityFiles       the key files named (-i, IdentityFile of sync.conf, then of ssh_config), in order;
 *                            one of ssh_config that does not exist offers nothing, as in ssh
 * @param defaultKeyFiles     ~/.ssh/id_ed25519, id_ecdsa, id_rsa (those that exist are offered) when no file is
 *                            named, else empty
 * @param identitiesOnly      IdentitiesOnly: the agent's keys are not offered
 * @param agent               the agent's socket (IdentityAgent, else SSH_AUTH_SOCK), or null for none
 * @param agentNote           why there is no agent, for "no key found: looked in ...", or null
 * @param trust               known_hosts files and policy
 * @param connectTimeout      TCP connect plus key exchange, per attempt
 * @param serverAliveInterval keepalive interval (zero: none), ServerAliveInterval
 * @param serverAliveCountMax unanswered keepalives before the connection is given up, ServerAliveCountMax
 * @param proxyCommand        the ProxyCommand from ssh_config, its tokens expanded ({@link ProxyCommandBridge}), or null
 * @param jump                the jump host this connection goes through (ProxyJump), or null for a direct one
 * @param origin              where the host came from, for the message when it cannot be resolved
 */
public record SshRoute(String alias, String host, int port, String user, String knownHostsName,
                       List<Path> identityFiles, List<Path> defaultKeyFiles, boolean identitiesOnly, Path agent,
                       String agentNote, KnownHostsRules trust, Duration connectTimeout, Duration serverAliveInterval,
                       int serverAliveCountMax, String proxyCommand, SshRoute jump, String origin) {

    /** Carries the route on a connection's context, for the host key verifier and the key offer. */
    static final AttributeKey<SshRoute> ATTRIBUTE = new AttributeKey<>();

    public SshRoute {
        identityFiles = List.copyOf(identityFiles);
        defaultKeyFiles = List.copyOf(defaultKeyFiles);
    }

    /** {@code user@host:port}, IPv6 in brackets, for messages. */
    public String where() {
        return user + "@" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** This route and the jump hosts before it, the first hop first. */
    public List<SshRoute> hops() {
        return jump == null ? List.of(this)
                : Stream.concat(jump.hops().stream(), Stream.of(this)).toList();
    }
}
