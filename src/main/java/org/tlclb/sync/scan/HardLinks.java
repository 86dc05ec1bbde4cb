package org.tlclb.sync.scan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of a tree that have several names in it (rsync's {@code -H}): each name of such a file
 * maps to its group's leader, the lowest of its paths, which is the one name sent; the others are
 * made links to it on the node. A file with one name in the tree is in no group, whatever its link
 * count (its other names are outside the tree or excluded).
 *
 * @param leaderOf every name of a file with several names -> the lowest of them
 */
public record HardLinks(Map<String, String> leaderOf) {
    public static final HardLinks NONE = new HardLinks(Map.of());

    public HardLinks {
        leaderOf = Collections.unmodifiableMap(new HashMap<>(leaderOf));
    }

    /** Groups of names (each with two or more), keyed by anything that tells one file from another. */
    public static <K> HardLinks of(Map<K, List<String>> namesByFile) {
        Map<String, String> leaders = new HashMap<>();
        for (List<String> names : namesByFile.values()) {
            if (names.size() < 2) {
                continue;
            }
            String leader = Collections.min(names);
            names.forEach(n -> leaders.put(n, leader));
        }
        return leaders.isEmpty() ? NONE : new HardLinks(leaders);
    }

    public boolean isEmpty() {
        return leaderOf.isEmpty();
    }

    /** The leader of {@code path}'s group, or null when the file has one name in the tree. */
    public String leader(String path) {
        return leaderOf.get(path);
    }

    /** A name that is made a link to its leader rather than sent. */
    public boolean isFollower(String path) {
        String leader = leaderOf.get(path);
        return leader != null && !leader.equals(path);
    }

    /** Every name that is in a group. */
    public Set<String> paths() {
        return leaderOf.keySet();
    }

    /** The followers (names other than the leader), sorted. */
    public List<String> followers() {
        List<String> out = new ArrayList<>();
        leaderOf.forEach((p, l) -> {
            if (!p.equals(l)) {
                out.add(p);
            }
        });
        Collections.sort(out);
        return out;
    }
}
