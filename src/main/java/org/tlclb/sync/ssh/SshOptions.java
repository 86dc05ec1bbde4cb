package org.tlclb.sync.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.tlclb.sync.config.StatePaths;

/**
 * The SSH side of a run as the user chose it (command line over sync.conf); what the user did not
 * choose is resolved here, from the state paths ({@code ~/.ssh}, {@code /etc/ssh}) and the defaults.
 *
 * @param paths          the home and OpenSSH system directory in use
 * @param prompter       the terminal, or none (cron)
 * @param knownHosts     the known_hosts file named with --known-hosts or KnownHosts, or null
 * @param policy         the host key policy named with --host-key-policy or HostKeyPolicy, or null
 * @param identities     explicit keys (-i, then IdentityFile); empty means the ~/.ssh defaults
 * @param connectTimeout TCP connect plus key exchange, per attempt
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

    /** The user's OpenSSH client configuration (it may not exist). */
    public Path sshConfig() {
        return paths.sshDir().resolve("config");
    }

    /** The known_hosts file new keys are written to and keys are checked against. */
    public Path knownHostsFile() {
        return knownHosts != null ? knownHosts : paths.sshDir().resolve("known_hosts");
    }

    /** The policy in force: the one named, else ask on a terminal and strict without one. */
    public TrustPolicy effectivePolicy() {
        return policy != null ? policy : prompter.interactive() ? TrustPolicy.ASK : TrustPolicy.STRICT;
    }
}
