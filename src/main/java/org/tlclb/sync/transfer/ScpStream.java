package org.tlclb.sync.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.sshd.client.channel.ChannelSession;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.RawNames;

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
                   StageProgress progress, Manifest source) {
    }

    private final ChannelSession channel;
    private final AckCounter acks;
    private final StagePlan plan;
    private final Context context;
    private final boolean newDirsWritable;
    private final OutputStream out;
    private final Deque<String> stack = new ArrayDeque<>();
    private final SourceSender files;
    private long expected = 1; // the sink's "ready"
    final Set<String> createdDirs = new HashSet<>();
    final List<StageItem> written = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /** Files (or parts) that were sent but are not staged, and why: they changed or failed while read. */
    final Map<StageItem, String> unsent = new HashMap<>();
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
        this.files = new SourceSender(out, context, warnings, written, unsent);
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
        Path source = RawNames.local(plan.sourceRoot(), item.target());
        long sent = piece.isPart() ? files.sendPart(piece, item, source) : files.sendFile(item, source);
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
            if (!piece.isLaterPart()) {
                context.progress().file(); // a whole file, or the first part of a large one
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
            Long time = plan.dirTimes().get(child);
            if (time != null) {
                // The sink sets it when it leaves the directory. Its T line takes digits only: a time
                // before 1970 goes as 0 and is set afterwards by the node's shell (TimeFixes).
                long t = Math.max(0, time);
                out.write(("T" + t + " 0 " + t + " 0\n").getBytes(StandardCharsets.UTF_8));
                expected++;
            }
            out.write(("D" + octal4(mode) + " 0 " + name + "\n").getBytes(RawNames.CHARSET));
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

}
