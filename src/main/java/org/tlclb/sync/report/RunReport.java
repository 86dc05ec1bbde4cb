package org.tlclb.sync.report;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of a run across all nodes; it derives the exit code.
 *
 * @param declined the user said no at the prompt, or the run was interrupted before commit
 */
public record RunReport(String runId, String command, Instant start, Instant end, List<String> sources,
                        List<NodeResult> nodes, boolean dryRun, boolean declined, List<String> warnings) {

    public int exitCode() {
        if (declined) {
            return ExitCode.DECLINED.code();
        }
        List<NodeResult> targeted = nodes.stream().filter(n -> n.status() != NodeStatus.SKIPPED).toList();
        if (targeted.stream().allMatch(n -> n.status() == NodeStatus.OK || n.status() == NodeStatus.PLANNED)) {
            return ExitCode.OK.code();
        }
        boolean anyCommitted = targeted.stream().anyMatch(n -> n.status().committed()
                || n.status() == NodeStatus.PLANNED);
        return anyCommitted ? ExitCode.PARTIAL.code() : ExitCode.NOTHING_CHANGED.code();
    }

    public double seconds() {
        return (end.toEpochMilli() - start.toEpochMilli()) / 1000.0;
    }

    public long total(java.util.function.ToLongFunction<NodeResult> f) {
        return nodes.stream().mapToLong(f).sum();
    }
}
