package org.tlclb.sync.state;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.RunStop;
import org.tlclb.sync.scan.Generation;

/**
 * A push's link to the admin host's record of its destination: read before any node is contacted
 * (a record that cannot be read stops the run there), written when the push has ended (under the
 * run lock), and the report told which nodes are now behind.
 */
public final class RunRecorder {
    private final StateStore store;
    private final List<String> cluster;
    private final DestinationRecord before;

    private RunRecorder(StateStore store, List<String> cluster, DestinationRecord before) {
        this.store = store;
        this.cluster = List.copyOf(cluster);
        this.before = before;
    }

    /**
     * @param cluster the nodes a push of this destination goes to, whether this run does or not
     * @throws StateStore.Unusable when the record cannot be read (named, with what to do)
     */
    public static RunRecorder open(StateStore store, String key, List<String> cluster) throws StateStore.Unusable {
        return new RunRecorder(store, cluster, store.read(key).orElse(DestinationRecord.empty(key)));
    }

    /** Whether the record before this run says {@code node} holds {@code generation}. */
    public boolean holds(String node, String generation) {
        return before.node(node).map(n -> generation.equals(n.generation())).orElse(false);
    }

    /** The record as it was before this run. */
    public DestinationRecord before() {
        return before;
    }

    /**
     * Records a push that went ahead (declined, interrupted and refused runs changed nothing and are
     * not recorded; a dry run only reads); returns the report with the nodes behind after it.
     */
    public RunReport record(RunReport report) {
        boolean wentAhead = report.stop() == RunStop.NONE || report.stop() == RunStop.LOCKED
                || report.stop() == RunStop.INTERNAL_ERROR;
        if (report.mode() != RunMode.PUSH || !wentAhead || report.generation() == null) {
            return report.withBehind(ClusterMemory.behind(before));
        }
        DestinationRecord after = ClusterMemory.after(before, report, new Generation(report.generation()), cluster,
                Instant.now());
        try {
            store.write(after);
        } catch (IOException e) {
            List<String> warnings = new ArrayList<>(report.warnings());
            warnings.add("the cluster's state could not be recorded in " + store.dir() + ": " + e.getMessage()
                    + " (tlclb status and --catch-up go by the last record)");
            return new RunReport(report.runId(), report.command(), report.mode(), report.start(), report.end(),
                    report.sources(), report.nodes(), report.stop(), warnings, report.generation(),
                    ClusterMemory.behind(after), report.rollout());
        }
        return report.withBehind(ClusterMemory.behind(after));
    }
}
