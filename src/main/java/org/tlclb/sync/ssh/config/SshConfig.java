package org.tlclb.sync.ssh.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The OpenSSH client configuration of a run: the user's file, then the system's, read as ssh reads them. For one
 * host, every line of every file is taken in order; {@code Host} lines switch the following lines on or off by
 * the name as typed, {@code Match} lines by criteria (host after HostName, originalhost, user, localuser, all,
 * final, canonical); {@code Include} reads further files in place. For most keywords the first value obtained
 * wins; IdentityFile accumulates. {@code Match final} (or canonical) makes a second pass, as in ssh.
 * <p>
 * Thread-safe: files are read once and then shared by every node of the run.
 */
public final class SshConfig {
    /** ssh's READCONF_MAX_DEPTH: Include loops end here. */
    static final int MAX_INCLUDE_DEPTH = 16;

    private final List<Source> sources;
    private final Path home;
    private final Path sshEtc;
    private final String localUser;
    private final ConfigSource files = new ConfigSource();

    /** A top-level file; user files resolve relative Includes against ~/.ssh and have their permissions checked. */
    record Source(Path file, boolean user) {
    }

    private SshConfig(List<Source> sources, Path home, Path sshEtc, String localUser) {
        this.sources = List.copyOf(sources);
        this.home = home;
        this.sshEtc = sshEtc;
        this.localUser = localUser;
    }

    /** What ssh reads without -F: {@code home/.ssh/config}, then {@code sshEtc/ssh_config}. */
    public static SshConfig standard(Path home, Path sshEtc, String localUser) {
        return new SshConfig(List.of(new Source(home.resolve(".ssh").resolve("config"), true),
                new Source(sshEtc.resolve("ssh_config"), false)), home, sshEtc, localUser);
    }

    /** What {@code ssh -F file} reads: that file alone, as a user file. */
    public static SshConfig only(Path file, Path home, Path sshEtc, String localUser) {
        return new SshConfig(List.of(new Source(file, true)), home, sshEtc, localUser);
    }

    public Path home() {
        return home;
    }

    public String localUser() {
        return localUser;
    }

    /**
     * The configuration for {@code host}.
     *
     * @param givenUser   the user named on the command line (ssh takes it before any file), or null
     * @param defaultUser the user {@code Match user} compares with while no User is set (ssh: the local user)
     */
    public HostConfig resolve(String host, String givenUser, String defaultUser) throws SshConfigException {
        HostConfigDraft d = new HostConfigDraft(host, givenUser);
        for (boolean finalPass : new boolean[] {false, true}) {
            if (finalPass && !d.wantFinalPass) {
                break;
            }
            d.finalPass = finalPass;
            for (Source s : sources) {
                read(s.file(), s.user(), s.user(), d, defaultUser, 0);
            }
        }
        return d.build();
    }

    private void read(Path file, boolean user, boolean checkPermissions, HostConfigDraft d, String defaultUser,
            int depth) throws SshConfigException {
        boolean active = true;
        for (ConfigLine l : files.lines(file, checkPermissions)) {
            switch (l.keyword()) {
                case "host" -> active = HostLine.matches(l, d.host);
                case "match" -> active = MatchLine.matches(l, d, defaultUser, localUser);
                case "include" -> {
                    if (active) {
                        include(l, user, d, defaultUser, depth);
                    }
                }
                default -> d.apply(l, active);
            }
        }
    }

    private void include(ConfigLine l, boolean user, HostConfigDraft d, String defaultUser, int depth)
            throws SshConfigException {
        if (depth >= MAX_INCLUDE_DEPTH) {
            throw l.error("Include nesting too deep (more than " + MAX_INCLUDE_DEPTH + " levels: a loop?)");
        }
        for (String arg : l.args()) {
            if (arg.startsWith("~") && !user) {
                throw l.error("bad include path " + arg + " (~ is for user configuration files only)");
            }
            String pattern = arg.startsWith("~/") || arg.equals("~") ? home + arg.substring(1)
                    : arg.startsWith("/") ? arg
                    : (user ? home.resolve(".ssh") : sshEtc) + "/" + arg;
            for (Path p : IncludeGlob.expand(pattern)) {
                // An included file's Host and Match lines do not change the including file's state; ssh checks
                // the permissions of every included file, system ones too.
                read(p, user, true, d, defaultUser, depth + 1);
            }
        }
    }
}
