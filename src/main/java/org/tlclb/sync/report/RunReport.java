package org.tlclb.sync.report;

import java.time.Instant;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The outcome of a run across all nodes. Its verdict (exit code and summary) is {@link RunVerdict#of}.
 *
 * @param stop       why the run ended early, if it did
 * @param generation the generation of the source the run read (scan/Generation), or null
 * @param rollout    the batches of a rolling push and where it stopped, or null when it was not rolling
 * @param behind     the nodes that, by the admin host's record after this run, do not hold the
 *                   destination's latest generation (empty when nothing is recorded)
 */
public record RunReport(String runId, String command, RunMode mode, Instant start, Instant end, List<String> sources,
                        List<NodeResult> nodes, RunStop stop, List<String> warnings, String generation,
                        List<String> behind, RolloutSummary rollout) {

    public RunReport {
        sources = List.copyOf(sources);
        nodes = List.copyOf(nodes);
        warnings = List.copyOf(warnings);
        behind = List.copyOf(behind);
    }

    /** A report of no recorded generation. */
    public RunReport(String runId, String command, RunMode mode, Instant start, Instant end, List<String> sources,
                     List<NodeResult> nodes, RunStop stop, List<String> warnings, String generation,
                     List<String> behind) {
        this(runId, command, mode, start, end, sources, nodes, stop, warnings, generation, behind, null);
    }

    public RunReport(String runId, String command, RunMode mode, Instant start, Instant end, List<String> sources,
                     List<NodeResult> nodes, RunStop stop, List<String> warnings) {
        this(runId, command, mode, start, end, sources, nodes, stop, warnings, null, List.of());
    }

    public RunReport withGeneration(String g) {
        return new RunReport(runId, command, mode, start, end, sources, nodes, stop, warnings, g, behind, rollout);
    }

    public RunReport withBehind(List<String> b) {
        return new RunReport(runId, command, mode, start, end, sources, nodes, stop, warnings, generation, b, rollout);
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
