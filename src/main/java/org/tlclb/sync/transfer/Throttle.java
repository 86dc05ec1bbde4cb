package org.tlclb.sync.transfer;

import java.io.IOException;

/**
 * --bwlimit for one node: callers sleep so that the average rate since the start stays at or
 * under the limit. Shared by every SCP channel of the node, so the limit holds for their sum.
 */
final class Throttle {
    private final long bytesPerSecond;
    private final long start = System.nanoTime();
    private long sent;

    /** @param bytesPerSecond the limit, 0 for none */
    Throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    long limit() {
        return bytesPerSecond;
    }

    void pace(long n) throws IOException {
        if (bytesPerSecond <= 0) {
            return;
        }
        long ahead;
        synchronized (this) {
            sent += n;
            long dueNanos = sent * 1_000_000_000L / bytesPerSecond;
            ahead = dueNanos - (System.nanoTime() - start);
        }
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
