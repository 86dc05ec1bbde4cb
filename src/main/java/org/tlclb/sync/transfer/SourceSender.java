package org.tlclb.sync.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Names;
import org.tlclb.sync.scan.RawNames;

/**
 * The file side of an SCP stream: the T and C headers of a file (or a part of one) and its bytes,
 * read from the source at send time. A send is a consistent copy or none: what a file cannot give
 * while it is sent (it shrank, grew, a read failed) is padded so the stream stays in step, and a
 * file whose size or mtime is not the same after the send as before is not staged either; each
 * such file is recorded in {@code unsent} with why, to be sent again ({@link SendAgain}). A file
 * that vanished or cannot be opened is skipped with a warning.
 */
final class SourceSender {
    private final OutputStream out;
    private final ScpStream.Context context;
    private final List<String> warnings;
    private final List<StageItem> written;
    private final Map<StageItem, String> unsent;
    private final byte[] buf = new byte[Tunables.SCP_BUFFER.get()];

    SourceSender(OutputStream out, ScpStream.Context context, List<String> warnings, List<StageItem> written,
                 Map<StageItem, String> unsent) {
        this.out = out;
        this.context = context;
        this.warnings = warnings;
        this.written = written;
        this.unsent = unsent;
    }

    /**
     * Sends one file. Returns the bytes sent, -1 when nothing was sent (the file vanished or
     * cannot be opened), or Long.MIN_VALUE when it changed (size or mtime) or could not be read
     * while being sent (sent, padded where it fell short; not to be committed, recorded in unsent).
     */
    long sendFile(StageItem item, Path source) throws IOException {
        SmallFiles shared = context.shared();
        SmallFiles.Content cached = shared == null ? null : shared.take(item);
        if (cached != null) {
            written.add(item);
            out.write(header(item, cached.mtime(), cached.mode(), cached.data().length));
            sendWhole(cached.data());
            return cached.data().length;
        }
        FileChannel ch = openSource(item, source);
        if (ch == null) {
            return -1;
        }
        try (ch) {
            // One stat for size, mtime and mode, taken on the open file's path at send time.
            Map<String, Object> a = Files.readAttributes(source, "unix:size,lastModifiedTime,mode",
                    LinkOption.NOFOLLOW_LINKS);
            long size = (Long) a.get("size");
            FileTime modified = (FileTime) a.get("lastModifiedTime");
            long mtime = Math.floorDiv(modified.toMillis(), 1000L);
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
                boolean changed = failed != null || bb.hasRemaining() || !heldStill(ch, source, size, modified);
                sendWhole(data);
                if (changed) {
                    unsent.put(item, notSent(failed));
                    return Long.MIN_VALUE;
                }
                shared.offer(item, new SmallFiles.Content(data, mtime, mode));
                return size;
            }
            Copied c = copy(ch, 0, size, false);
            if (!c.complete() || !heldStill(ch, source, size, modified)) {
                unsent.put(item, notSent(c.failed()));
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
    long sendPart(Piece piece, StageItem item, Path source) throws IOException {
        Entry scanned = context.source() == null ? null : context.source().get(item.target()).orElse(null);
        FileChannel ch = openSource(item, source);
        if (ch == null) {
            return -1;
        }
        try (ch) {
            Map<String, Object> a = Files.readAttributes(source, "unix:size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            long mtime = Math.floorDiv(((FileTime) a.get("lastModifiedTime")).toMillis(), 1000L);
            boolean changed = scanned == null || (Long) a.get("size") != scanned.size() || mtime != scanned.mtime();
            written.add(piece.written());
            out.write(header(piece.written(), mtime, 0600, piece.length()));
            Copied c = copy(ch, piece.offset(), piece.length(), changed);
            if (!c.complete()) {
                unsent.put(item, notSent(c.failed()));
                return Long.MIN_VALUE;
            }
            return piece.length();
        }
    }

    /** Opens a source file to send; null (with a warning) when it vanished or cannot be read. */
    private FileChannel openSource(StageItem item, Path source) {
        try {
            return FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            warnings.add(Names.printable(item.target()) + ": vanished before it was sent; skipped");
        } catch (IOException e) {
            warnings.add(Names.printable(item.target()) + ": cannot be read (" + reason(e) + "); skipped");
        }
        return null;
    }

    /** How sending a range went: whole, or padded (shorter than announced, or unreadable). */
    private record Copied(boolean complete, IOException failed) {
    }

    /**
     * Sends {@code length} bytes of the file from {@code pos}, then the end-of-file byte. What the
     * file cannot give (it shrank, a read failed, or {@code padOnly}) is zero padding, so the stream
     * stays in step; the caller then does not commit it.
     */
    private Copied copy(FileChannel ch, long pos, long length, boolean padOnly) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf);
        IOException failed = null;
        boolean padding = padOnly;
        long left = length;
        while (left > 0) {
            bb.clear();
            bb.limit((int) Math.min(buf.length, left));
            int n = -1;
            if (!padding) {
                try {
                    n = ch.read(bb, pos);
                } catch (IOException e) {
                    failed = e;
                }
            }
            if (n <= 0) {
                padding = true;
                n = (int) Math.min(buf.length, left);
                Arrays.fill(buf, 0, n, (byte) 0);
            }
            out.write(buf, 0, n);
            pos += n;
            left -= n;
            context.progress().bytes(n);
            context.throttle().pace(n);
            if (context.cancelled().getAsBoolean()) {
                throw new IOException("interrupted");
            }
        }
        out.write(0);
        return new Copied(!padding, failed);
    }

    /**
     * Whether the file read is still the one opened: the same size (the open file's and its name's)
     * and the same mtime, to the clock's resolution, as before the read. A file rewritten in place
     * with the same size shows in its mtime.
     */
    private static boolean heldStill(FileChannel ch, Path source, long size, FileTime modified) throws IOException {
        if (ch.size() != size) {
            return false;
        }
        try {
            // The basic view: one lstat, without the unix view's attribute map (this runs once per file sent).
            BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.size() == size && modified.equals(a.lastModifiedTime());
        } catch (IOException e) {
            return false; // gone or replaced meanwhile: not the file that was read
        }
    }

    /** Why a file that was sent is not staged. */
    static String notSent(IOException failed) {
        return failed == null ? SendAgain.CHANGED : "could not be read while being sent (" + reason(failed) + ")";
    }

    private static String reason(IOException e) {
        return e instanceof AccessDeniedException ? "permission denied"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A small file's content in one write, then the end-of-file byte. */
    private void sendWhole(byte[] data) throws IOException {
        out.write(data);
        out.write(0);
        context.progress().bytes(data.length);
        context.throttle().pace(data.length);
    }

    /**
     * The T and C lines of a file: mtime, mode, size and the name it is written under. OpenSSH's
     * sink takes any time from 0 up in a T line (64 bits, so after 2106 too), but digits only: a
     * time before 1970 goes as 0, and the commit sets it through the node's shell.
     */
    private static byte[] header(StageItem item, long mtime, int mode, long size) {
        StringBuilder h = new StringBuilder(64 + item.tempName().length());
        long t = Math.max(0, mtime);
        h.append('T').append(t).append(" 0 ").append(t).append(" 0\nC");
        h.append(ScpStream.octal4(mode)).append(' ').append(size).append(' ').append(item.tempName()).append('\n');
        return h.toString().getBytes(RawNames.CHARSET);
    }
}
