package org.tlclb.sync.report;

import java.util.List;

/**
 * The one judgement of a run, from which the text report's summary, the JSON's exit_code and the
 * process's exit code are all rendered (rsync's errcode.h and itemize(): decided once, printed many
 * ways). SPEC section 6.
 *
 * @param exitCode the exit code
 * @param outcome  what happened, for the summary line
 * @param changed  nodes whose files the run changed (in full or in part)
 * @param failed   nodes that failed (before or during their commit)
 * @param drifted  for check: nodes that differ from the source (or hold leftovers)
 */
public record RunVerdict(ExitCode exitCode, Outcome outcome, List<String> changed, List<String> failed,
                         List<String> drifted) {

    /** What happened to the run as a whole. */
    public enum Outcome {
        /** Every node is in sync (a push), or would be changed as planned (a dry run). */
        IN_SYNC,
        /** Some nodes changed and others did not, or a node's commit stopped halfway. */
        PARTIAL,
        /** Every node failed before its commit; nothing changed anywhere. */
        ALL_FAILED,
        /** A node failed before commit, so all-or-nothing removed what the others had staged. */
        ABORTED,
        DECLINED,
        INTERRUPTED,
        /** The delete guard refused a node's plan before anything was staged. */
        REFUSED,
        /** Another run held a node's destination. */
        LOCKED,
        INTERNAL_ERROR,
        /** check: no node differs. */
        CHECK_IN_SYNC,
        /** check: some node differs. */
        DRIFT,
        /** check: no drift seen, but some node could not be checked. */
        NOT_CHECKED
    }

    public static RunVerdict of(RunReport r) {
        List<NodeResult> targeted = r.targeted();
        List<String> changed = targeted.stream()
                .filter(n -> n.status().committed() && (n.changes() > 0 || n.status() == NodeStatus.PARTIAL))
                .map(NodeResult::node).toList();
        List<String> failed = targeted.stream()
                .filter(n -> n.status() == NodeStatus.FAILED || n.status() == NodeStatus.PARTIAL
                        || n.status() == NodeStatus.ROLLED_BACK)
                .map(NodeResult::node).toList();
        List<String> drifted = targeted.stream()
                .filter(n -> n.status() == NodeStatus.PLANNED && !n.inSync()).map(NodeResult::node).toList();
        Outcome outcome = outcome(r, targeted, failed, drifted);
        return new RunVerdict(exitCode(outcome), outcome, changed, failed, drifted);
    }

    /** A per-node job without a report of its own (keys install): all done 0, some 1, none 3. */
    public static ExitCode forNodes(int succeeded, int failed) {
        if (failed == 0) {
            return ExitCode.OK;
        }
        return succeeded > 0 ? ExitCode.PARTIAL : ExitCode.NOTHING_CHANGED;
    }

    private static Outcome outcome(RunReport r, List<NodeResult> targeted, List<String> failed, List<String> drifted) {
        switch (r.stop()) {
            case DECLINED:
                return Outcome.DECLINED;
            case INTERRUPTED:
                return Outcome.INTERRUPTED;
            case INTERNAL_ERROR:
                return Outcome.INTERNAL_ERROR;
            case REFUSED:
                return Outcome.REFUSED;
            case HELD_HERE:
                return Outcome.LOCKED;
            default:
                break;
        }
        if (r.mode() == RunMode.CHECK) {
            if (!drifted.isEmpty()) {
                return Outcome.DRIFT;
            }
            return failed.isEmpty() ? Outcome.CHECK_IN_SYNC : Outcome.NOT_CHECKED;
        }
        boolean allGood = targeted.stream()
                .allMatch(n -> n.status() == NodeStatus.OK || n.status() == NodeStatus.PLANNED);
        if (allGood) {
            return Outcome.IN_SYNC;
        }
        // a rolled-back node was changed and put back: a rollout that stopped, whatever else it did
        if (targeted.stream().anyMatch(n -> n.status().committed() || n.status() == NodeStatus.ROLLED_BACK)) {
            return Outcome.PARTIAL;
        }
        if (r.stop() == RunStop.LOCKED) {
            return Outcome.LOCKED;
        }
        return targeted.stream().anyMatch(n -> n.status() == NodeStatus.ABORTED) ? Outcome.ABORTED : Outcome.ALL_FAILED;
    }

    private static ExitCode exitCode(Outcome outcome) {
        return switch (outcome) {
            case IN_SYNC, CHECK_IN_SYNC -> ExitCode.OK;
            case PARTIAL, DRIFT -> ExitCode.PARTIAL;
            case ALL_FAILED, ABORTED, NOT_CHECKED -> ExitCode.NOTHING_CHANGED;
            case DECLINED, INTERRUPTED -> ExitCode.DECLINED;
            case REFUSED -> ExitCode.USAGE;
            case LOCKED -> ExitCode.LOCKED;
            case INTERNAL_ERROR -> ExitCode.INTERNAL;
        };
    }
}
