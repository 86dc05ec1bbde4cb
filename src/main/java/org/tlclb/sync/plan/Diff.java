package org.tlclb.sync.plan;

import java.util.EnumSet;
import java.util.Set;

import org.tlclb.sync.scan.Entry;

/** How a source entry differs from the node's: found once by the planner, rendered by {@link Change#code()}. */
public enum Diff {
    /** Different content, known from the hashes (--checksum). */
    CONTENT,
    SIZE,
    MTIME,
    MODE,
    /** Another type of entry is in the way on the node. */
    TYPE;

    /** The differences between a source entry and the node's entry at the same path. */
    public static Set<Diff> between(Entry src, Entry old) {
        EnumSet<Diff> d = EnumSet.noneOf(Diff.class);
        if (old.type() != src.type()) {
            d.add(TYPE);
            return d;
        }
        if (src.sha256() != null && old.sha256() != null && !src.sha256().equals(old.sha256())) {
            d.add(CONTENT);
        }
        if (src.size() != old.size()) {
            d.add(SIZE);
        }
        if (src.mtime() != old.mtime()) {
            d.add(MTIME);
        }
        if (src.mode() != old.mode()) {
            d.add(MODE);
        }
        return d;
    }

    /**
     * rsync's quick check, in the one place it is made: a file is unchanged when size and mtime
     * match or, with checksum, when size and content hash match.
     */
    public static boolean sameContent(Entry src, Entry old, boolean checksum) {
        if (!src.isFile() || !old.isFile() || src.size() != old.size()) {
            return false;
        }
        if (checksum) {
            return src.sha256() != null && src.sha256().equals(old.sha256());
        }
        return src.mtime() == old.mtime();
    }
}
