package org.tlclb.sync.config;

import java.time.Duration;

/**
 * Every wait for a node, derived from the one setting admins know, ConnectTimeout, so that a node
 * that hangs or dies is given up on in bounded time whatever it was doing.
 *
 * @param connect TCP connect plus key exchange, per attempt (ConnectTimeout, --connect-timeout)
 * @param auth    authentication, per attempt: 3 x connect
 * @param reply   any answer a node owes during the run (an SFTP reply, an SCP acknowledgement, a
 *                channel opening, a remote command's output): 6 x connect, at least 30 s; a node
 *                silent for that long has failed
 */
public record Timeouts(Duration connect, Duration auth, Duration reply) {
    private static final Duration MIN_REPLY = Duration.ofSeconds(30);

    public static Timeouts of(Duration connect) {
        Duration reply = connect.multipliedBy(6);
        return new Timeouts(connect, connect.multipliedBy(3), reply.compareTo(MIN_REPLY) < 0 ? MIN_REPLY : reply);
    }
}
