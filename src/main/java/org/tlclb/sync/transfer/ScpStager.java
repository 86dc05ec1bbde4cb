package org.tlclb.sync.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.ssh.RemoteShell;

/**
 * Streams a stage plan's files into their temporary names on a node over {@code scp -r -p -t}
 * channels of one SSH connection: one on a LAN, several over a long round trip (see
 * {@link StageChannels}), all fed from the one plan in batches. File names travel inside the
 * protocol, never through a shell; the temporary names are plain ASCII, so names the protocol
 * cannot carry (newlines) only ever appear in the SFTP commit.
 * <p>
 * With several channels, the first creates every directory the plan makes before the others
 * enter any (two sinks creating one directory would race), the directories it creates are left
 * owner-writable until the commit sets their modes, and each file goes over exactly one channel
 * under its planned temporary name. A channel the node refuses (OpenSSH's {@code MaxSessions})
 * takes no batch: the others, at least the first, carry everything. Any channel failing once it
 * has taken a batch fails the node, as one channel did ({@link StagingRun}).
 */
public final class ScpStager {
    /** A global request every SSH server answers at once (with a failure): a round-trip probe. */
    private static final String PROBE = "keepalive@openssh.com";
    private final Duration timeout;
    private final Throttle throttle;
    private final BooleanSupplier cancelled;
    private final SmallFiles shared;
    private final Semaphore extraChannels;

    /**
     * @param bwlimit   bytes per second for this node, 0 for no limit
     * @param cancelled polled between files and chunks: true aborts the stream (Ctrl-C before commit)
     */
    public ScpStager(Duration timeout, long bwlimit, BooleanSupplier cancelled) {
        this(timeout, bwlimit, cancelled, null, channelBudget());
    }

    /**
     * @param shared        small files read once for all the nodes streaming the same plan, or null
     * @param extraChannels the run's budget of extra SCP channels open at once ({@link #channelBudget()}),
     *                      shared by all its nodes
     */
    public ScpStager(Duration timeout, long bwlimit, BooleanSupplier cancelled, SmallFiles shared,
                     Semaphore extraChannels) {
        this.timeout = timeout;
        this.throttle = new Throttle(bwlimit);
        this.cancelled = cancelled;
        this.shared = shared;
        this.extraChannels = extraChannels;
    }

    /** A run's budget of extra SCP channels open at once across its nodes ({@link Tunables#SCP_CHANNEL_BUDGET}). */
    public static Semaphore channelBudget() {
        return new Semaphore(Math.max(0, Tunables.SCP_CHANNEL_BUDGET.get()));
    }

    /**
     * The first {@code scp -t} channel of a node, opened ahead of staging: reserved (opened with
     * no command yet) as soon as the node is connected, started once its plan is known, so that
     * neither the channel's opening nor the node's shell and scp wait for staging. It also
     * measures the node's round trip (its opening, and a probe sent beside it).
     */
    public static final class Opening implements AutoCloseable {
        final ClientSession session;
        final PendingExec channel;
        final AckCounter acks;
        final OpenFuture future;
        final long started = System.nanoTime();
        String root;
        private long roundTrip;
        boolean taken;

        private Opening(ClientSession session, PendingExec channel, AckCounter acks, OpenFuture future) {
            this.session = session;
            this.channel = channel;
            this.acks = acks;
            this.future = future;
        }

        synchronized void sample(long nanos) {
            roundTrip = roundTrip == 0 ? nanos : Math.min(roundTrip, nanos);
        }

        /** The shortest round trip seen so far, in nanoseconds; 0 when none was. */
        synchronized long roundTripNanos() {
            return roundTrip;
        }

        /**
         * Starts {@code scp -r -p -t root} on the reserved channel (now, or as soon as it is
         * open). The root must exist: the sink treats a missing target as a file name.
         */
        public Opening start(String root) {
            synchronized (this) {
                if (this.root != null) {
                    throw new IllegalStateException("this SCP channel already runs for " + this.root);
                }
                this.root = root;
            }
            probe(this); // a second sample, taken later than the first
            future.addListener(f -> {
                if (f.isOpened()) {
                    try {
                        begin();
                    } catch (IOException e) {
                        channel.close(true); // staging then fails with the channel's end
                    }
                }
            });
            return this;
        }

        void begin() throws IOException {
            if (root == null) {
                throw new IllegalStateException("a reserved SCP channel was never started");
            }
            channel.start("scp -r -p -t " + RemoteShell.quote(root));
        }

        /** Closes the channel unless staging took it over: scp on the node sees the end and exits. */
        @Override
        public void close() {
            if (!taken) {
                channel.close(false);
            }
        }
    }

    /**
     * Opens a session channel for the node's first {@code scp -t} without starting anything on
     * the node, and sends a round-trip probe beside it; {@link Opening#start} runs scp on it.
     */
    public static Opening reserve(ClientSession session) throws IOException {
        Opening o = openChannel(session);
        o.future.addListener(f -> {
            if (f.isOpened()) {
                o.sample(System.nanoTime() - o.started);
            }
        });
        probe(o);
        return o;
    }

    /**
     * Measures a round trip of the node's connection into {@code o}. Every sample is an upper
     * bound (a busy client answers late, never early), so the shortest one counts: on a LAN a
     * sample taken while this machine is busy with the other nodes' key exchanges can read tens
     * of milliseconds.
     */
    private static void probe(Opening o) {
        try {
            Buffer probe = o.session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
            probe.putString(PROBE);
            probe.putBoolean(true);
            long t0 = System.nanoTime();
            o.session.request(probe, PROBE, (cmd, data) -> o.sample(System.nanoTime() - t0));
        } catch (IOException | RuntimeException e) {
            // no sample from this probe
        }
    }

    /**
     * Starts opening {@code scp -r -p -t root} without waiting for it. The root must exist: the
     * sink treats a missing target as a file name.
     */
    public static Opening open(ClientSession session, String root) throws IOException {
        return reserve(session).start(root);
    }

    static Opening openChannel(ClientSession session) throws IOException {
        PendingExec channel = PendingExec.register(session);
        AckCounter acks = new AckCounter();
        channel.setOut(acks);
        channel.setErr(OutputStream.nullOutputStream());
        return new Opening(session, channel, acks, channel.open());
    }

    /** Over one channel, opened now (the SCP-only full copy). */
    public StageResult stage(ClientSession session, String root, StagePlan plan, StageProgress progress)
            throws IOException {
        return stage(plan.isEmpty() ? null : openChannel(session).start(root), plan, null, null, progress);
    }

    /**
     * Over the channel from {@link #open}, and as many more of its session as the node's round
     * trip and the plan's size call for; every channel is closed at the end. With the node's SFTP
     * client a large file can ride several channels: it is sent in parts under temporary names of
     * their own and joined on the node (SFTP {@code copy-data}) before staging ends.
     *
     * @param source the source manifest (file sizes, to share the plan out), or null for one channel
     * @param sftp   the node's SFTP client, or null to send every file whole
     */
    public StageResult stage(Opening opening, StagePlan plan, Manifest source, SftpClient sftp, StageProgress progress) {
        if (plan.isEmpty()) {
            if (opening != null) {
                opening.close();
            }
            return new StageResult(new StagedFiles(plan), Set.of(), List.of(), 0, List.of(), null, Map.of(), List.of());
        }
        opening.taken = true;
        return new StagingRun(opening, plan, timeout, throttle, cancelled, shared, extraChannels, progress, source,
                sftp).run();
    }
}
