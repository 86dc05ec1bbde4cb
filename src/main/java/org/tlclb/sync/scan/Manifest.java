package org.tlclb.sync.scan;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A tree as a map from relative path to entry. Iteration order puts every directory before its
 * children (a parent path is a prefix of its children's), which the planner and the stager rely on.
 * Lookups go to a hash map; the sorted view is built on first use, since a node's listing of
 * 20,000 entries is mostly looked up, and sorting paths that share long prefixes was a tenth of
 * the CPU of a run that found nothing to do.
 */
public final class Manifest {
    private final Map<String, Entry> byPath;
    private NavigableMap<String, Entry> sorted;

    public Manifest(Map<String, Entry> entries) {
        this.byPath = new HashMap<>(entries);
    }

    public static Manifest empty() {
        return new Manifest(Map.of());
    }

    public Optional<Entry> get(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    public boolean contains(String path) {
        return byPath.containsKey(path);
    }

    /** Every entry, parents before children. */
    public Collection<Entry> entries() {
        return asMap().values();
    }

    /** Every entry, in no particular order (no sorting). */
    public Collection<Entry> unordered() {
        return Collections.unmodifiableCollection(byPath.values());
    }

    public synchronized NavigableMap<String, Entry> asMap() {
        if (sorted == null) {
            sorted = Collections.unmodifiableNavigableMap(new TreeMap<>(byPath));
        }
        return sorted;
    }

    /** Equal when they hold the same entries (hash computed once). */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Manifest m && m.hashCode() == hashCode() && m.byPath.equals(byPath);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = byPath.hashCode();
            hash = h == 0 ? 1 : h;
        }
        return hash;
    }

    private int hash;

    public int size() {
        return byPath.size();
    }

    public long fileCount() {
        return byPath.values().stream().filter(Entry::isFile).count();
    }

    public long totalBytes() {
        return byPath.values().stream().filter(Entry::isFile).mapToLong(Entry::size).sum();
    }
}
