package org.tlclb.sync.state;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /**
     * One node's line.
     *
     * @param live what a check of the node against the source found now ({@code --live}), or null
     */
    public record Row(NodeRecord node, NodeRecord.Standing standing, Live live) {
        public Row(NodeRecord node, NodeRecord.Standing standing) {
            this(node, standing, null);
        }
    }

    /**
     * A check's finding beside the record: the tree is the source's, differs (how many entries a push
     * would change), or could not be checked (why). The record is a claim; this is what is there.
     */
    public record Live(Finding finding, long changes, String error) {
        /** What the check found. */
        public enum Finding {
            IN_SYNC, DIFFERS, NOT_CHECKED
        }
    }

    public ClusterStatus {
        rows = List.copyOf(rows);
    }

    /** The same status with each node's check beside its record (a node the check did not see keeps none). */
    public ClusterStatus withLive(Map<String, Live> live) {
        return new ClusterStatus(file, record, rows.stream()
                .map(r -> new Row(r.node(), r.standing(), live.get(r.node().node()))).toList());
    }

    /** Nodes whose check found the tree different from the source, or could not check it. */
    public List<String> live(Live.Finding finding) {
        return rows.stream().filter(r -> r.live() != null && r.live().finding() == finding)
                .map(r -> r.node().node()).toList();
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
