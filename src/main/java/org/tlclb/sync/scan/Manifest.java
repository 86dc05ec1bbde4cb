package org.tlclb.sync.scan;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A tree as a map from relative path to entry. Iteration order puts every directory before its
 * children (a parent path is a prefix of its children's), which the planner and the stager rely on.
 */
public final class Manifest {
    private final NavigableMap<String, Entry> entries;

    public Manifest(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableNavigableMap(new TreeMap<>(entries));
    }

    public static Manifest empty() {
        return new Manifest(Map.of());
    }

    public Optional<Entry> get(String path) {
        return Optional.ofNullable(entries.get(path));
    }

    public boolean contains(String path) {
        return entries.containsKey(path);
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    public NavigableMap<String, Entry> asMap() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public long fileCount() {
        return entries.values().stream().filter(Entry::isFile).count();
    }

    public long totalBytes() {
        return entries.values().stream().filter(Entry::isFile).mapToLong(Entry::size).sum();
    }
}
