package org.tlclb.sync.report;

import java.time.Instant;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The outcome of a run across all nodes. Its verdict (exit code and summary) is {@link RunVerdict#of}.
 *
 * @param stop why the run ended early, if it did
 */
public record RunReport(String runId, String command, RunMode mode, Instant start, Instant end, List<String> sources,
                        List<NodeResult> nodes, RunStop stop, List<String> warnings) {

    public RunReport {
        sources = List.copyOf(sources);
        nodes = List.copyOf(nodes);
        warnings = List.copyOf(warnings);
    }

    public double seconds() {
        return (end.toEpochMilli() - start.toEpochMilli()) / 1000.0;
    }

    public long total(ToLongFunction<NodeResult> f) {
        return nodes.stream().mapToLong(f).sum();
    }

    /** The nodes the run worked on (not skipped). */
    public List<NodeResult> targeted() {
        return nodes.stream().filter(n -> n.status() != NodeStatus.SKIPPED).toList();
    }

    public boolean dryRun() {
        return mode.readOnly();
    }
}
