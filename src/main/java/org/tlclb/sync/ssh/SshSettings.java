package org.tlclb.sync.ssh;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;


/**
 * How a run talks SSH.
 *
 * @param connectTimeout TCP connect plus key exchange, per attempt
 * @param authTimeout    authentication, per attempt
 * @param idleTimeout    a session with no traffic for this long is closed (a dead node cannot hang the run)
 * @param retries        further attempts after a failed connect, with exponential backoff
 * @param trust          host-key trust (known_hosts and policy)
 * @param identities     key pairs offered for public-key authentication
 * @param passwords      asks a node's password (terminal runs only); {@link PasswordSource#NONE} in batch
 */
public record SshSettings(Duration connectTimeout, Duration authTimeout, Duration idleTimeout, int retries,
                          HostKeyTrust trust, List<KeyPair> identities, PasswordSource passwords) {
}
