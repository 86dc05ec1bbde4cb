package org.tlclb.sync.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The recorded state of one destination (a content directory, or the config tree) across the nodes.
 *
 * @param key        which destination: {@link StateKey}
 * @param latest     the generation the last committing run put on its nodes, or null before any
 * @param latestRun  that run's id, or null
 * @param latestTime when it committed, or null
 * @param nodes      one record per node the runs have known, in the order first seen
 */
public record DestinationRecord(String key, String latest, String latestRun, Instant latestTime,
                                List<NodeRecord> nodes) {

    public DestinationRecord {
        nodes = List.copyOf(nodes);
    }

    public static DestinationRecord empty(String key) {
        return new DestinationRecord(key, null, null, null, List.of());
    }

    public Optional<NodeRecord> node(String name) {
        return nodes.stream().filter(n -> n.node().equals(name)).findFirst();
    }
}
