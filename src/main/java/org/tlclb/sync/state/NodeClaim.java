package org.tlclb.sync.state;

import java.time.Instant;

/**
 * What one node says of itself when asked ({@code tlclb status --rebuild}): the generation its own
 * marker names, the run and time that wrote it; or that it has no marker; or why it could not be asked.
 *
 * @param generation null when the node has no marker (or could not be asked)
 * @param error      null when the node answered
 */
public record NodeClaim(String node, String generation, String runId, Instant time, String error) {
}
