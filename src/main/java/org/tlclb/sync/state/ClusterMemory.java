package org.tlclb.sync.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.scan.Generation;

/**
 * How a push changes what the admin host knows of a destination: the one place that decides which
 * node holds which generation, which is behind, since when and by how many runs. Pure: the caller
 * reads and writes the {@link StateStore}.
 */
public final class ClusterMemory {
    private ClusterMemory() {
    }

    /**
     * The record after {@code report}, a push (not a dry run) of {@code generation}.
     *
     * @param nodes every node of the cluster a push goes to (sync.conf's servers but nosync ones, or
     *              the -w list): a node the run left out (-x) and that does not hold the new
     *              generation has missed it
     */
    public static DestinationRecord after(DestinationRecord before, RunReport report, Generation generation,
                                          List<String> nodes, Instant now) {
        Map<String, NodeResult> results = new LinkedHashMap<>();
        for (NodeResult n : report.nodes()) {
            if (n.status() != NodeStatus.SKIPPED) {
                results.put(n.node(), n);
            }
        }
        boolean committed = results.values().stream().anyMatch(n -> n.status().committed());
        String latest = committed ? generation.id() : before.latest();
        Map<String, NodeRecord> out = new LinkedHashMap<>();
        before.nodes().forEach(n -> out.put(n.node(), n));
        for (String n : nodes) {
            out.putIfAbsent(n, NodeRecord.never(n));
        }
        for (String name : results.keySet()) {
            out.putIfAbsent(name, NodeRecord.never(name));
        }
        List<NodeRecord> records = new ArrayList<>();
        for (NodeRecord n : out.values()) {
            NodeResult r = results.get(n.node());
            NodeRecord next = r == null ? n : apply(n, r, generation, report.runId(), report.start(), now);
            records.add(behind(next, latest, committed, report.start()));
        }
        // The latest generation is dated by the run that first committed it: a run that pushes it again
        // (nothing to do, or to the nodes behind) leaves that, as the nodes' own markers do.
        boolean newLatest = committed && !generation.id().equals(before.latest());
        return new DestinationRecord(before.key(), latest, newLatest ? report.runId() : before.latestRun(),
                newLatest ? report.start() : before.latestTime(), records);
    }

    /**
     * The record as the nodes' own markers tell it ({@code tlclb status --rebuild}): the newest
     * marker names the latest generation; what the nodes cannot tell (their last failure, how many
     * runs a node behind missed) is kept from {@code before} where it knew them. A node that could
     * not be asked keeps its record.
     *
     * @param nodes every node of the cluster, in order
     */
    public static DestinationRecord rebuilt(DestinationRecord before, List<String> nodes, List<NodeClaim> claims) {
        NodeClaim newest = claims.stream().filter(c -> c.error() == null && c.generation() != null)
                .max(Comparator.comparing(NodeClaim::time).thenComparing(NodeClaim::runId)).orElse(null);
        String latest = newest == null ? before.latest() : newest.generation();
        Instant latestTime = newest == null ? before.latestTime() : newest.time();
        Map<String, NodeRecord> out = new LinkedHashMap<>();
        for (String n : nodes) {
            out.put(n, before.node(n).orElse(NodeRecord.never(n)));
        }
        before.nodes().forEach(n -> out.putIfAbsent(n.node(), n));
        for (NodeClaim c : claims) {
            NodeRecord was = out.getOrDefault(c.node(), NodeRecord.never(c.node()));
            if (c.error() != null) {
                out.put(c.node(), was);
            } else if (c.generation() != null && c.generation().equals(latest)) {
                out.put(c.node(), new NodeRecord(c.node(), c.generation(), c.time(), c.runId(), was.lastFailure(),
                        was.failure(), null, 0));
            } else { // behind, or never pushed (no marker)
                boolean knew = was.behindSince() != null;
                out.put(c.node(), new NodeRecord(c.node(), c.generation(), c.time(), c.runId(), was.lastFailure(),
                        was.failure(), knew ? was.behindSince() : latestTime, knew ? was.runsMissed()
                        : latest == null ? 0 : 1));
            }
        }
        return new DestinationRecord(before.key(), latest, newest == null ? before.latestRun() : newest.runId(),
                latestTime, new ArrayList<>(out.values()));
    }

    /** The names of the nodes that do not hold the latest generation (never pushed among them). */
    public static List<String> behind(DestinationRecord r) {
        return r.nodes().stream().filter(n -> n.standing(r.latest()) != NodeRecord.Standing.CURRENT)
                .map(NodeRecord::node).toList();
    }

    /** A success is dated by its run's start (what the node's own marker says too); a failure when seen. */
    private static NodeRecord apply(NodeRecord n, NodeResult r, Generation g, String runId, Instant start,
                                    Instant now) {
        return switch (r.status()) {
            // every entry committed (a failed post-sync command does not undo the files)
            // a node that already held it and was not changed keeps the run that brought it (its marker's)
            case OK -> g.id().equals(n.generation()) && r.changes() == 0
                    ? new NodeRecord(n.node(), n.generation(), n.lastSuccess(), n.lastRun(), n.lastFailure(), n.failure(),
                    null, 0)
                    : new NodeRecord(n.node(), g.id(), start, runId, n.lastFailure(), n.failure(), null, 0);
            case HOOK_FAILED -> new NodeRecord(n.node(), g.id(), start, runId, now,
                    "post-sync failed" + (r.error() == null ? "" : ": " + r.error()), null, 0);
            // a commit that stopped halfway, or entries not carried: the node holds neither generation
            case PARTIAL -> new NodeRecord(n.node(), "partial", n.lastSuccess(),
                    n.lastRun(), now, r.error() != null ? r.error() : "not every entry was carried",
                    n.behindSince(), n.runsMissed());
            // a rolled-back node holds what it had before the run
            case FAILED, ABORTED, ROLLED_BACK -> new NodeRecord(n.node(), n.generation(), n.lastSuccess(), n.lastRun(), now,
                    r.error() != null ? r.error() : r.status().label(), n.behindSince(), n.runsMissed());
            case PLANNED, SKIPPED -> n;
        };
    }

    private static NodeRecord behind(NodeRecord n, String latest, boolean committed, Instant now) {
        if (latest == null || latest.equals(n.generation())) {
            return new NodeRecord(n.node(), n.generation(), n.lastSuccess(), n.lastRun(), n.lastFailure(), n.failure(),
                    null, 0);
        }
        return new NodeRecord(n.node(), n.generation(), n.lastSuccess(), n.lastRun(), n.lastFailure(), n.failure(),
                n.behindSince() != null ? n.behindSince() : now, n.runsMissed() + (committed ? 1 : 0));
    }
}
