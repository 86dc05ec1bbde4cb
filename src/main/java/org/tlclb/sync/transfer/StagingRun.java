package org.tlclb.sync.transfer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.apache.sshd.sftp.client.SftpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Manifest;

/**
 * One node's staging of one plan: the first channel, and the extra ones {@link StageChannels}
 * calls for, each on a thread of its own, taking batches of the plan in turn until none is left.
 * The first failure of any channel that took a batch is the node's (the others stop at their next
 * file); what every channel wrote is gathered into one {@link StageResult} for commit or discard.
 * Files that changed while they were sent are then sent again ({@link SendAgain}).
 */
final class StagingRun {
    private static final Logger LOG = LoggerFactory.getLogger("tlclb.timing");
    /** Extra channels open at once across the whole run ({@link ScpStager#channelBudget()}). */
    private final Semaphore extraChannels;
    private final ScpStager.Opening opening;
    private final StagePlan plan;
    private final Duration timeout;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final ScpStream.Context context;
    private final List<ScpStream> streams = new ArrayList<>();
    private final List<Thread> helpers = new ArrayList<>();
    private final SftpClient sftp;
    private final Manifest source;
    private List<Piece> pieces = List.of();

    /**
     * @param source the source manifest (file sizes, to share the plan out), or null for one channel
     * @param sftp   the node's SFTP client, to join the parts of large files; null to send them whole
     */
    StagingRun(ScpStager.Opening opening, StagePlan plan, Duration timeout, Throttle throttle, BooleanSupplier cancelled,
               SmallFiles shared, Semaphore extraChannels, StageProgress progress, Manifest source, SftpClient sftp) {
        this.opening = opening;
        this.extraChannels = extraChannels;
        this.plan = plan;
        this.timeout = timeout;
        this.source = source;
        this.sftp = sftp;
        this.context = new ScpStream.Context(timeout, throttle, () -> failure.get() != null || cancelled.getAsBoolean(),
                shared, progress, source);
    }

    /** The plan's new directories that no item's directory lies in. */
    private Set<String> emptyNewDirs() {
        Set<String> entered = new HashSet<>();
        for (StageItem i : plan.items()) {
            for (String d = i.stageDir(); d != null && !d.isEmpty() && entered.add(d); d = Entry.parentOf(d)) {
                // every directory on the way is entered
            }
        }
        Set<String> out = new HashSet<>(plan.newDirs());
        out.removeAll(entered);
        return out;
    }

    StageResult run() {
        try {
            opening.future.verify(timeout);
            opening.begin();
            if (opening.roundTripNanos() == 0) {
                opening.sample(System.nanoTime() - opening.started); // an upper bound, before its listener ran
            }
            long[] sizes = new long[plan.items().size()];
            long bytes = 0;
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = size(plan.items().get(i));
                bytes += sizes[i];
            }
            boolean canJoin = source != null && PartJoin.available(sftp);
            // OpenSSH opens a session channel with no window and grants it once the command runs.
            long window = opening.channel.getRemoteWindow().getSize();
            window = window > 0 ? window : StageChannels.OPENSSH_WINDOW;
            int channels = source == null ? 1 : StageChannels.count(opening.roundTripNanos(), window, bytes,
                    StageChannels.maxPieces(sizes, canJoin), context.throttle().limit());
            pieces = StageChannels.pieces(plan, sizes, channels, canJoin);
            long[] weights = new long[pieces.size()];
            for (int k = 0; k < weights.length; k++) {
                Piece p = pieces.get(k);
                weights[k] = p.isPart() ? p.length() : sizes[p.index()];
            }
            int[] batches = StageChannels.batches(weights, channels);
            LOG.debug("{}: staging {} files, {} bytes over {} SCP channel(s) in {} sends, round trip {} ms, window {}",
                    opening.session, plan.items().size(), bytes, channels, pieces.size(),
                    opening.roundTripNanos() / 1_000_000, window);
            ScpStream first = new ScpStream(opening.channel, opening.acks, plan, context, channels > 1);
            streams.add(first);
            AtomicInteger next = new AtomicInteger();
            if (channels == 1 && !emptyNewDirs().isEmpty()) {
                first.makeDirs(emptyNewDirs()); // new directories no file goes into (streamed apart, see StagePlan)
            }
            if (channels > 1) {
                first.makeDirs(plan.newDirs());
                long made = first.expected();
                for (int k = 1; k < channels && extraChannels.tryAcquire(); k++) {
                    Thread t = helper(first, made, batches, next);
                    helpers.add(t);
                    t.start();
                }
            }
            feed(first, batches, next);
            first.finish();
        } catch (IOException | RuntimeException e) {
            fail(e, opening.acks);
        } finally {
            opening.channel.close(false);
        }
        for (Thread t : helpers) {
            join(t);
        }
        Map<StageItem, String> unsent = new HashMap<>();
        StageResult sent = result(unsent);
        return new SendAgain(opening, plan, context, source != null).after(sent, unsent);
    }

    /**
     * An extra channel's thread: opens it, starts scp on it, waits until the first channel has
     * made the plan's directories, then takes batches until none is left. A node that refuses
     * the channel (MaxSessions) does so at its opening; scp itself is known to run, since the
     * first channel's does.
     */
    private Thread helper(ScpStream first, long made, int[] batches, AtomicInteger next) {
        Thread t = new Thread(() -> {
            ScpStager.Opening extra = null;
            try {
                try {
                    extra = ScpStager.openChannel(opening.session).start(opening.root);
                    extra.future.verify(timeout);
                    extra.begin();
                    first.acks().awaitCount(made, timeout);
                } catch (IOException | RuntimeException e) {
                    // Refused (MaxSessions), or the first channel failed: this one takes no batch.
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
                    fail(e, extra.acks);
                }
            } finally {
                if (extra != null) {
                    extra.channel.close(false);
                }
                extraChannels.release();
            }
        }, "tlclb-scp-" + opening.root);
        t.setDaemon(true);
        return t;
    }

    /**
     * Records why a channel failed, unless another channel failed first (then this one only
     * stopped), and stops the others. When the sink refuses and hangs up, our write usually fails first ("closed"); the
     * sink's own message says what went wrong, so give it a moment to arrive.
     */
    private void fail(Exception e, AckCounter acks) {
        if (failure.get() != null) {
            return;
        }
        String refusal = acks.errorWithin(Duration.ofSeconds(2));
        if (failure.compareAndSet(null, refusal != null ? "node refused a file: " + refusal
                : e.getMessage() == null ? e.toString() : e.getMessage())) {
            // The other channels stop at their next file; one waiting for window space stops now.
            synchronized (streams) {
                streams.forEach(ScpStream::abort);
            }
        }
    }

    /** Sends batches, taken in turn with the node's other channels, until none is left. */
    private void feed(ScpStream stream, int[] batches, AtomicInteger next) throws IOException {
        for (int b = next.getAndIncrement(); b < batches.length - 1; b = next.getAndIncrement()) {
            for (int i = batches[b]; i < batches[b + 1]; i++) {
                stream.send(pieces.get(i));
            }
        }
    }

    /**
     * Waits for a helper. Its own waits are bounded (channel open, acknowledgements and window
     * space all time out), so this ends; a failure elsewhere makes it stop at its next file.
     */
    private void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, "interrupted");
        }
    }

    private long size(StageItem item) {
        return source == null ? 0 : source.get(item.target()).map(Entry::size).orElse(0L);
    }

    /** What every channel wrote, with the parts of large files joined; {@code unsent} gets what is not staged, and why. */
    private StageResult result(Map<StageItem, String> unsent) {
        StagedFiles staged = new StagedFiles(plan);
        Set<String> createdDirs = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        List<StageItem> written = new ArrayList<>();
        List<Piece> partsDone = new ArrayList<>();
        long bytes = 0;
        synchronized (streams) {
            for (ScpStream s : streams) {
                s.staged.forEach(staged::add);
                createdDirs.addAll(s.createdDirs);
                warnings.addAll(s.warnings);
                written.addAll(s.written);
                unsent.putAll(s.unsent);
                partsDone.addAll(s.parts);
                bytes += s.bytes;
            }
        }
        List<Piece> partsSent = new ArrayList<>();
        Set<StageItem> wrote = new HashSet<>(written);
        Map<Integer, Integer> partCount = new HashMap<>();
        for (Piece p : pieces) {
            if (p.isPart()) {
                partCount.merge(p.index(), 1, Integer::sum);
                if (p.isLaterPart() && wrote.contains(p.written())) {
                    partsSent.add(p);
                }
            }
        }
        if (!partsSent.isEmpty() && error() == null) {
            // The later parts are not files of the plan: joining removes them, and what it leaves
            // stands in for them. (When staging failed they stay as written, and go with the discard.)
            Set<StageItem> partItems = new HashSet<>();
            partsSent.forEach(p -> partItems.add(p.written()));
            written.removeIf(partItems::contains);
            Map<Integer, List<Piece>> complete = new LinkedHashMap<>();
            for (Piece p : partsDone) {
                complete.computeIfAbsent(p.index(), k -> new ArrayList<>()).add(p);
            }
            complete.values().removeIf(l -> l.size() != partCount.get(l.get(0).index()));
            PartJoin.Joined joined = PartJoin.join(sftp, opening.root, plan, source, complete, partsSent);
            for (int index : joined.files()) {
                staged.add(index); // its bytes were counted as its parts were sent
            }
            written.addAll(joined.written());
            warnings.addAll(joined.warnings());
            joined.changed().forEach(index -> unsent.putIfAbsent(plan.items().get(index), SendAgain.CHANGED));
        }
        Map<String, String> made = new LinkedHashMap<>();
        plan.subtrees().forEach((temp, real) -> {
            if (createdDirs.contains(temp)) {
                made.put(temp, real);
            }
        });
        return new StageResult(staged, createdDirs, List.copyOf(new LinkedHashSet<>(warnings)), bytes, written, error(),
                made, List.of());
    }

    private String error() {
        return failure.get();
    }
}
