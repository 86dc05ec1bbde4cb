package org.tlclb.sync.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Counts the acknowledgements of one {@code scp -t} sink as they arrive, on MINA's I/O thread (no
 * reader thread to wake for each of the three a file costs); the sink's first error message ends
 * the stream.
 */
final class AckCounter extends OutputStream {
    private long count;
    private String error;
    private StringBuilder message;
    private boolean closed;

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
     * stream, or {@code timeout} without any acknowledgement (a timeout of silence, not of the
     * whole backlog of a busy node).
     */
    synchronized void awaitCount(long expected, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = count;
        while (count < expected && error == null && !closed) {
            if (count != seen) {
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
