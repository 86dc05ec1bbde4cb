package org.tlclb.sync.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.RunStop;
import org.tlclb.sync.scan.Generation;
import org.tlclb.sync.state.NodeRecord.Standing;

class ClusterMemoryTest {
    static final Generation G1 = new Generation("1".repeat(64));
    static final Generation G2 = new Generation("2".repeat(64));
    static final Instant T1 = Instant.parse("2026-12-01T02:00:00Z");
    static final Instant T2 = Instant.parse("2026-12-02T02:00:00Z");
    static final Instant T3 = Instant.parse("2026-12-03T02:00:00Z");
    static final List<String> CLUSTER = List.of("node1", "node2", "node3");

    static NodeResult node(String name, NodeStatus status, String error) {
        return new NodeResult(name, status, 1, 0, 0, 0, 10, 0.1, error, List.of(), null, "sftp", null);
    }

    /** A push of run {@code runId}, started at T1 for run1, T2 for run2, T3 after. */
    static RunReport push(String runId, NodeResult... nodes) {
        Instant start = runId.equals("run1") ? T1 : runId.equals("run2") ? T2 : T3;
        return new RunReport(runId, "tlclb_content_sync", RunMode.PUSH, start, start, List.of("/src"),
                List.of(nodes), RunStop.NONE, List.of());
    }

    @Test
    void aNodeThatFailsOrIsLeftOutFallsBehindAndCountsTheRunsItMisses() {
        DestinationRecord r0 = DestinationRecord.empty("/var/www/html");
        DestinationRecord r1 = ClusterMemory.after(r0, push("run1", node("node1", NodeStatus.OK, null),
                node("node2", NodeStatus.OK, null), node("node3", NodeStatus.OK, null)), G1, CLUSTER, T1);
        assertThat(r1.latest()).isEqualTo(G1.id());
        assertThat(ClusterMemory.behind(r1)).isEmpty();

        // node2 down (--partial-ok), node3 left out with -x
        DestinationRecord r2 = ClusterMemory.after(r1, push("run2", node("node1", NodeStatus.OK, null),
                node("node2", NodeStatus.FAILED, "connection refused")), G2, CLUSTER, T2);
        assertThat(r2.latest()).isEqualTo(G2.id());
        assertThat(r2.latestRun()).isEqualTo("run2");
        assertThat(ClusterMemory.behind(r2)).containsExactly("node2", "node3");
        NodeRecord n2 = r2.node("node2").orElseThrow();
        assertThat(n2.generation()).isEqualTo(G1.id());
        assertThat(n2.behindSince()).isEqualTo(T2);
        assertThat(n2.runsMissed()).isEqualTo(1);
        assertThat(n2.lastFailure()).isEqualTo(T2);
        assertThat(n2.failure()).isEqualTo("connection refused");
        assertThat(n2.lastSuccess()).isEqualTo(T1);

        DestinationRecord r3 = ClusterMemory.after(r2, push("run3", node("node1", NodeStatus.OK, null)), G2,
                CLUSTER, T3);
        NodeRecord again = r3.node("node2").orElseThrow();
        assertThat(again.behindSince()).isEqualTo(T2);
        assertThat(again.runsMissed()).as("every run that committed elsewhere is one more missed").isEqualTo(2);

        DestinationRecord r4 = ClusterMemory.after(r3, push("run4", node("node2", NodeStatus.OK, null),
                node("node3", NodeStatus.OK, null)), G2, CLUSTER, T3);
        assertThat(ClusterMemory.behind(r4)).isEmpty();
        assertThat(r4.node("node2").orElseThrow().behindSince()).isNull();
        assertThat(r4.node("node2").orElseThrow().lastRun()).isEqualTo("run4");
    }

    @Test
    void aRunThatCommittedNowhereKeepsTheLatestGenerationAndANewNodeIsNeverPushed() {
        DestinationRecord r1 = ClusterMemory.after(DestinationRecord.empty("k"),
                push("run1", node("node1", NodeStatus.OK, null), node("node2", NodeStatus.OK, null)), G1,
                List.of("node1", "node2"), T1);
        DestinationRecord r2 = ClusterMemory.after(r1, push("run2", node("node1", NodeStatus.ABORTED, "aborted"),
                node("node2", NodeStatus.FAILED, "timeout")), G2, CLUSTER, T2);
        assertThat(r2.latest()).isEqualTo(G1.id());
        assertThat(r2.node("node1").orElseThrow().standing(r2.latest())).isEqualTo(Standing.CURRENT);
        assertThat(r2.node("node2").orElseThrow().failure()).isEqualTo("timeout");
        assertThat(r2.node("node3").orElseThrow().standing(r2.latest())).isEqualTo(Standing.NEVER);
        assertThat(ClusterMemory.behind(r2)).containsExactly("node3");
    }

    @Test
    void aPartialCommitLeavesTheNodeOnNeitherGeneration() {
        DestinationRecord r1 = ClusterMemory.after(DestinationRecord.empty("k"),
                push("run1", node("node1", NodeStatus.OK, null), node("node2", NodeStatus.PARTIAL, "commit incomplete")),
                G1, List.of("node1", "node2"), T1);
        assertThat(r1.node("node2").orElseThrow().standing(r1.latest())).isEqualTo(Standing.BEHIND);
        assertThat(ClusterMemory.behind(r1)).containsExactly("node2");
    }

    @Test
    void theNodesMarkersRebuildTheRecordAndWhatTheyCannotTellIsKept() {
        DestinationRecord r1 = ClusterMemory.after(DestinationRecord.empty("k"), push("run1",
                node("node1", NodeStatus.OK, null), node("node2", NodeStatus.OK, null)), G1, List.of("node1", "node2"),
                T1);
        DestinationRecord r2 = ClusterMemory.after(r1, push("run2", node("node1", NodeStatus.OK, null),
                node("node2", NodeStatus.FAILED, "refused")), G2, List.of("node1", "node2", "node3"), T2);
        List<NodeClaim> claims = List.of(new NodeClaim("node1", G2.id(), "run2", T2, null),
                new NodeClaim("node2", G1.id(), "run1", T1, null), new NodeClaim("node3", null, null, null, null));
        assertThat(ClusterMemory.rebuilt(r2, List.of("node1", "node2", "node3"), claims)).isEqualTo(r2);
        DestinationRecord fromNothing = ClusterMemory.rebuilt(DestinationRecord.empty("k"),
                List.of("node1", "node2", "node3"), claims);
        assertThat(fromNothing.latest()).isEqualTo(G2.id());
        assertThat(fromNothing.latestRun()).isEqualTo("run2");
        assertThat(ClusterMemory.behind(fromNothing)).containsExactly("node2", "node3");
        assertThat(fromNothing.node("node2").orElseThrow().behindSince()).isEqualTo(T2);
        DestinationRecord unreachable = ClusterMemory.rebuilt(r2, List.of("node1", "node2", "node3"),
                List.of(new NodeClaim("node1", G2.id(), "run2", T2, null),
                        new NodeClaim("node2", null, null, null, "connection refused")));
        assertThat(unreachable.node("node2")).isEqualTo(r2.node("node2"));
    }

    @Test
    void aRunThatChangesNothingKeepsTheRunThatBroughtTheGeneration() {
        DestinationRecord r1 = ClusterMemory.after(DestinationRecord.empty("k"),
                push("run1", node("node1", NodeStatus.OK, null)), G1, List.of("node1"), T1);
        NodeResult unchanged = new NodeResult("node1", NodeStatus.OK, 0, 0, 0, 0, 0, 0.1, null, List.of(), null, "sftp",
                null);
        DestinationRecord r2 = ClusterMemory.after(r1, push("run2", unchanged), G1, List.of("node1"), T2);
        assertThat(r2).isEqualTo(r1);
    }

    @Test
    void aRolloutThatStoppedLeavesTheRolledBackAndUntouchedNodesBehind() {
        DestinationRecord r1 = ClusterMemory.after(DestinationRecord.empty("/var/www/html"), push("run1",
                node("node1", NodeStatus.OK, null), node("node2", NodeStatus.OK, null),
                node("node3", NodeStatus.OK, null)), G1, CLUSTER, T1);
        DestinationRecord r2 = ClusterMemory.after(r1, push("run2", node("node1", NodeStatus.OK, null),
                node("node2", NodeStatus.ROLLED_BACK, "health check failed; rolled back"),
                node("node3", NodeStatus.ABORTED, null)), G2, CLUSTER, T2);
        assertThat(r2.latest()).isEqualTo(G2.id());
        assertThat(ClusterMemory.behind(r2)).containsExactly("node2", "node3");
        assertThat(r2.node("node2").orElseThrow().generation()).as("it holds what it had").isEqualTo(G1.id());
        assertThat(r2.node("node2").orElseThrow().failure()).isEqualTo("health check failed; rolled back");
    }
}
