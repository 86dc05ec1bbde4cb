package org.tlclb.sync.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import org.apache.sshd.client.channel.ChannelSession;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.Names;

/**
 * The writing side of one {@code scp -r -p -t} channel: walks the D/E directory stack, sends the
 * T and C headers and the data of each file, and counts what the sink must acknowledge. Nothing
 * waits for an acknowledgement on the way: the SSH channel window is the stream's flow control
 * (a write blocks while the node's window is full), and the acknowledgements only have to have
 * all arrived at the end. The first error from the sink fails the stream (one SCP error
 * desynchronises it), which is safe because nothing is visible before commit.
 */
final class ScpStream {
    /** What every channel of a node shares. */
    record Context(Duration timeout, Throttle throttle, BooleanSupplier cancelled, SmallFiles shared,
                   LongConsumer progress, Manifest source) {
    }

    private final ChannelSession channel;
    private final AckCounter acks;
    private final StagePlan plan;
    private final Context context;
    private final boolean newDirsWritable;
    private final OutputStream out;
    private final Deque<String> stack = new ArrayDeque<>();
    private final byte[] buf = new byte[Tunables.SCP_BUFFER.get()];
    private long expected = 1; // the sink's "ready"
    final Set<String> createdDirs = new HashSet<>();
    final List<StageItem> written = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /** Indexes into the plan's items of the files fully written. */
    final List<Integer> staged = new ArrayList<>();
    /** The parts of large files fully written, from a source file of the size and mtime scanned. */
    final List<Piece> parts = new ArrayList<>();
    long bytes;

    /**
     * @param newDirsWritable give the directories the stream creates owner rwx in their D lines,
     *                        since other channels write into them too (the sink sets a created
     *                        directory's mode when it leaves it); the commit sets their real modes
     */
    ScpStream(ChannelSession channel, AckCounter acks, StagePlan plan, Context context, boolean newDirsWritable) {
        this.channel = channel;
        this.acks = acks;
        this.plan = plan;
        this.context = context;
        this.newDirsWritable = newDirsWritable;
        this.out = channel.getInvertedIn();
    }

    AckCounter acks() {
        return acks;
    }

    /** Acknowledgements this stream has asked for so far. */
    long expected() {
        return expected;
    }

    /** Creates {@code dirs} (with their missing parents), in tree order, and returns to the root. */
    void makeDirs(Collection<String> dirs) throws IOException {
        List<String> sorted = new ArrayList<>(dirs);
        sorted.sort(java.util.Comparator.comparing(d -> d.replace('/', '\0')));
        for (String d : sorted) {
            enter(d);
        }
        enter("");
        out.flush();
    }

    /** Sends one piece: a whole file of the plan, or a part of one. */
    void send(Piece piece) throws IOException {
        acks.check();
        if (context.cancelled().getAsBoolean()) {
            throw new IOException("interrupted");
        }
        StageItem item = plan.items().get(piece.index());
        enter(item.stageDir());
        Path source = plan.sourceRoot().resolve(item.target());
        long sent = piece.isPart() ? sendPart(piece, item, source) : sendFile(item, source);
        if (sent == -1) {
            return;
        }
        expected += 3; // T, C header, C data
        if (sent != Long.MIN_VALUE) {
            bytes += sent;
            if (piece.isPart()) {
                parts.add(piece);
            } else {
                staged.add(piece.index());
            }
        }
    }

    /** Leaves every directory, ends the stream, and waits for every acknowledgement and scp's exit. */
    void finish() throws IOException {
        enter("");
        out.flush();
        out.close();
        acks.awaitCount(expected, context.timeout());
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), context.timeout());
        Integer status = channel.getExitStatus();
        if (status != null && status != 0) {
            throw new IOException("scp on the node exited with status " + status);
        }
    }

    /** Closes the channel at once: a write waiting for window space fails, scp on the node ends. */
    void abort() {
        channel.close(true);
    }

    /** Walks the D/E stack to {@code dir} ("" is the stream's root). */
    private void enter(String dir) throws IOException {
        String current = stack.isEmpty() ? "" : stack.peek();
        while (!current.isEmpty() && !(dir.equals(current) || dir.startsWith(current + "/"))) {
            out.write(END);
            stack.pop();
            expected++;
            current = stack.isEmpty() ? "" : stack.peek();
        }
        while (!dir.equals(current)) {
            int next = dir.indexOf('/', current.isEmpty() ? 0 : current.length() + 1);
            String child = next < 0 ? dir : dir.substring(0, next);
            String name = child.substring(child.lastIndexOf('/') + 1);
            int mode = plan.dirModes().getOrDefault(child, 0755);
            boolean created = plan.newDirs().contains(child);
            if (created && newDirsWritable) {
                mode |= 0700;
            }
            out.write(("D" + octal4(mode) + " 0 " + name + "\n").getBytes(StandardCharsets.UTF_8));
            if (created) {
                createdDirs.add(child);
            }
            stack.push(child);
            current = child;
            expected++;
        }
    }

    private static final byte[] END = {'E', '\n'};

    /** A mode as the four octal digits of SCP's C and D lines. */
    static String octal4(int mode) {
        String octal = Integer.toOctalString(mode);
        return "0000".substring(Math.min(4, octal.length())) + octal;
    }

    /**
     * Sends one file. Returns the bytes sent, -1 when nothing was sent (the file vanished or
     * cannot be opened), or Long.MIN_VALUE when it changed size or could not be read while being
     * sent (sent padded; not to be committed).
     */
    private long sendFile(StageItem item, Path source) throws IOException {
        SmallFiles shared = context.shared();
        SmallFiles.Content cached = shared == null ? null : shared.take(item);
        if (cached != null) {
            written.add(item);
            out.write(header(item, cached.mtime(), cached.mode(), cached.data().length));
            sendWhole(cached.data());
            return cached.data().length;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            warnings.add(Names.printable(item.target()) + ": vanished before it was sent; skipped");
            return -1;
        } catch (IOException e) {
            warnings.add(Names.printable(item.target()) + ": cannot be read (" + reason(e) + "); skipped");
            return -1;
        }
        try (ch) {
            // One stat for size, mtime and mode, taken on the open file's path at send time.
            Map<String, Object> a = Files.readAttributes(source, "unix:size,lastModifiedTime,mode",
                    LinkOption.NOFOLLOW_LINKS);
            long size = (Long) a.get("size");
            long mtime = Math.floorDiv(((FileTime) a.get("lastModifiedTime")).toMillis(), 1000L);
            int mode = ((Integer) a.get("mode")) & 07777;
            written.add(item);
            out.write(header(item, mtime, mode, size));
            if (shared != null && size <= SmallFiles.MAX_FILE) {
                byte[] data = new byte[(int) size];
                ByteBuffer bb = ByteBuffer.wrap(data);
                IOException failed = null;
                try {
                    while (bb.hasRemaining() && ch.read(bb) >= 0) {
                        // read it whole
                    }
                } catch (IOException e) {
                    failed = e;
                }
                // Shrank, grew or failed: what is missing is zero padding, and the file is not committed.
                boolean changed = failed != null || bb.hasRemaining() || ch.size() != size;
                sendWhole(data);
                if (changed) {
                    warnings.add(notSent(item, failed));
                    return Long.MIN_VALUE;
                }
                shared.offer(item, new SmallFiles.Content(data, mtime, mode));
                return size;
            }
            long left = size;
            ByteBuffer bb = ByteBuffer.wrap(buf);
            IOException failed = null;
            boolean changed = false;
            while (left > 0) {
                bb.clear();
                bb.limit((int) Math.min(buf.length, left));
                int n = -1;
                if (!changed) {
                    try {
                        n = ch.read(bb);
                    } catch (IOException e) {
                        failed = e;
                    }
                }
                if (n < 0) {
                    // The file shrank under us (or a read failed): pad so the stream stays in step,
                    // and do not commit it.
                    changed = true;
                    n = (int) Math.min(buf.length, left);
                    Arrays.fill(buf, 0, n, (byte) 0);
                }
                out.write(buf, 0, n);
                left -= n;
                context.progress().accept(n);
                context.throttle().pace(n);
                if (context.cancelled().getAsBoolean()) {
                    throw new IOException("interrupted");
                }
            }
            out.write(0);
            if (changed || ch.size() != size) {
                warnings.add(notSent(item, failed));
                return Long.MIN_VALUE;
            }
            return size;
        }
    }

    /**
     * Sends one part of a large file under the part's own name (owner-only mode). Returns its
     * length, -1 when the file cannot be opened (nothing sent), or Long.MIN_VALUE when the file
     * is no longer the one scanned (size or mtime) or could not be read (sent padded; the file is
     * then not joined, and its parts go at commit or discard).
     */
    private long sendPart(Piece piece, StageItem item, Path source) throws IOException {
        Entry scanned = context.source() == null ? null : context.source().get(item.target()).orElse(null);
        FileChannel ch;
        try {
            ch = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            warnings.add(Names.printable(item.target()) + ": vanished before it was sent; skipped");
            return -1;
        } catch (IOException e) {
            warnings.add(Names.printable(item.target()) + ": cannot be read (" + reason(e) + "); skipped");
            return -1;
        }
        try (ch) {
            Map<String, Object> a = Files.readAttributes(source, "unix:size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            long mtime = Math.floorDiv(((FileTime) a.get("lastModifiedTime")).toMillis(), 1000L);
            boolean changed = scanned == null || (Long) a.get("size") != scanned.size() || mtime != scanned.mtime();
            written.add(piece.written());
            out.write(header(piece.written(), mtime, 0600, piece.length()));
            IOException failed = null;
            long pos = piece.offset();
            long left = piece.length();
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (left > 0) {
                bb.clear();
                bb.limit((int) Math.min(buf.length, left));
                int n = -1;
                if (!changed) {
                    try {
                        n = ch.read(bb, pos);
                    } catch (IOException e) {
                        failed = e;
                    }
                }
                if (n <= 0) {
                    changed = true; // shorter than scanned, or unreadable: pad to stay in step
                    n = (int) Math.min(buf.length, left);
                    Arrays.fill(buf, 0, n, (byte) 0);
                }
                out.write(buf, 0, n);
                pos += n;
                left -= n;
                context.progress().accept(n);
                context.throttle().pace(n);
                if (context.cancelled().getAsBoolean()) {
                    throw new IOException("interrupted");
                }
            }
            out.write(0);
            if (changed) {
                warnings.add(notSent(item, failed));
                return Long.MIN_VALUE;
            }
            return piece.length();
        }
    }

    private static String notSent(StageItem item, IOException failed) {
        return Names.printable(item.target()) + (failed == null ? ": changed while being sent; left as it was"
                : ": could not be read while being sent (" + reason(failed) + "); left as it was");
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A small file's content in one write, then the end-of-file byte. */
    private void sendWhole(byte[] data) throws IOException {
        out.write(data);
        out.write(0);
        context.progress().accept(data.length);
        context.throttle().pace(data.length);
    }

    /** The T and C lines of a file: mtime, mode, size and the name it is written under. */
    private static byte[] header(StageItem item, long mtime, int mode, long size) {
        StringBuilder h = new StringBuilder(64 + item.tempName().length());
        h.append('T').append(mtime).append(" 0 ").append(mtime).append(" 0\nC");
        h.append(octal4(mode)).append(' ').append(size).append(' ').append(item.tempName()).append('\n');
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }
}
