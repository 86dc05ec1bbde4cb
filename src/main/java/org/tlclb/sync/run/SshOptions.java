package org.tlclb.sync.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.TrustPolicy;

/**
 * The SSH side of a run as the user chose it.
 *
 * @param identities explicit keys (-i, then IdentityFile); empty means the ~/.ssh defaults
 * @param sshConfig  the OpenSSH client config whose Host entries are honoured (may not exist)
 */
public record SshOptions(Path knownHosts, TrustPolicy policy, Prompter prompter, List<Path> identities,
                         Duration connectTimeout, int retries, Path home, Path sshConfig) {
}
