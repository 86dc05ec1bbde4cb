package org.tlclb.sync.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

import org.tlclb.sync.config.Tunables;

/**
 * How many SCP channels one node's staging uses, and the batches of the plan they take turns on.
 * A channel carries at most one SSH window (OpenSSH grants 2 MiB) per round trip, so over a long
 * round trip one channel cannot fill the link: at 100 ms it moves under 20 MB/s. Several channels
 * over the one connection, each with its own window, multiply that. Each extra channel costs a
 * process (and a shell) on the node and about a round trip to open, so a node gets only as many as
 * the round trip and the amount to send call for; on a LAN, one. The limits are
 * {@link Tunables#SCP_CHANNELS}, {@link Tunables#SCP_LINK_RATE} and {@link Tunables#SCP_CHANNEL_BUDGET}.
 */
final class StageChannels {
    /** OpenSSH's session channel window, assumed while the node has not granted one yet. */
    static final long OPENSSH_WINDOW = 2L * 1024 * 1024;
    /** Extra channels pay only when sending takes a few round trips on one channel. */
    private static final int WINDOWS_PER_CHANNEL = 3;
    /** Per-file bytes a header and the acknowledgements weigh, for cutting batches. */
    private static final long FILE_OVERHEAD = 512;
    /** Batches per channel: small enough that the channels finish together, large enough to stream. */
    private static final int BATCHES_PER_CHANNEL = 8;
    private static final long MIN_BATCH = 256 * 1024;

    private StageChannels() {
    }

    /**
     * @param roundTripNanos the node's round trip (an upper bound), 0 when unknown
     * @param window         the node's channel window in bytes
     * @param bytes          what the plan sends
     * @param files          how many files it sends
     * @param bwlimit        the node's --bwlimit in bytes per second, 0 for none
     */
    static int count(long roundTripNanos, long window, long bytes, int files, long bwlimit) {
        if (roundTripNanos <= 0 || window <= 0 || files <= 1) {
            return 1;
        }
        long link = Tunables.SCP_LINK_RATE.get();
        long rate = bwlimit > 0 ? Math.min(bwlimit, link) : link;
        double inFlight = rate * (roundTripNanos / 1e9); // bytes the link holds during one round trip
        // A channel (a process on the node) is worth it for at least half a window more in flight.
        long forLink = Math.round(inFlight / window);
        long forSize = bytes / (WINDOWS_PER_CHANNEL * window);
        long n = Math.min(Math.min(forLink, forSize), Math.min(files, Math.max(1, Tunables.SCP_CHANNELS.get())));
        return (int) Math.max(1, n);
    }

    /**
     * Cuts the plan's items (in tree order) into consecutive batches of about equal bytes for
     * {@code channels} channels: the start index of each batch, then the item count.
     */
    static int[] batches(StagePlan plan, ToLongFunction<StageItem> size, int channels) {
        int n = plan.items().size();
        if (channels <= 1 || n <= 1) {
            return new int[] {0, n};
        }
        long total = 0;
        for (StageItem i : plan.items()) {
            total += size.applyAsLong(i) + FILE_OVERHEAD;
        }
        long target = Math.max(MIN_BATCH, total / ((long) channels * BATCHES_PER_CHANNEL));
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        long inBatch = 0;
        for (int k = 0; k < n; k++) {
            if (inBatch >= target) {
                starts.add(k);
                inBatch = 0;
            }
            inBatch += size.applyAsLong(plan.items().get(k)) + FILE_OVERHEAD;
        }
        int[] out = new int[starts.size() + 1];
        for (int k = 0; k < starts.size(); k++) {
            out[k] = starts.get(k);
        }
        out[starts.size()] = n;
        return out;
    }
}
