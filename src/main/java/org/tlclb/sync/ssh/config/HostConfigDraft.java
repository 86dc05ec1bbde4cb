package org.tlclb.sync.ssh.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The values obtained so far for one host while the files are read. Each keyword's value is checked on every line
 * (ssh refuses a bad value even in a block that does not apply) and kept only from an active line, and only the
 * first time: later lines cannot override, except IdentityFile, which accumulates.
 */
final class HostConfigDraft {
    /** ssh's SSH_MAX_IDENTITY_FILES. */
    private static final int MAX_IDENTITY_FILES = 100;

    final String host;
    boolean finalPass;
    boolean wantFinalPass;

    String hostName;
    Integer port;
    String user;
    private final List<String> identityFiles = new ArrayList<>();
    private Boolean identitiesOnly;
    private List<String> userKnownHosts;
    private List<String> globalKnownHosts;
    private String strict;
    private String proxyJump;
    private String proxyCommand;
    private boolean connectTimeoutSeen;
    private Duration connectTimeout;
    private boolean aliveIntervalSeen;
    private Duration aliveInterval;
    private Integer aliveCountMax;
    private Boolean hashKnownHosts;
    private String identityAgent;
    private String hostKeyAlias;

    HostConfigDraft(String host, String givenUser) {
        this.host = host;
        this.user = givenUser;
    }

    String effectiveHostName() {
        return hostName != null ? hostName : host;
    }

    void apply(ConfigLine l, boolean active) throws SshConfigException {
        switch (l.keyword()) {
            case "hostname" -> {
                String v = l.first().replace("%%", "\0").replace("%h", host).replace("\0", "%");
                if (active && hostName == null) {
                    hostName = v;
                }
            }
            case "port" -> {
                int v = ConfigSyntax.port(l);
                if (active && port == null) {
                    port = v;
                }
            }
            case "user" -> {
                String v = l.first();
                if (active && user == null) {
                    user = v;
                }
            }
            case "identityfile" -> {
                String v = l.first();
                if (active && !identityFiles.contains(v)) {
                    if (identityFiles.size() >= MAX_IDENTITY_FILES) {
                        throw l.error("Too many identity files specified (max " + MAX_IDENTITY_FILES + ")");
                    }
                    identityFiles.add(v);
                }
            }
            case "identitiesonly" -> identitiesOnly = first(identitiesOnly, ConfigSyntax.flag(l), active);
            case "userknownhostsfile" -> userKnownHosts = first(userKnownHosts, nonEmpty(l), active);
            case "globalknownhostsfile" -> globalKnownHosts = first(globalKnownHosts, nonEmpty(l), active);
            case "stricthostkeychecking" -> strict = first(strict, ConfigSyntax.strictness(l), active);
            case "proxyjump" -> proxyJump(l, active);
            case "proxycommand" -> {
                if (active && proxyCommand == null) {
                    proxyCommand = l.rest().strip();
                }
            }
            case "connecttimeout" -> {
                Duration v = ConfigSyntax.time(l).orElse(null);
                if (active && !connectTimeoutSeen && v != null) {
                    connectTimeoutSeen = true;
                    connectTimeout = v;
                }
            }
            case "serveraliveinterval" -> {
                Duration v = ConfigSyntax.time(l).orElse(Duration.ZERO);
                if (active && !aliveIntervalSeen) {
                    aliveIntervalSeen = true;
                    aliveInterval = v;
                }
            }
            case "serveralivecountmax" -> aliveCountMax = first(aliveCountMax, ConfigSyntax.count(l), active);
            case "hashknownhosts" -> hashKnownHosts = first(hashKnownHosts, ConfigSyntax.flag(l), active);
            case "identityagent" -> identityAgent = first(identityAgent, l.first(), active);
            case "hostkeyalias" -> hostKeyAlias = first(hostKeyAlias, l.first(), active);
            default -> {
                // Every other keyword is ssh's business (SendEnv, GSSAPI..., Compression): it does not change
                // where we connect, which keys we offer or which host keys we trust.
            }
        }
    }

    /**
     * readconf.c parse_jump: "none" switches jumping off unless a jump is already set; a list is taken only when
     * neither a jump nor a ProxyCommand was obtained before, and then also blocks any later ProxyCommand.
     */
    private void proxyJump(ConfigLine l, boolean active) throws SshConfigException {
        String v = l.rest();
        int hash = v.indexOf('#');
        v = (hash >= 0 ? v.substring(0, hash) : v).strip();
        if (v.equalsIgnoreCase("none")) {
            if (active && proxyJump == null) {
                proxyJump = "none";
            }
            return;
        }
        try {
            JumpHost.parseList(v);
        } catch (IllegalArgumentException e) {
            throw l.error("Invalid ProxyJump \"" + v + "\": " + e.getMessage());
        }
        if (active && proxyJump == null && proxyCommand == null) {
            proxyJump = v;
            proxyCommand = "none";
        }
    }

    private static List<String> nonEmpty(ConfigLine l) throws SshConfigException {
        l.first();
        return l.args();
    }

    private static <T> T first(T current, T value, boolean active) {
        return active && current == null ? value : current;
    }

    HostConfig build() {
        String command = proxyCommand == null || proxyCommand.equalsIgnoreCase("none") ? null : proxyCommand;
        return new HostConfig(host, hostName, port, user, identityFiles, identitiesOnly, userKnownHosts,
                globalKnownHosts, strict, proxyJump, command, connectTimeout, aliveInterval, aliveCountMax,
                hashKnownHosts, identityAgent, hostKeyAlias);
    }
}
