package org.tlclb.sync.ssh;

import java.time.Duration;

/**
 * How a run talks SSH, beyond what each route settles (connect timeout, keepalives, keys, known_hosts).
 *
 * @param authTimeout    authentication, per attempt
 * @param idleTimeout    a session with no traffic for this long is closed (a dead node cannot hang the run)
 * @param retries        further attempts after a failed connect, with exponential backoff
 * @param trust          host-key trust (known_hosts and policy)
 * @param passwords      asks a node's password (terminal runs only); {@link PasswordSource#NONE} in batch
 */
public record SshSettings(Duration authTimeout, Duration idleTimeout, int retries, HostKeyTrust trust,
                          PasswordSource passwords) {
}
