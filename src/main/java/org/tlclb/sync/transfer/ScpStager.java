package org.tlclb.sync.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tlclb.sync.scan.Entry;
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
 * under its planned temporary name. A channel the node refuses (OpenSSH's {@code MaxSessions}),
 * or whose {@code scp} does not start, takes no batch: the others, at least the first, carry
 * everything. Any channel failing once it has taken a batch fails the node, as one channel did.
 */
public final class ScpStager {
    private static final Logger LOG = LoggerFactory.getLogger("tlclb.timing");
    /** A global request every SSH server answers at once (with a failure): a round-trip probe. */
    private static final String PROBE = "keepalive@openssh.com";
    private static final Semaphore EXTRA_CHANNELS = new Semaphore(StageChannels.RUN_BUDGET);
    private final Duration timeout;
    private final Throttle throttle;
    private final BooleanSupplier cancelled;
    private final SmallFiles shared;

    /**
     * @param bwlimit   bytes per second for this node, 0 for no limit
     * @param cancelled polled between files and chunks: true aborts the stream (Ctrl-C before commit)
     */
    public ScpStager(Duration timeout, long bwlimit, BooleanSupplier cancelled) {
        this(timeout, bwlimit, cancelled, null);
    }

    /** @param shared small files read once for all the nodes streaming the same plan, or null */
    public ScpStager(Duration timeout, long bwlimit, BooleanSupplier cancelled, SmallFiles shared) {
        this.timeout = timeout;
        this.throttle = new Throttle(bwlimit);
        this.cancelled = cancelled;
        this.shared = shared;
    }

    /**
     * The first {@code scp -t} channel of a node, opened ahead of staging: reserved (opened with
     * no command yet) as soon as the node is connected, started once its plan is known, so that
     * neither the channel's opening nor the node's shell and scp wait for staging. It also
     * measures the node's round trip (its opening, and a probe sent beside it).
     */
    public static final class Opening implements AutoCloseable {
        private final ClientSession session;
        private final PendingExec channel;
        private final AckCounter acks;
        private final OpenFuture future;
        private final long started = System.nanoTime();
        private String root;
        private long roundTrip;
        private boolean taken;

        private Opening(ClientSession session, PendingExec channel, AckCounter acks, OpenFuture future) {
            this.session = session;
            this.channel = channel;
            this.acks = acks;
            this.future = future;
        }

        private synchronized void sample(long nanos) {
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

        private void begin() throws IOException {
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

    private static Opening openChannel(ClientSession session) throws IOException {
        PendingExec channel = PendingExec.register(session);
        AckCounter acks = new AckCounter();
        channel.setOut(acks);
        channel.setErr(OutputStream.nullOutputStream());
        return new Opening(session, channel, acks, channel.open());
    }

    /** Over one channel, opened now (the SCP-only full copy). */
    public StageResult stage(ClientSession session, String root, StagePlan plan, LongConsumer progress)
            throws IOException {
        return stage(plan.items().isEmpty() ? null : openChannel(session).start(root), plan, null, progress);
    }

    /** Over the channel from {@link #open} alone; it is closed at the end. */
    public StageResult stage(Opening opening, StagePlan plan, LongConsumer progress) {
        return stage(opening, plan, null, progress);
    }

    /**
     * Over the channel from {@link #open}, and as many more of its session as the node's round
     * trip and the plan's size call for; every channel is closed at the end.
     *
     * @param source the source manifest (file sizes, to share the plan out), or null for one channel
     */
    public StageResult stage(Opening opening, StagePlan plan, Manifest source, LongConsumer progress) {
        if (plan.items().isEmpty()) {
            if (opening != null) {
                opening.close();
            }
            return new StageResult(new StagedFiles(plan), Set.of(), List.of(), 0, List.of(), null, Map.of());
        }
        opening.taken = true;
        AtomicReference<String> failure = new AtomicReference<>();
        ScpStream.Context context = new ScpStream.Context(timeout, throttle,
                () -> failure.get() != null || cancelled.getAsBoolean(), shared, progress);
        List<ScpStream> streams = new ArrayList<>();
        List<Thread> helpers = new ArrayList<>();
        try {
            opening.future.verify(timeout);
            opening.begin();
            if (opening.roundTripNanos() == 0) {
                opening.sample(System.nanoTime() - opening.started); // an upper bound, before its listener ran
            }
            long bytes = 0;
            if (source != null) {
                for (StageItem i : plan.items()) {
                    bytes += size(source, i);
                }
            }
            // OpenSSH opens a session channel with no window and grants it once the command runs.
            long window = opening.channel.getRemoteWindow().getSize();
            window = window > 0 ? window : StageChannels.OPENSSH_WINDOW;
            int channels = source == null ? 1 : StageChannels.count(opening.roundTripNanos(), window, bytes,
                    plan.items().size(), throttle.limit());
            int[] batches = StageChannels.batches(plan, i -> size(source, i), channels);
            LOG.debug("{}: staging {} files, {} bytes over {} SCP channel(s), round trip {} ms, window {}", opening.session,
                    plan.items().size(), bytes, channels, opening.roundTripNanos() / 1_000_000, window);
            ScpStream first = new ScpStream(opening.channel, opening.acks, plan, context, channels > 1);
            streams.add(first);
            AtomicInteger next = new AtomicInteger();
            if (channels > 1) {
                first.makeDirs(plan.newDirs());
                long made = first.expected();
                for (int k = 1; k < channels && EXTRA_CHANNELS.tryAcquire(); k++) {
                    Thread t = helper(opening, plan, context, first, made, batches, next, failure, streams);
                    helpers.add(t);
                    t.start();
                }
            }
            feed(first, batches, next);
            first.finish();
        } catch (IOException | RuntimeException e) {
            fail(failure, e, opening.acks);
        } finally {
            opening.channel.close(false);
        }
        for (Thread t : helpers) {
            join(t, failure);
        }
        return result(plan, streams, failure.get());
    }

    /**
     * An extra channel's thread: opens it, waits until its scp is ready and the first channel has
     * made the plan's directories, then takes batches until none is left.
     */
    private Thread helper(Opening opening, StagePlan plan, ScpStream.Context context, ScpStream first, long made,
                          int[] batches, AtomicInteger next, AtomicReference<String> failure, List<ScpStream> streams) {
        Thread t = new Thread(() -> {
            Opening extra = null;
            try {
                try {
                    extra = openChannel(opening.session).start(opening.root);
                    extra.future.verify(timeout);
                    extra.begin();
                    extra.acks.awaitCount(1, timeout);
                    first.acks().awaitCount(made, timeout);
                } catch (IOException | RuntimeException e) {
                    // Refused (MaxSessions) or no scp: this channel takes no batch.
                    LOG.debug("{}: extra SCP channel not used: {}", opening.session, e.toString());
                    return;
                }
                ScpStream stream = new ScpStream(extra.channel, extra.acks, plan, context, true);
                synchronized (streams) {
                    streams.add(stream);
                }
                try {
                    feed(stream, batches, next);
                    stream.finish();
                } catch (IOException | RuntimeException e) {
                    fail(failure, e, extra.acks);
                }
            } finally {
                if (extra != null) {
                    extra.channel.close(false);
                }
                EXTRA_CHANNELS.release();
            }
        }, "tlclb-scp-" + opening.root);
        t.setDaemon(true);
        return t;
    }

    /**
     * Records why a channel failed, unless another channel failed first (then this one only
     * stopped). When the sink refuses and hangs up, our write usually fails first ("closed"); the
     * sink's own message says what went wrong, so give it a moment to arrive.
     */
    private static void fail(AtomicReference<String> failure, Exception e, AckCounter acks) {
        if (failure.get() != null) {
            return;
        }
        String refusal = acks.errorWithin(Duration.ofSeconds(2));
        failure.compareAndSet(null, refusal != null ? "node refused a file: " + refusal
                : e.getMessage() == null ? e.toString() : e.getMessage());
    }

    /** Sends batches, taken in turn with the node's other channels, until none is left. */
    private static void feed(ScpStream stream, int[] batches, AtomicInteger next) throws IOException {
        for (int b = next.getAndIncrement(); b < batches.length - 1; b = next.getAndIncrement()) {
            for (int i = batches[b]; i < batches[b + 1]; i++) {
                stream.send(i);
            }
        }
    }

    /**
     * Waits for a helper. Its own waits are bounded (channel open, acknowledgements and window
     * space all time out), so this ends; a failure elsewhere makes it stop at its next file.
     */
    private static void join(Thread t, AtomicReference<String> failure) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, "interrupted");
        }
    }

    private static long size(Manifest source, StageItem item) {
        return source == null ? 0 : source.get(item.target()).map(Entry::size).orElse(0L);
    }

    private static StageResult result(StagePlan plan, List<ScpStream> streams, String error) {
        StagedFiles staged = new StagedFiles(plan);
        Set<String> createdDirs = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        List<StageItem> written = new ArrayList<>();
        long bytes = 0;
        synchronized (streams) {
            for (ScpStream s : streams) {
                s.staged.forEach(staged::add);
                createdDirs.addAll(s.createdDirs);
                warnings.addAll(s.warnings);
                written.addAll(s.written);
                bytes += s.bytes;
            }
        }
        Map<String, String> made = new LinkedHashMap<>();
        plan.subtrees().forEach((temp, real) -> {
            if (createdDirs.contains(temp)) {
                made.put(temp, real);
            }
        });
        return new StageResult(staged, createdDirs, warnings, bytes, written, error, made);
    }
}
