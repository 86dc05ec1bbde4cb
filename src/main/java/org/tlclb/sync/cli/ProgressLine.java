package org.tlclb.sync.cli;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.tlclb.sync.report.TextReport;
import org.tlclb.sync.run.RunObserver.Phase;

/**
 * The live progress line on a terminal (stderr only, and only when stderr is a terminal): the
 * phase, nodes done in it, and while staging files and bytes sent of the total and the rate (both
 * as the stager writes them), e.g.
 * {@code stage   1,234/20,000 files   45.1/123.0 MiB   12.3 MiB/s   nodes 2/4}. Redrawn four times a
 * second by a daemon thread from the first event on (so the screen is never blank), erased at the
 * end so the report starts on a clean line. Written by hand rather than with a progress-bar
 * library: none shows phases and two counts at once, and this line costs no extra classes at start.
 */
final class ProgressLine implements AutoCloseable {
    private static final long REDRAW_MS = 250;
    private final PrintWriter err;
    private final long startNanos = System.nanoTime();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    /** Per phase, the nodes through it. */
    private final Map<Phase, Set<String>> through = new EnumMap<>(Phase.class);
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private final Thread ticker;
    private volatile int nodes;
    private volatile long totalFiles;
    private volatile long totalBytes;
    private volatile long stageStartNanos;
    private volatile boolean closed;
    private volatile boolean paused;
    private int lastWidth;

    ProgressLine(PrintWriter err) {
        this.err = err;
        for (Phase p : Phase.values()) {
            through.put(p, ConcurrentHashMap.newKeySet());
        }
        this.ticker = new Thread(this::tick, "progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    void start(int nodeCount) {
        nodes = nodeCount;
        draw();
    }

    /** A node is through a phase; a node that failed counts as through every later phase. */
    void nodeDone(String node, Phase phase, boolean ok) {
        through.get(phase).add(node);
        if (!ok) {
            failed.add(node);
            for (Phase later : Phase.values()) {
                if (later.compareTo(phase) > 0) {
                    through.get(later).add(node);
                }
            }
        }
    }

    void totals(long fileCount, long byteCount) {
        totalFiles = fileCount;
        totalBytes = byteCount;
        stageStartNanos = System.nanoTime();
    }

    /** The first phase some node is not through yet. */
    private Phase phase() {
        for (Phase p : Phase.values()) {
            if (through.get(p).size() < nodes) {
                return p;
            }
        }
        return Phase.COMMIT;
    }

    void bytes(long n) {
        bytes.addAndGet(n);
    }

    /** This many more files were sent. */
    void filesSent(long n) {
        files.addAndGet(n);
    }

    private void tick() {
        while (!closed) {
            try {
                Thread.sleep(REDRAW_MS);
            } catch (InterruptedException e) {
                return;
            }
            draw();
        }
    }

    /** The line as it is drawn now (without the carriage return). */
    String render() {
        Phase phase = phase();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-7s", phase.name().toLowerCase(Locale.ROOT)));
        long stageStart = stageStartNanos;
        if ((phase == Phase.STAGE || phase == Phase.COMMIT) && stageStart != 0) { // totals known once staging starts
            // files sent so far; until the first is, the total alone
            String fileCount = files.get() > 0 ? String.format(Locale.ROOT, "%,d/%,d", files.get(), totalFiles)
                    : String.format(Locale.ROOT, "%,d", totalFiles);
            sb.append(String.format(Locale.ROOT, "  %s files  %s/%s", fileCount, TextReport.bytes(bytes.get()),
                    TextReport.bytes(totalBytes)));
            double secs = (System.nanoTime() - stageStart) / 1e9;
            if (phase == Phase.STAGE && secs > 0.5) {
                sb.append("  ").append(TextReport.bytes((long) (bytes.get() / secs))).append("/s");
            }
        }
        sb.append(String.format(Locale.ROOT, "  nodes %d/%d", through.get(phase).size(), nodes));
        if (!failed.isEmpty()) {
            sb.append("  FAILED: ").append(String.join(",", failed.stream().sorted().toList()));
        }
        sb.append(String.format(Locale.ROOT, "  %.0f s", (System.nanoTime() - startNanos) / 1e9));
        return sb.toString();
    }

    private synchronized void draw() {
        if (closed || paused) {
            return;
        }
        String line = render();
        int pad = Math.max(0, lastWidth - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastWidth = line.length();
    }

    /** Erases the line until {@link #resume()} (the question before the push needs the terminal). */
    synchronized void pause() {
        paused = true;
        erase();
    }

    void resume() {
        paused = false;
        draw();
    }

    /** Erases the line for good. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.interrupt();
        erase();
    }

    private void erase() {
        if (lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
            lastWidth = 0;
        }
    }
}
