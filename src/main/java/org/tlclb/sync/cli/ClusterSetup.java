package org.tlclb.sync.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.tlclb.sync.config.ConfigException;
import org.tlclb.sync.config.ConfigParser;
import org.tlclb.sync.config.HostKeyPolicy;
import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.TrustPolicy;

/**
 * What every command that talks to the cluster resolves the same way: which sync.conf, and the SSH options
 * (known_hosts, host key policy, keys, timeouts) from the command line over the file. Shared by the sync commands
 * and {@code tlclb keys install}, so that keys install trusts and authenticates exactly as a sync run will.
 */
final class ClusterSetup {
    private ClusterSetup() {
    }

    /** The explicit file, else /etc/clusterserver/sync.conf if it exists, else the built-in defaults. */
    static SyncConfig loadConfig(Path explicit) throws ConfigException {
        if (explicit != null) {
            return ConfigParser.parse(explicit);
        }
        if (Files.exists(SyncCommandBase.DEFAULT_CONFIG)) {
            return ConfigParser.parse(SyncCommandBase.DEFAULT_CONFIG);
        }
        return SyncConfig.defaults();
    }

    /**
     * @param knownHosts     --known-hosts, or null
     * @param hostKeyPolicy  --host-key-policy as typed, or null
     * @param identities     -i files (may be empty)
     * @param connectTimeout --connect-timeout, or null
     * @param retries        --retries, or null
     */
    static SshOptions sshOptions(SyncConfig cfg, Prompter prompter, Path knownHosts, String hostKeyPolicy,
                                 List<Path> identities, Integer connectTimeout, Integer retries) throws UsageError {
        Path kh = knownHosts != null ? knownHosts : cfg.knownHosts();
        TrustPolicy policy = null;
        try {
            HostKeyPolicy p = hostKeyPolicy != null ? HostKeyPolicy.parse(hostKeyPolicy) : cfg.hostKeyPolicy();
            if (p != null) {
                policy = TrustPolicy.valueOf(p.name());
            }
        } catch (IllegalArgumentException e) {
            throw new UsageError("--host-key-policy takes strict, ask or accept-new, not '" + hostKeyPolicy + "'");
        }
        List<Path> ids = new ArrayList<>(identities);
        ids.addAll(cfg.identityFiles());
        if (connectTimeout != null && connectTimeout <= 0) {
            throw new UsageError("--connect-timeout must be a positive number of seconds");
        }
        // null when neither names one: then each host's ssh_config ConnectTimeout (else the default) applies
        Duration timeout = connectTimeout != null ? Duration.ofSeconds(connectTimeout) : cfg.connectTimeoutSetting();
        int r = retries != null ? retries : cfg.retries();
        return new SshOptions(StatePaths.current(), prompter, kh, policy, ids, timeout, Math.max(0, r));
    }
}
