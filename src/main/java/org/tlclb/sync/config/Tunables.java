package org.tlclb.sync.config;

import java.time.Duration;

/**
 * Every tunable of the engine in one place (see {@link Tunable}). The waits for a node that are
 * not listed here derive from the run's ConnectTimeout ({@link Timeouts}).
 */
public final class Tunables {
    /** How long a PostSync command may run on one node before it counts as failed. */
    public static final Tunable<Duration> HOOK_TIMEOUT = Tunable.duration("tlclb.hook-timeout",
            Duration.ofMinutes(5), "the longest a PostSync command may run on a node");

    /** How long a local Validate command may run before the push is refused. */
    public static final Tunable<Duration> VALIDATE_TIMEOUT = Tunable.duration("tlclb.validate-timeout",
            Duration.ofMinutes(5), "the longest a Validate command may run on the source machine");

    /** The read buffer of one file streamed by SCP. */
    public static final Tunable<Integer> SCP_BUFFER = Tunable.integer("tlclb.scp-buffer", 256 * 1024,
            "bytes read from a source file at a time while streaming it");

    /**
     * The most SCP channels one node's staging opens over its connection (1: one channel always).
     * OpenSSH allows 10 sessions per connection by default ({@code MaxSessions}); the SFTP channel
     * and the post-sync command need one each.
     */
    public static final Tunable<Integer> SCP_CHANNELS = Tunable.integer("tlclb.scp-channels", 8,
            "the most SCP channels per node (several carry more than one SSH window per round trip)");

    /**
     * The rate, in bytes per second, the SCP channels of one node are sized for: as many as keep
     * that much in flight over the node's round trip (a gigabit link by default).
     */
    public static final Tunable<Integer> SCP_LINK_RATE = Tunable.integer("tlclb.scp-link-rate", 125_000_000,
            "bytes per second the SCP channels of a node are sized to carry");

    /**
     * Extra SCP channels open at once across a run: each may hold a window (2 MiB) queued in the
     * client's heap while its node is slower than the client, so this bounds that memory.
     */
    public static final Tunable<Integer> SCP_CHANNEL_BUDGET = Tunable.integer("tlclb.scp-channel-budget", 32,
            "extra SCP channels open at once across all nodes of a run");

    /** SFTP requests in flight on one channel during the commit. */
    public static final Tunable<Integer> SFTP_COMMIT_WINDOW = Tunable.integer("tlclb.sftp-commit-window", 256,
            "SFTP requests sent ahead of their replies while committing");

    /**
     * SFTP requests in flight on one channel while listing a node's tree. A listing wave holds a few
     * per directory (open, reads, close) and a wave that does not fit costs another round trip; the
     * requests are tens of bytes and the replies are read as they come.
     */
    public static final Tunable<Integer> SFTP_LIST_WINDOW = Tunable.integer("tlclb.sftp-list-window", 65536,
            "SFTP requests sent ahead of their replies while listing");

    /**
     * How many times a file that changes while it is sent is read and sent (the first send
     * included) before it is left for the next run: the node is then partial and the report names
     * the file. Each send is a consistent copy or none.
     */
    public static final Tunable<Integer> SEND_TRIES = Tunable.integer("tlclb.send-tries", 3,
            "times a file that changes while it is sent is read and sent before the node is left partial");

    /** A node lock not rewritten for this long belongs to a run that died, and is taken over. */
    public static final Tunable<Duration> NODE_LOCK_LEASE = Tunable.duration("tlclb.node-lock-lease",
            Duration.ofMinutes(2), "how long a node lock outlives the run that stopped renewing it");

    /** How often a run rewrites its node locks. */
    public static final Tunable<Duration> NODE_LOCK_HEARTBEAT = Tunable.duration("tlclb.node-lock-heartbeat",
            Duration.ofSeconds(20), "how often a run renews its node locks");

    private Tunables() {
    }
}
