package org.tlclb.sync.transfer;

import java.util.ArrayList;
import java.util.List;

import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.plan.TempNames;

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

    /** Files from this size are cut into parts, when the node can join them and several channels run. */
    static final long SPLIT_FROM = 32L << 20;
    /** The smallest part a file is cut into. */
    static final long PART_MIN = 16L << 20;

    private StageChannels() {
    }

    /** How many sends the files can make: one each, more for those that can be cut into parts. */
    static int maxPieces(long[] sizes, boolean canJoin) {
        long n = 0;
        for (long size : sizes) {
            n += canJoin && size >= SPLIT_FROM ? size / PART_MIN : 1;
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /**
     * The sends of a plan over {@code channels} channels, in the plan's order: each file whole,
     * except that a file of {@link #SPLIT_FROM} or more is cut, when the node can join parts, into
     * as many parts as its share of the plan's bytes calls for channels (at most one per channel,
     * each of at least {@link #PART_MIN}), so that a large file does not ride one channel's window
     * alone. The first part is written under the file's own staging name and the others are
     * joined onto it, so the node copies all but the first part once more.
     *
     * @param sizes the size of each of the plan's items
     */
    static List<Piece> pieces(StagePlan plan, long[] sizes, int channels, boolean canJoin) {
        long total = 0;
        for (long size : sizes) {
            total += size;
        }
        List<Piece> out = new ArrayList<>(plan.items().size());
        for (int i = 0; i < plan.items().size(); i++) {
            StageItem item = plan.items().get(i);
            long size = sizes[i];
            int parts = 1;
            if (canJoin && channels > 1 && size >= SPLIT_FROM) {
                long share = (long) Math.ceil((double) channels * size / total); // channels this file's bytes need
                parts = (int) Math.min(Math.min(channels, share), size / PART_MIN);
            }
            if (parts < 2) {
                out.add(new Piece(i, 0, -1, item));
                continue;
            }
            long each = size / parts;
            for (int k = 0; k < parts; k++) {
                long offset = k * each;
                long length = k == parts - 1 ? size - offset : each;
                StageItem part = k == 0 ? item
                        : new StageItem(item.target(), item.stageDir(), TempNames.randomHigh(), TempNames.randomLow());
                out.add(new Piece(i, offset, length, part));
            }
        }
        return out;
    }

    /**
     * @param roundTripNanos the node's round trip (an upper bound), 0 when unknown
     * @param window         the node's channel window in bytes
     * @param bytes          what the plan sends
     * @param files          how many sends it can be cut into (files, and parts of large ones)
     * @param bwlimit        the node's --bwlimit in bytes per second, 0 for none
     */
    static int count(long roundTripNanos, long window, long bytes, int files, long bwlimit) {
        if (roundTripNanos <= 0 || window <= 0 || files <= 1) {
            return 1;
        }
        long link = Tunables.SCP_LINK_RATE.get();
        long rate = bwlimit > 0 ? Math.min(bwlimit, link) : link;
        double inFlight = rate * (roundTripNanos / 1e9); // bytes the link holds during one round trip
        // OpenSSH grants window again once half of it is used, so a channel keeps about three
        // quarters of its window in flight (one channel at 20 ms: 60-70 MB/s, not 100).
        long forLink = (long) Math.ceil(inFlight / (window * 0.75));
        long forSize = bytes / (WINDOWS_PER_CHANNEL * window);
        long n = Math.min(Math.min(forLink, forSize), Math.min(files, Math.max(1, Tunables.SCP_CHANNELS.get())));
        return (int) Math.max(1, n);
    }

    /**
     * Cuts a list of sends (in tree order) into consecutive batches of about equal bytes for
     * {@code channels} channels: the start index of each batch, then the number of sends.
     *
     * @param weights the bytes of each send
     */
    static int[] batches(long[] weights, int channels) {
        int n = weights.length;
        if (channels <= 1 || n <= 1) {
            return new int[] {0, n};
        }
        long total = 0;
        for (long w : weights) {
            total += w + FILE_OVERHEAD;
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
            inBatch += weights[k] + FILE_OVERHEAD;
        }
        int[] out = new int[starts.size() + 1];
        for (int k = 0; k < starts.size(); k++) {
            out[k] = starts.get(k);
        }
        out[starts.size()] = n;
        return out;
    }
}
