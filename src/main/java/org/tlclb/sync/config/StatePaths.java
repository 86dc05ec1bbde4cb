package org.tlclb.sync.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a run finds and keeps its state on this machine: the default sync.conf, the default log
 * file, the directory of run locks, the home whose {@code ~/.ssh} is used, and OpenSSH's system
 * directory ({@code /etc/ssh}: {@code ssh_config}, {@code ssh_known_hosts}). Every path the product
 * would otherwise hard-wire comes from here, so tests (and admins with unusual layouts) point a
 * run elsewhere through the environment:
 *
 * <table>
 * <caption>Environment overrides</caption>
 * <tr><th>variable</th><th>default</th></tr>
 * <tr><td>TLCLB_CONFIG</td><td>/etc/clusterserver/sync.conf</td></tr>
 * <tr><td>TLCLB_LOG_FILE</td><td>/var/log/tlclb/sync.log for root, else ~/.local/state/tlclb/sync.log
 * (when neither --log-file nor LogFile names one)</td></tr>
 * <tr><td>TLCLB_LOCK_DIR</td><td>/run/tlclb for root, else $XDG_RUNTIME_DIR/tlclb, else ~/.cache/tlclb</td></tr>
 * <tr><td>TLCLB_HOME</td><td>the user's home directory (the JVM's user.home)</td></tr>
 * <tr><td>TLCLB_SSH_ETC</td><td>/etc/ssh</td></tr>
 * <tr><td>TLCLB_STATE_DIR</td><td>/var/lib/tlclb for root, else ~/.local/state/tlclb</td></tr>
 * </table>
 *
 * @param configFile the sync.conf read when no {@code -c} is given (it may not exist)
 * @param logFile    the log file when neither {@code --log-file} nor {@code LogFile} names one
 * @param lockDir    the private directory (0700, owned by the running user) holding run locks
 * @param home       the home directory whose {@code .ssh} holds keys, known_hosts and config
 * @param sshEtc     OpenSSH's system configuration directory
 * @param stateDir   the private directory (0700) of the cluster's recorded state (what each node holds)
 */
public record StatePaths(Path configFile, Path logFile, Path lockDir, Path home, Path sshEtc, Path stateDir) {
    public static final Path DEFAULT_STATE = Path.of("/var/lib/tlclb");
    public static final Path DEFAULT_CONFIG = Path.of("/etc/clusterserver/sync.conf");
    public static final Path DEFAULT_LOG = Path.of("/var/log/tlclb/sync.log");
    public static final Path DEFAULT_SSH_ETC = Path.of("/etc/ssh");

    /** The paths of this process: its environment over the defaults. */
    public static StatePaths current() {
        return from(System.getenv(), System.getProperty("user.home", "/"), ProcessUser.isRoot());
    }

    /**
     * The paths for an environment.
     *
     * @param env      environment variables (TLCLB_* overrides, XDG_RUNTIME_DIR)
     * @param userHome the JVM's user.home (the passwd entry's home, as OpenSSH uses)
     * @param root     whether the run is root's, whose locks live in /run/tlclb
     */
    public static StatePaths from(Map<String, String> env, String userHome, boolean root) {
        Path home = Path.of(nonEmpty(env.get("TLCLB_HOME"), userHome));
        Path lockDir;
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (nonEmpty(env.get("TLCLB_LOCK_DIR"), null) != null) {
            lockDir = Path.of(env.get("TLCLB_LOCK_DIR"));
        } else if (root) {
            lockDir = Path.of("/run/tlclb");
        } else if (xdg != null && xdg.startsWith("/")) {
            lockDir = Path.of(xdg, "tlclb");
        } else {
            lockDir = home.resolve(".cache/tlclb");
        }
        return new StatePaths(
                path(env.get("TLCLB_CONFIG"), DEFAULT_CONFIG),
                path(env.get("TLCLB_LOG_FILE"), root ? DEFAULT_LOG : home.resolve(".local/state/tlclb/sync.log")),
                lockDir,
                home,
                path(env.get("TLCLB_SSH_ETC"), DEFAULT_SSH_ETC),
                path(env.get("TLCLB_STATE_DIR"), root ? DEFAULT_STATE : home.resolve(".local/state/tlclb")));
    }

    /** {@code ~/.ssh} of the home in use. */
    public Path sshDir() {
        return home.resolve(".ssh");
    }

    private static Path path(String value, Path fallback) {
        return value == null || value.isEmpty() ? fallback : Path.of(value);
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
