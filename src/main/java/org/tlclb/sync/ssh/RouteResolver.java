package org.tlclb.sync.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.tlclb.sync.config.ProcessUser;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.ssh.config.HostConfig;
import org.tlclb.sync.ssh.config.JumpHost;
import org.tlclb.sync.ssh.config.SshConfig;
import org.tlclb.sync.ssh.config.SshConfigException;
import org.tlclb.sync.ssh.config.Tokens;

/**
 * Settles a {@link SshRoute} for a host: what the user chose for the run (command line over sync.conf, in
 * {@link SshOptions}) wins; what they did not choose comes from the OpenSSH client configuration as ssh -G resolves
 * it; the rest are ssh's defaults. ProxyJump chains become a route per hop, resolved as ssh resolves them: the last
 * hop of {@code a,b,c} is reached through {@code a,b} (its own ProxyJump is not used), the first hop with its own
 * configuration, including its own ProxyJump.
 */
final class RouteResolver {
    /** The default port, as ssh's. */
    static final int SSH_PORT = 22;
    /** ssh's ServerAliveCountMax default. */
    static final int ALIVE_COUNT_MAX = 3;
    /** Longest jump chain, MINA's MAX_PROXY_JUMPS: a ProxyJump loop in the configuration ends here. */
    static final int MAX_HOPS = 10;

    private final SshOptions options;
    private final SshConfig config;
    private final Map<String, String> env;
    private final Set<String> listed;
    private final String localHost;

    /**
     * @param env    the environment (SSH_AUTH_SOCK, ${VAR} in file names)
     * @param listed the aliases that are Server addresses of sync.conf (for the message when one cannot be resolved)
     */
    RouteResolver(SshOptions options, SshConfig config, Map<String, String> env, Set<String> listed,
            String localHost) {
        this.options = options;
        this.config = config;
        this.env = env;
        this.listed = Set.copyOf(listed);
        this.localHost = localHost;
    }

    /** The route to a node whose user and port are settled (see {@link SshSetup#applyHostConfig}). */
    SshRoute node(String user, String alias, int port) throws SshConfigException {
        String origin = listed.contains(alias) ? "the address of a Server in sync.conf"
                : "not a Server name in sync.conf";
        return build(alias, user, port, user, null, 0, origin, options.identities());
    }

    /**
     * The route ssh would take for {@code ssh [-l givenUser] [-p givenPort] alias}, with {@code defaultUser} as
     * the local user ssh falls back to.
     */
    SshRoute route(String alias, String givenUser, Integer givenPort, String defaultUser) throws SshConfigException {
        return build(alias, givenUser, givenPort, defaultUser, null, 0, "not a Server name in sync.conf",
                options.identities());
    }

    private SshRoute build(String alias, String givenUser, Integer givenPort, String defaultUser,
            List<JumpHost> forcedJumps, int depth, String origin, List<Path> named) throws SshConfigException {
        if (depth > MAX_HOPS) {
            throw new SshConfigException("ProxyJump for " + alias + ": more than " + MAX_HOPS
                    + " jump hosts (a ProxyJump loop in the ssh configuration?)");
        }
        HostConfig hc = config.resolve(alias, givenUser, defaultUser);
        String host = hc.effectiveHostName().toLowerCase(Locale.ROOT); // as ssh: names compare in lower case
        int port = givenPort != null ? givenPort : hc.port() != null ? hc.port() : SSH_PORT;
        String user = hc.user() != null ? hc.user() : defaultUser;
        List<JumpHost> jumps = forcedJumps != null ? forcedJumps
                : hc.jumps() ? JumpHost.parseList(hc.proxyJump()) : List.of();
        SshRoute jump = null;
        if (!jumps.isEmpty()) {
            JumpHost last = jumps.get(jumps.size() - 1);
            List<JumpHost> before = jumps.subList(0, jumps.size() - 1);
            jump = build(last.host(), last.user(), last.port(), config.localUser(),
                    before.isEmpty() ? null : List.copyOf(before), depth + 1, "a jump host (ProxyJump of " + alias
                            + ")", options.identities());
        }
        String keyAlias = hc.hostKeyAlias() != null ? hc.hostKeyAlias() : host;
        Tokens tokens = new Tokens(config.home(), localHost, alias, host, port, user, config.localUser(),
                ProcessUser.uid(), hc.hostKeyAlias() != null ? hc.hostKeyAlias() : alias,
                hc.jumps() ? hc.proxyJump() : "", env);

        List<Path> files = new ArrayList<>(named);
        for (String f : hc.identityFiles()) {
            Path p = Path.of(tokens.expand(f, "IdentityFile"));
            if (!files.contains(p)) {
                files.add(p); // one that does not exist offers nothing (as in ssh) but still counts as named
            }
        }
        List<Path> defaults = files.isEmpty() ? Identities.defaultCandidates(config.home()) : List.of();

        Path agent = null;
        String agentNote = null;
        String ia = hc.identityAgent();
        if (ia != null && ia.equalsIgnoreCase("none")) {
            agentNote = "the ssh-agent (none: IdentityAgent none)";
        } else {
            String var = ia == null ? "SSH_AUTH_SOCK" : ia.startsWith("$") ? ia.substring(1) : null;
            String sock = var != null ? env.get(var) : tokens.expand(ia, "IdentityAgent");
            if (sock == null || sock.isEmpty()) {
                agentNote = "the ssh-agent (none: " + var + " is not set)";
            } else {
                agent = Path.of(sock);
            }
        }

        List<Path> userFiles = new ArrayList<>();
        if (options.knownHosts() != null) {
            userFiles.add(options.knownHosts());
        } else if (hc.userKnownHostsFiles() != null) {
            for (String f : hc.userKnownHostsFiles()) {
                if (!f.equalsIgnoreCase("none")) {
                    userFiles.add(Path.of(tokens.expand(f, "UserKnownHostsFile")));
                }
            }
        } else {
            userFiles.add(config.home().resolve(".ssh/known_hosts"));
            userFiles.add(config.home().resolve(".ssh/known_hosts2"));
        }
        List<Path> globalFiles = new ArrayList<>();
        if (hc.globalKnownHostsFiles() != null) {
            hc.globalKnownHostsFiles().stream().filter(f -> !f.equalsIgnoreCase("none")).map(Path::of)
                    .forEach(globalFiles::add);
        } else {
            globalFiles.add(options.paths().sshEtc().resolve("ssh_known_hosts"));
            globalFiles.add(options.paths().sshEtc().resolve("ssh_known_hosts2"));
        }
        KnownHostsRules trust = new KnownHostsRules(userFiles, globalFiles, policy(hc),
                Boolean.TRUE.equals(hc.hashKnownHosts()));

        Duration timeout = options.givenConnectTimeout() != null ? options.givenConnectTimeout()
                : hc.connectTimeout() != null ? hc.connectTimeout() : SyncConfig.DEFAULT_CONNECT_TIMEOUT;
        if (hc.hostName() != null) {
            origin = "the HostName for " + alias + " in the ssh configuration";
        }
        return new SshRoute(alias, host, port, user, keyAlias, files, defaults,
                Boolean.TRUE.equals(hc.identitiesOnly()), agent, agentNote, trust, timeout,
                hc.serverAliveInterval() != null ? hc.serverAliveInterval() : Duration.ZERO,
                hc.serverAliveCountMax() != null ? hc.serverAliveCountMax() : ALIVE_COUNT_MAX,
                jump == null && hc.proxyCommand() != null ? tokens.expandTokens(hc.proxyCommand(), "ProxyCommand")
                        : null, jump, origin);
    }

    /** The policy named for the run, else StrictHostKeyChecking, else ask on a terminal and strict without one. */
    private TrustPolicy policy(HostConfig hc) {
        if (options.policy() != null) {
            return options.policy();
        }
        if (hc.strictHostKeyChecking() != null) {
            return switch (hc.strictHostKeyChecking()) {
                case "true" -> TrustPolicy.STRICT;
                case "ask" -> TrustPolicy.ASK;
                // "no" also accepts new keys; a changed key stays refused under every policy.
                default -> TrustPolicy.ACCEPT_NEW;
            };
        }
        return options.effectivePolicy();
    }
}
