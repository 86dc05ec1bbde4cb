package org.tlclb.sync.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.config.SyncConfig;

/**
 * The SSH side of a run as the user chose it (command line over sync.conf); what the user did not choose is
 * resolved in this package, per node, from the OpenSSH client configuration ({@code ~/.ssh/config}, then
 * {@code ssh_config} in {@link StatePaths#sshEtc()}) and then ssh's defaults.
 *
 * @param paths          the home and OpenSSH system directory in use
 * @param prompter       the terminal, or none (cron)
 * @param knownHosts     the known_hosts file named with --known-hosts or KnownHosts, or null: then
 *                       UserKnownHostsFile, else ~/.ssh/known_hosts and known_hosts2 (system files are read anyway)
 * @param policy         the host key policy named with --host-key-policy or HostKeyPolicy, or null: then
 *                       StrictHostKeyChecking, else ask on a terminal and strict without one
 * @param identities     keys named with -i, then IdentityFile of sync.conf; ssh_config IdentityFile lines follow
 * @param connectTimeout TCP connect plus key exchange, per attempt, named with --connect-timeout or ConnectTimeout
 *                       of sync.conf, or null: then ConnectTimeout of ssh_config, else {@link SyncConfig#DEFAULT_CONNECT_TIMEOUT}
 * @param retries        further attempts after a failed connect, with backoff
 */
public record SshOptions(StatePaths paths, Prompter prompter, Path knownHosts, TrustPolicy policy,
                         List<Path> identities, Duration connectTimeout, int retries) {

    public SshOptions {
        identities = List.copyOf(identities);
    }

    public Path home() {
        return paths.home();
    }

    /** The connect timeout the run named, or null when ssh_config (else the default) decides per host. */
    public Duration givenConnectTimeout() {
        return connectTimeout;
    }

    /** The run's connect timeout: the one named, else the default (a host's ssh_config may still set its own). */
    @Override
    public Duration connectTimeout() {
        return connectTimeout != null ? connectTimeout : SyncConfig.DEFAULT_CONNECT_TIMEOUT;
    }

    /** The policy when neither the run nor ssh_config names one: ask on a terminal, strict without one. */
    public TrustPolicy effectivePolicy() {
        return policy != null ? policy : prompter.interactive() ? TrustPolicy.ASK : TrustPolicy.STRICT;
    }
}
