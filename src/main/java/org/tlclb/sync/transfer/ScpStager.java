package org.tlclb.sync.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.tlclb.sync.scan.Names;
import org.tlclb.sync.ssh.RemoteShell;

/**
 * Streams a list of files into temporary names on a node over ONE {@code scp -r -p -t} channel.
 * The stream is pipelined: headers and data go out without waiting for each acknowledgement, and
 * a reader thread counts the acknowledgements as they come. Any error from the sink fails the
 * whole stream (one SCP error desynchronises it), which is safe because nothing is visible before
 * commit. File names travel inside the protocol, never through a shell; the temporary names are
 * plain ASCII, so names the protocol cannot carry (newlines) only ever appear in the SFTP commit.
 */
public final class ScpStager {
    private static final int BUFFER = 256 * 1024;
    private static final long BACKLOG = 512 * 1024;
    private final Duration timeout;
    private final Throttle throttle;
    private final java.util.function.BooleanSupplier cancelled;
    private final SmallFiles shared;

    /**
     * @param bwlimit   bytes per second for this node, 0 for no limit
     * @param cancelled polled between files and chunks: true aborts the stream (Ctrl-C before commit)
     */
    public ScpStager(Duration timeout, long bwlimit, java.util.function.BooleanSupplier cancelled) {
        this(timeout, bwlimit, cancelled, null);
    }

    /** @param shared small files read once for all the nodes streaming the same plan, or null */
    public ScpStager(Duration timeout, long bwlimit, java.util.function.BooleanSupplier cancelled, SmallFiles shared) {
        this.timeout = timeout;
        this.throttle = new Throttle(bwlimit);
        this.cancelled = cancelled;
        this.shared = shared;
    }

    /**
     * An {@code scp -t} channel whose opening was started ahead of staging, so that the node's
     * shell and scp start while the run is still planning the other nodes.
     */
    public static final class Opening implements AutoCloseable {
        private final ChannelExec channel;
        private final AckCounter acks;
        private final org.apache.sshd.client.future.OpenFuture future;
        private boolean taken;

        private Opening(ChannelExec channel, AckCounter acks, org.apache.sshd.client.future.OpenFuture future) {
            this.channel = channel;
            this.acks = acks;
            this.future = future;
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
     * Starts opening {@code scp -r -p -t root} without waiting for it. The root must exist: the
     * sink treats a missing target as a file name.
     */
    public static Opening open(ClientSession session, String root) throws IOException {
        ChannelExec channel = session.createExecChannel("scp -r -p -t " + RemoteShell.quote(root));
        // Acknowledgements are counted as they arrive, on MINA's I/O thread: no reader thread
        // to wake for each of the three acknowledgements a file costs.
        AckCounter acks = new AckCounter();
        channel.setOut(acks);
        channel.setErr(OutputStream.nullOutputStream());
        return new Opening(channel, acks, channel.open());
    }

    public StageResult stage(ClientSession session, String root, StagePlan plan, LongConsumer progress)
            throws IOException {
        return stage(plan.items().isEmpty() ? null : open(session, root), plan, progress);
    }

    /** Streams the plan over a channel from {@link #open}; the channel is closed at the end. */
    public StageResult stage(Opening opening, StagePlan plan, LongConsumer progress) {
        StagedFiles staged = new StagedFiles(plan);
        List<String> warnings = new ArrayList<>();
        Set<String> createdDirs = new HashSet<>();
        List<StageItem> written = new ArrayList<>();
        if (plan.items().isEmpty()) {
            if (opening != null) {
                opening.close();
            }
            return new StageResult(staged, createdDirs, warnings, 0, written, null, Map.of());
        }
        long bytes = 0;
        opening.taken = true;
        ChannelExec channel = opening.channel;
        AckCounter acks = opening.acks;
        try {
            opening.future.verify(timeout);
            OutputStream out = channel.getInvertedIn();
            long expected = 1; // the sink's "ready"
            Deque<String> stack = new ArrayDeque<>();
            byte[] buf = new byte[BUFFER];
            Deque<long[]> unacked = new ArrayDeque<>(); // {acknowledgement that completes a file, bytes sent by then}
            long sentTotal = 0;
            long ackedTotal = 0;
            int index = -1;
            for (StageItem item : plan.items()) {
                index++;
                acks.check();
                if (cancelled.getAsBoolean()) {
                    throw new IOException("interrupted");
                }
                // Bounded backlog: files the sink has not yet acknowledged hold at most BACKLOG
                // bytes (else up to the 2 MB SSH window per node waits in our heap when the nodes
                // are slower than we are; 32 nodes made that 64 MB).
                while (!unacked.isEmpty()) {
                    if (unacked.peekFirst()[0] <= acks.count()) {
                        ackedTotal = unacked.removeFirst()[1];
                    } else if (sentTotal - ackedTotal > BACKLOG) {
                        out.flush();
                        acks.awaitCount(unacked.peekFirst()[0], timeout);
                    } else {
                        break;
                    }
                }
                expected += enter(out, stack, item.stageDir(), plan, createdDirs);
                long sent = sendFile(out, item, plan.sourceRoot().resolve(item.target()), buf, warnings, progress,
                        written);
                if (sent == -1) {
                    continue;
                }
                expected += 3; // T, C header, C data
                if (sent != Long.MIN_VALUE) {
                    bytes += sent;
                    staged.add(index);
                }
                sentTotal += Math.max(0, sent);
                unacked.addLast(new long[] {expected, sentTotal});
            }
            while (!stack.isEmpty()) {
                out.write('E');
                out.write('\n');
                stack.pop();
                expected++;
            }
            out.flush();
            out.close();
            acks.awaitCount(expected, timeout);
            channel.waitFor(java.util.EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            Integer status = channel.getExitStatus();
            if (status != null && status != 0) {
                throw new IOException("scp on the node exited with status " + status);
            }
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            // When the sink refuses and hangs up, our write usually fails first ("closed"); the
            // sink's own message says what went wrong, so give it a moment to arrive.
            String refusal = acks == null ? null : acks.errorWithin(Duration.ofSeconds(2));
            if (refusal != null) {
                why = "node refused a file: " + refusal;
            }
            return new StageResult(staged, createdDirs, warnings, bytes, written, why, made(plan, createdDirs));
        } finally {
            channel.close(false);
        }
        return new StageResult(staged, createdDirs, warnings, bytes, written, null, made(plan, createdDirs));
    }

    private static Map<String, String> made(StagePlan plan, Set<String> createdDirs) {
        Map<String, String> made = new LinkedHashMap<>();
        plan.subtrees().forEach((temp, real) -> {
            if (createdDirs.contains(temp)) {
                made.put(temp, real);
            }
        });
        return made;
    }

    /** Walks the D/E stack to {@code dir}; returns the number of acknowledgements this costs. */
    private static int enter(OutputStream out, Deque<String> stack, String dir, StagePlan plan, Set<String> created)
            throws IOException {
        int acks = 0;
        String current = stack.isEmpty() ? "" : stack.peek();
        while (!current.isEmpty() && !(dir.equals(current) || dir.startsWith(current + "/"))) {
            out.write(new byte[] {'E', '\n'});
            stack.pop();
            acks++;
            current = stack.isEmpty() ? "" : stack.peek();
        }
        while (!dir.equals(current)) {
            int next = dir.indexOf('/', current.isEmpty() ? 0 : current.length() + 1);
            String child = next < 0 ? dir : dir.substring(0, next);
            String name = child.substring(child.lastIndexOf('/') + 1);
            int mode = plan.dirModes().getOrDefault(child, 0755);
            out.write(("D" + octal4(mode) + " 0 " + name + "\n").getBytes(StandardCharsets.UTF_8));
            if (plan.newDirs().contains(child)) {
                created.add(child);
            }
            stack.push(child);
            current = child;
            acks++;
        }
        return acks;
    }

    /**
     * Sends one file. Returns the bytes sent, -1 when the file vanished (nothing sent), or
     * Long.MIN_VALUE when it changed size while being read (sent padded; not to be committed).
     */
    private long sendFile(OutputStream out, StageItem item, java.nio.file.Path source, byte[] buf,
                          List<String> warnings, LongConsumer progress, List<StageItem> written) throws IOException {
        SmallFiles.Content cached = shared == null ? null : shared.take(item);
        if (cached != null) {
            written.add(item);
            out.write(header(item, cached.mtime(), cached.mode(), cached.data().length));
            sendWhole(out, cached.data(), progress);
            return cached.data().length;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            warnings.add(Names.printable(item.target()) + ": vanished before it was sent; skipped");
            return -1;
        }
        try (ch) {
            // One stat for size, mtime and mode, taken on the open file's path at send time.
            java.util.Map<String, Object> a = Files.readAttributes(source, "unix:size,lastModifiedTime,mode",
                    LinkOption.NOFOLLOW_LINKS);
            long size = (Long) a.get("size");
            long mtime = Math.floorDiv(((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis(), 1000L);
            int mode = ((Integer) a.get("mode")) & 07777;
            written.add(item);
            out.write(header(item, mtime, mode, size));
            if (shared != null && size <= SmallFiles.MAX_FILE) {
                byte[] data = new byte[(int) size];
                ByteBuffer bb = ByteBuffer.wrap(data);
                while (bb.hasRemaining() && ch.read(bb) >= 0) {
                    // read it whole
                }
                boolean changed = bb.hasRemaining() || ch.size() != size; // shrank or grew: zero padding
                sendWhole(out, data, progress);
                if (changed) {
                    warnings.add(Names.printable(item.target()) + ": changed while being sent; left as it was");
                    return Long.MIN_VALUE;
                }
                shared.offer(item, new SmallFiles.Content(data, mtime, mode));
                return size;
            }
            long left = size;
            ByteBuffer bb = ByteBuffer.wrap(buf);
            boolean changed = false;
            while (left > 0) {
                bb.clear();
                bb.limit((int) Math.min(buf.length, left));
                int n = changed ? -1 : ch.read(bb);
                if (n < 0) {
                    // The file shrank under us: pad so the stream stays in step, and do not commit it.
                    changed = true;
                    n = (int) Math.min(buf.length, left);
                    java.util.Arrays.fill(buf, 0, n, (byte) 0);
                }
                out.write(buf, 0, n);
                left -= n;
                progress.accept(n);
                throttle.pace(n);
                if (cancelled.getAsBoolean()) {
                    throw new IOException("interrupted");
                }
            }
            out.write(0);
            if (changed || ch.size() != size) {
                warnings.add(Names.printable(item.target()) + ": changed while being sent; left as it was");
                return Long.MIN_VALUE;
            }
            return size;
        }
    }

    /** A small file's content in one write, then the end-of-file byte. */
    private void sendWhole(OutputStream out, byte[] data, LongConsumer progress) throws IOException {
        out.write(data);
        out.write(0);
        progress.accept(data.length);
        throttle.pace(data.length);
    }

    /** The T and C lines of a file: mtime, mode, size and the name it is written under. */
    private static byte[] header(StageItem item, long mtime, int mode, long size) {
        StringBuilder h = new StringBuilder(64 + item.tempName().length());
        h.append('T').append(mtime).append(" 0 ").append(mtime).append(" 0\nC");
        h.append(octal4(mode)).append(' ').append(size).append(' ').append(item.tempName()).append('\n');
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A mode as the four octal digits of SCP's C and D lines. */
    private static String octal4(int mode) {
        String octal = Integer.toOctalString(mode);
        return "0000".substring(Math.min(4, octal.length())) + octal;
    }

    /** --bwlimit: sleeps so that the average rate since the start stays at or under the limit. */
    private static final class Throttle {
        private final long bytesPerSecond;
        private final long start = System.nanoTime();
        private long sent;

        Throttle(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        void pace(long n) throws IOException {
            if (bytesPerSecond <= 0) {
                return;
            }
            sent += n;
            long dueNanos = sent * 1_000_000_000L / bytesPerSecond;
            long ahead = dueNanos - (System.nanoTime() - start);
            if (ahead > 1_000_000) {
                try {
                    Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
    }

    /** Counts the sink's acknowledgements; the first error message ends the stream. */
    private static final class AckCounter extends OutputStream {
        private long count;
        private String error;
        private StringBuilder message;

        @Override
        public synchronized void write(int b) {
            accept((byte) b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) {
            for (int i = 0; i < len; i++) {
                accept(buf[off + i]);
            }
            notifyAll();
        }

        private void accept(byte b) {
            if (error != null) {
                return;
            }
            if (message != null) {
                if (b == '\n') {
                    error = message.toString().trim();
                    message = null;
                } else if (message.length() < 1000) {
                    message.append((char) (b & 0xff));
                }
            } else if (b == 0) {
                count++;
            } else {
                message = new StringBuilder();
            }
        }

        @Override
        public synchronized void close() {
            if (message != null && error == null) {
                error = message.toString().trim();
            }
            closed = true;
            notifyAll();
        }

        private boolean closed;

        /** The sink's error message, waiting up to {@code wait} for it (or for the stream's end). */
        synchronized String errorWithin(Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (error == null && !closed && System.nanoTime() < deadline) {
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return error;
        }

        synchronized void check() throws IOException {
            if (error != null) {
                throw new IOException("node refused a file: " + error);
            }
        }

        synchronized long count() {
            return count;
        }

        /**
         * Waits for the {@code expected}-th acknowledgement; fails on an error, the end of the
         * stream, or {@code timeout} without any acknowledgement.
         */
        synchronized void awaitCount(long expected, Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            long seen = count;
            while (count < expected && error == null && !closed) {
                if (count != seen) { // a timeout of silence, not of the whole backlog of a busy node
                    seen = count;
                    deadline = System.nanoTime() + timeout.toNanos();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("the node stopped acknowledging files (" + count + " of " + expected + ")");
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            check();
            if (count < expected) {
                throw new EOFException("scp on the node ended early (" + count + " of " + expected
                        + " acknowledgements)");
            }
        }
    }
}
