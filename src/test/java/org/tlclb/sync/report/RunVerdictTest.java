package org.tlclb.sync.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The one verdict of a run: exit code and outcome from the nodes' results (SPEC section 6). */
class RunVerdictTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    private static NodeResult node(String name, NodeStatus status, long created, long leftovers) {
        return new NodeResult(name, status, created, 0, 0, leftovers, 0, 0.1, status == NodeStatus.FAILED ? "boom" : null,
                List.of(), null, "sftp", null);
    }

    private static RunReport report(RunMode mode, RunStop stop, NodeResult... nodes) {
        return new RunReport("r", "tlclb_content_sync", mode, T, T, List.of("/src"), Arrays.asList(nodes), stop,
                List.of());
    }

    private static RunVerdict verdict(RunMode mode, RunStop stop, NodeResult... nodes) {
        return RunVerdict.of(report(mode, stop, nodes));
    }

    @Test
    void everyNodeInSyncIsZeroAndSkippedNodesDoNotCount() {
        RunVerdict v = verdict(RunMode.PUSH, RunStop.NONE, node("a", NodeStatus.OK, 3, 0),
                node("b", NodeStatus.OK, 0, 0), NodeResult.skipped("c", "nosync"));
        assertThat(v.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(v.outcome()).isEqualTo(RunVerdict.Outcome.IN_SYNC);
        assertThat(v.changed()).containsExactly("a");
    }

    @Test
    void aFailureBeforeCommitAbortsEverywhereWithThree() {
        RunVerdict v = verdict(RunMode.PUSH, RunStop.NONE, node("a", NodeStatus.ABORTED, 0, 0),
                node("b", NodeStatus.FAILED, 0, 0));
        assertThat(v.exitCode()).isEqualTo(ExitCode.NOTHING_CHANGED);
        assertThat(v.outcome()).isEqualTo(RunVerdict.Outcome.ABORTED);
        assertThat(v.failed()).containsExactly("b");
        assertThat(verdict(RunMode.PUSH, RunStop.NONE, node("b", NodeStatus.FAILED, 0, 0)).outcome())
                .isEqualTo(RunVerdict.Outcome.ALL_FAILED);
    }

    @Test
    void someChangedSomeNotIsOneAndAHalfCommittedNodeCountsAsChanged() {
        RunVerdict partialOk = verdict(RunMode.PUSH, RunStop.NONE, node("a", NodeStatus.OK, 1, 0),
                node("b", NodeStatus.FAILED, 0, 0));
        assertThat(partialOk.exitCode()).isEqualTo(ExitCode.PARTIAL);
        RunVerdict halfway = verdict(RunMode.PUSH, RunStop.NONE, node("a", NodeStatus.PARTIAL, 0, 0));
        assertThat(halfway.exitCode()).isEqualTo(ExitCode.PARTIAL);
        assertThat(halfway.changed()).containsExactly("a");
        assertThat(halfway.failed()).containsExactly("a");
        assertThat(verdict(RunMode.PUSH, RunStop.NONE, node("a", NodeStatus.HOOK_FAILED, 1, 0)).exitCode())
                .isEqualTo(ExitCode.PARTIAL);
    }

    @Test
    void stopsHaveTheirOwnCodes() {
        NodeResult aborted = node("a", NodeStatus.ABORTED, 0, 0);
        assertThat(verdict(RunMode.PUSH, RunStop.DECLINED, aborted).exitCode()).isEqualTo(ExitCode.DECLINED);
        assertThat(verdict(RunMode.PUSH, RunStop.INTERRUPTED, aborted).exitCode()).isEqualTo(ExitCode.DECLINED);
        assertThat(verdict(RunMode.PUSH, RunStop.REFUSED, node("a", NodeStatus.FAILED, 0, 0)).exitCode())
                .isEqualTo(ExitCode.USAGE);
        assertThat(verdict(RunMode.PUSH, RunStop.LOCKED, aborted, node("b", NodeStatus.FAILED, 0, 0)).exitCode())
                .isEqualTo(ExitCode.LOCKED);
        RunVerdict bug = verdict(RunMode.PUSH, RunStop.INTERNAL_ERROR, node("a", NodeStatus.PARTIAL, 2, 0));
        assertThat(bug.exitCode()).isEqualTo(ExitCode.INTERNAL);
        assertThat(bug.changed()).containsExactly("a");
    }

    @Test
    void checkCountsLeftoversAsDriftAndUnreachableAsThree() {
        assertThat(verdict(RunMode.CHECK, RunStop.NONE, node("a", NodeStatus.PLANNED, 0, 0)).exitCode())
                .isEqualTo(ExitCode.OK);
        RunVerdict leftover = verdict(RunMode.CHECK, RunStop.NONE, node("a", NodeStatus.PLANNED, 0, 1));
        assertThat(leftover.exitCode()).isEqualTo(ExitCode.PARTIAL);
        assertThat(leftover.drifted()).containsExactly("a");
        assertThat(verdict(RunMode.CHECK, RunStop.NONE, node("a", NodeStatus.PLANNED, 0, 0),
                node("b", NodeStatus.FAILED, 0, 0)).exitCode()).isEqualTo(ExitCode.NOTHING_CHANGED);
        assertThat(verdict(RunMode.CHECK, RunStop.NONE, node("a", NodeStatus.PLANNED, 2, 0),
                node("b", NodeStatus.FAILED, 0, 0)).outcome()).isEqualTo(RunVerdict.Outcome.DRIFT);
    }

    @Test
    void theTextReportAndTheJsonRenderTheSameVerdict() throws Exception {
        RunReport r = report(RunMode.PUSH, RunStop.NONE, node("a", NodeStatus.ABORTED, 0, 0),
                node("b", NodeStatus.FAILED, 0, 0));
        RunVerdict v = RunVerdict.of(r);
        StringWriter text = new StringWriter();
        TextReport.print(r, v, new PrintWriter(text), false);
        assertThat(text.toString()).contains("all-or-nothing: b failed before commit, so no node was changed");
        StringWriter json = new StringWriter();
        JsonReport.write(r, v, json);
        assertThat(json.toString()).contains("\"exit_code\" : 3").contains("\"outcome\" : \"aborted\"");
    }

    @Test
    void keysInstallCountsTheSameWay() {
        assertThat(RunVerdict.forNodes(2, 0)).isEqualTo(ExitCode.OK);
        assertThat(RunVerdict.forNodes(1, 1)).isEqualTo(ExitCode.PARTIAL);
        assertThat(RunVerdict.forNodes(0, 2)).isEqualTo(ExitCode.NOTHING_CHANGED);
    }

    @Test
    void aRolloutThatStoppedIsOneEvenWhenItsFirstNodeWasRolledBack() {
        RunVerdict stopped = verdict(RunMode.PUSH, RunStop.NONE, node("a", NodeStatus.OK, 1, 0),
                node("b", NodeStatus.ROLLED_BACK, 0, 0), node("c", NodeStatus.ABORTED, 0, 0));
        assertThat(stopped.exitCode()).isEqualTo(ExitCode.PARTIAL);
        assertThat(stopped.changed()).containsExactly("a");
        assertThat(stopped.failed()).containsExactly("b");
        RunVerdict first = verdict(RunMode.PUSH, RunStop.NONE, node("a", NodeStatus.ROLLED_BACK, 0, 0),
                node("b", NodeStatus.ABORTED, 0, 0));
        assertThat(first.exitCode()).as("changed, then put back").isEqualTo(ExitCode.PARTIAL);
        assertThat(first.changed()).isEmpty();
    }

    @Test
    void theTextReportSaysWhereTheRolloutLeftEachNodeAndWhereItStopped() {
        NodeResult a = node("a", NodeStatus.OK, 1, 0).withRollout(new RolloutStanding(1, RolloutStanding.State.COMMITTED));
        NodeResult b = new NodeResult("b", NodeStatus.ROLLED_BACK, 0, 0, 0, 0, 0, 0.1,
                "health check failed (exit 1: no output); rolled back: it holds what it had before the run", List.of(),
                null, "sftp", null).withRollout(new RolloutStanding(2, RolloutStanding.State.ROLLED_BACK));
        NodeResult c = node("c", NodeStatus.ABORTED, 0, 0).withRollout(new RolloutStanding(3,
                RolloutStanding.State.UNTOUCHED));
        RunReport r = new RunReport("r", "tlclb_content_sync", RunMode.PUSH, T, T, List.of("/src"), List.of(a, b, c),
                RunStop.NONE, List.of(), null, List.of(), new RolloutSummary(1, 3, 2,
                List.of("batch 1 a: commit ok", "batch 2 b: commit ok", "batch 2 b: health check failed (exit 1)",
                        "batch 2 b: rollback ok")));
        StringWriter text = new StringWriter();
        TextReport.print(r, RunVerdict.of(r), new PrintWriter(text), false);
        assertThat(text.toString()).contains("a         ok       created 1, updated 0, deleted 0, 0 B, 0.10 s (batch 1,"
                + " committed)\n", "b         ROLLED BACK batch 2, rolled back: health check failed (exit 1: no output);"
                + " rolled back: it holds what it had before the run\n", "c         aborted  batch 3, untouched\n",
                "rollout: batch 2 b: rollback ok\n", "rollout stopped at batch 2 of 3: the nodes of later batches keep"
                + " what they had\n");
    }
}
