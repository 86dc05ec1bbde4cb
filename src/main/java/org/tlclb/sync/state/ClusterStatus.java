package org.tlclb.sync.state;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code tlclb status} shows of one destination: its record and one row per node asked about,
 * each with where it stands against the latest generation. A node the record has never seen is
 * never pushed.
 *
 * @param file   the store's file the record came from (it may not exist yet)
 * @param record the destination's record (empty when no push was recorded)
 * @param rows   the nodes in the order asked
 */
public record ClusterStatus(Path file, DestinationRecord record, List<Row> rows) {

    /** One node's line. */
    public record Row(NodeRecord node, NodeRecord.Standing standing) {
    }

    public ClusterStatus {
        rows = List.copyOf(rows);
    }

    /**
     * @param nodes the nodes asked about (display names), or empty for every node the record holds
     */
    public static ClusterStatus of(Path file, DestinationRecord record, List<String> nodes) {
        List<String> names = nodes.isEmpty() ? record.nodes().stream().map(NodeRecord::node).toList() : nodes;
        List<Row> rows = new ArrayList<>();
        for (String n : names) {
            NodeRecord r = record.node(n).orElse(NodeRecord.never(n));
            rows.add(new Row(r, r.standing(record.latest())));
        }
        return new ClusterStatus(file, record, rows);
    }

    public List<String> named(NodeRecord.Standing standing) {
        return rows.stream().filter(r -> r.standing() == standing).map(r -> r.node().node()).toList();
    }
}
