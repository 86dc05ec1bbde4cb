package org.tlclb.sync.ssh;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;

/**
 * How a run talks SSH.
 *
 * @param connectTimeout TCP connect plus key exchange, per attempt
 * @param authTimeout    authentication, per attempt
 * @param idleTimeout    a session with no traffic for this long is closed (a dead node cannot hang the run)
 * @param retries        further attempts after a failed connect, with exponential backoff
 * @param verifier       host-key trust
 * @param identities     key pairs offered for public-key authentication
 * @param passwords      asks a node's password (terminal runs only); {@link PasswordSource#NONE} in batch
 */
public record SshSettings(Duration connectTimeout, Duration authTimeout, Duration idleTimeout, int retries,
                          ServerKeyVerifier verifier, List<KeyPair> identities, PasswordSource passwords) {
}
