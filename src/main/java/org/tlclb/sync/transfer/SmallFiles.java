package org.tlclb.sync.transfer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small source files read once for every node that streams the same stage plan: the first node
 * to reach a file reads it (open, stat, read, close) and leaves the bytes here for the others,
 * and the last one to take them lets them go. Pushing 20,000 small files to 4 nodes was 80,000
 * opens and reads; now 20,000. The cache is bounded (a node far ahead of the others stops
 * filling it and the others read for themselves), and every node gets the very same bytes.
 */
public final class SmallFiles {
    /** Larger files are streamed from disk by each node, as before. */
    public static final int MAX_FILE = 64 * 1024;
    private static final long BUDGET = 32L * 1024 * 1024;

    /** A file as the first reader found it: content, mtime (seconds), mode. */
    public record Content(byte[] data, long mtime, int mode) {
    }

    private static final class Slot {
        final Content content;
        int remaining;

        Slot(Content content, int remaining) {
            this.content = content;
            this.remaining = remaining;
        }
    }

    private final int users;
    private final ConcurrentHashMap<StageItem, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong held = new AtomicLong();

    /** @param users how many nodes stream the plan (each file is taken that many times) */
    public SmallFiles(int users) {
        this.users = users;
    }

    /** The content another node read for {@code item}, or null (then read it and {@link #offer} it). */
    Content take(StageItem item) {
        Content[] out = new Content[1];
        slots.computeIfPresent(item, (k, s) -> {
            out[0] = s.content;
            if (--s.remaining <= 0) {
                held.addAndGet(-s.content.data().length);
                return null;
            }
            return s;
        });
        return out[0];
    }

    /** Leaves what this node just read for the other nodes (when there is room). */
    void offer(StageItem item, Content content) {
        if (users <= 1) {
            return;
        }
        slots.compute(item, (k, s) -> {
            if (s != null) {
                // Another node read it at the same time and left it already: we are one of its users.
                if (--s.remaining <= 0) {
                    held.addAndGet(-s.content.data().length);
                    return null;
                }
                return s;
            }
            if (held.get() + content.data().length > BUDGET) {
                return null;
            }
            held.addAndGet(content.data().length);
            return new Slot(content, users - 1);
        });
    }
}
