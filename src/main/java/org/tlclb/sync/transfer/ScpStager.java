package org.tlclb.sync.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.tlclb.sync.scan.TreeScanner;

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
    private final Duration timeout;

    public ScpStager(Duration timeout) {
        this.timeout = timeout;
    }

    public StageResult stage(ClientSession session, String root, StagePlan plan, LongConsumer progress)
            throws IOException {
        Map<String, String> staged = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Set<String> createdDirs = new HashSet<>();
        List<String> abandoned = new ArrayList<>();
        if (plan.items().isEmpty()) {
            return new StageResult(staged, createdDirs, warnings, 0);
        }
        ChannelExec channel = session.createExecChannel("scp -r -p -t " + RemoteShell.quote(root));
        long bytes = 0;
        try {
            channel.open().verify(timeout);
            OutputStream out = channel.getInvertedIn();
            AckReader acks = new AckReader(channel.getInvertedOut());
            Thread reader = new Thread(acks, "scp-acks");
            reader.setDaemon(true);
            reader.start();
            long expected = 1; // the sink's "ready"
            Deque<String> stack = new ArrayDeque<>();
            byte[] buf = new byte[BUFFER];
            for (StageItem item : plan.items()) {
                acks.check();
                expected += enter(out, stack, item.stageDir(), plan, createdDirs);
                long sent = sendFile(out, item, buf, warnings, progress);
                if (sent == -1) {
                    continue;
                }
                expected += 3; // T, C header, C data
                if (sent != Long.MIN_VALUE) {
                    bytes += sent;
                    staged.put(item.target(), item.tempPath());
                } else {
                    abandoned.add(item.tempPath());
                }
            }
            while (!stack.isEmpty()) {
                out.write('E');
                out.write('\n');
                stack.pop();
                expected++;
            }
            out.flush();
            out.close();
            acks.awaitEnd(expected, timeout, reader);
            channel.waitFor(java.util.EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            Integer status = channel.getExitStatus();
            if (status != null && status != 0) {
                throw new IOException("scp on the node exited with status " + status);
            }
        } finally {
            channel.close(false);
        }
        return new StageResult(staged, createdDirs, warnings, bytes, abandoned);
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
            out.write(String.format("D%04o 0 %s\n", mode, name).getBytes(StandardCharsets.UTF_8));
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
    private static long sendFile(OutputStream out, StageItem item, byte[] buf, List<String> warnings,
                                 LongConsumer progress) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(item.source(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            warnings.add(TreeScanner.printable(item.target()) + ": vanished before it was sent; skipped");
            return -1;
        }
        try (ch) {
            long size = ch.size();
            long mtime = Math.floorDiv(Files.getLastModifiedTime(item.source()).toMillis(), 1000L);
            int mode = ((Integer) Files.getAttribute(item.source(), "unix:mode")) & 07777;
            out.write(String.format("T%d 0 %d 0\nC%04o %d %s\n", mtime, mtime, mode, size, item.tempName())
                    .getBytes(StandardCharsets.UTF_8));
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
            }
            out.write(0);
            if (changed || ch.size() != size) {
                warnings.add(TreeScanner.printable(item.target()) + ": changed while being sent; left as it was");
                return Long.MIN_VALUE;
            }
            return size;
        }
    }

    /** Counts the sink's acknowledgements; the first error message ends the stream. */
    private static final class AckReader implements Runnable {
        private final InputStream in;
        private final AtomicLong count = new AtomicLong();
        private final AtomicReference<String> error = new AtomicReference<>();
        private volatile boolean eof;

        AckReader(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            try {
                for (int b; (b = in.read()) >= 0; ) {
                    if (b == 0) {
                        count.incrementAndGet();
                    } else {
                        StringBuilder sb = new StringBuilder();
                        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                            sb.append((char) c);
                        }
                        error.compareAndSet(null, sb.toString().trim());
                        return;
                    }
                }
            } catch (IOException e) {
                error.compareAndSet(null, "connection lost: " + e.getMessage());
            } finally {
                eof = true;
            }
        }

        void check() throws IOException {
            String e = error.get();
            if (e != null) {
                throw new IOException("node refused a file: " + e);
            }
        }

        void awaitEnd(long expected, Duration timeout, Thread reader) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            long seen = count.get();
            while (count.get() < expected && error.get() == null && !eof) {
                if (count.get() != seen) { // a timeout of silence, not of the whole backlog
                    seen = count.get();
                    deadline = System.nanoTime() + timeout.toNanos();
                } else if (System.nanoTime() > deadline) {
                    throw new IOException("the node stopped acknowledging files (" + count.get() + " of "
                            + expected + ")");
                }
                try {
                    reader.join(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            check();
            if (count.get() < expected) {
                throw new EOFException("scp on the node ended early (" + count.get() + " of " + expected
                        + " acknowledgements)");
            }
        }
    }
}
