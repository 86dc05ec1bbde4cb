package org.tlclb.sync.ssh.config;

import java.time.Duration;
import java.util.List;

/**
 * What the OpenSSH client configuration says about one host, as {@code ssh -G host} would print it before its
 * defaults are filled in: every value is null (or an empty list) when no active line sets it, so that the command
 * line and sync.conf can take precedence. Paths are as written (not yet expanded: tokens such as {@code %h} take
 * the final host name, user and port, which the caller settles).
 *
 * @param host                  the name the configuration was resolved for (what the user typed)
 * @param hostName              HostName, with {@code %h} expanded
 * @param port                  Port
 * @param user                  User (or the user given on the command line, which ssh takes first)
 * @param identityFiles         IdentityFile lines in order, duplicates removed
 * @param identitiesOnly        IdentitiesOnly
 * @param userKnownHostsFiles   UserKnownHostsFile arguments
 * @param globalKnownHostsFiles GlobalKnownHostsFile arguments
 * @param strictHostKeyChecking StrictHostKeyChecking as ssh -G prints it: true, false, ask or accept-new
 * @param proxyJump             ProxyJump as written, or "none"
 * @param proxyCommand          ProxyCommand as written (its tokens are expanded when the route is settled)
 * @param connectTimeout        ConnectTimeout
 * @param serverAliveInterval   ServerAliveInterval
 * @param serverAliveCountMax   ServerAliveCountMax
 * @param hashKnownHosts        HashKnownHosts
 * @param identityAgent         IdentityAgent as written (a socket path, SSH_AUTH_SOCK or none)
 * @param hostKeyAlias          HostKeyAlias: the name looked up in known_hosts instead of the host name
 */
public record HostConfig(String host, String hostName, Integer port, String user, List<String> identityFiles,
                         Boolean identitiesOnly, List<String> userKnownHostsFiles, List<String> globalKnownHostsFiles,
                         String strictHostKeyChecking, String proxyJump, String proxyCommand, Duration connectTimeout,
                         Duration serverAliveInterval, Integer serverAliveCountMax, Boolean hashKnownHosts,
                         String identityAgent, String hostKeyAlias) {

    public HostConfig {
        identityFiles = List.copyOf(identityFiles);
        userKnownHostsFiles = userKnownHostsFiles == null ? null : List.copyOf(userKnownHostsFiles);
        globalKnownHostsFiles = globalKnownHostsFiles == null ? null : List.copyOf(globalKnownHostsFiles);
    }

    /** Nothing configured: what a host gets when no file exists or no block matches. */
    public static HostConfig empty(String host) {
        return new HostConfig(host, null, null, null, List.of(), null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** The host to connect to: HostName, else the name as typed. */
    public String effectiveHostName() {
        return hostName != null ? hostName : host;
    }

    /** Whether a ProxyJump other than "none" is set (and so the connection goes through jump hosts). */
    public boolean jumps() {
        return proxyJump != null && !proxyJump.equalsIgnoreCase("none");
    }
}
