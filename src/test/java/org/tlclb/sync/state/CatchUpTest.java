package org.tlclb.sync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.state.ClusterMemoryTest.G1;
import static org.tlclb.sync.state.ClusterMemoryTest.G2;
import static org.tlclb.sync.state.ClusterMemoryTest.T1;
import static org.tlclb.sync.state.ClusterMemoryTest.T2;
import static org.tlclb.sync.state.ClusterMemoryTest.node;
import static org.tlclb.sync.state.ClusterMemoryTest.push;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.scan.Generation;

class CatchUpTest {
    private static final List<String> TWO = List.of("node1", "node2");

    private static DestinationRecord node2Behind() {
        DestinationRecord r1 = ClusterMemory.after(DestinationRecord.empty("k"),
                push("run1", node("node1", NodeStatus.OK, null), node("node2", NodeStatus.OK, null)), G1, TWO, T1);
        return ClusterMemory.after(r1, push("run2", node("node1", NodeStatus.OK, null),
                node("node2", NodeStatus.FAILED, "down")), G2, TWO, T2);
    }

    @Test
    void nothingBehindNeedsNoScanOfTheSource() {
        DestinationRecord r = ClusterMemory.after(DestinationRecord.empty("k"),
                push("run1", node("node1", NodeStatus.OK, null), node("node2", NodeStatus.OK, null)), G1, TWO, T1);
        AtomicInteger scans = new AtomicInteger();
        CatchUp.Decision d = CatchUp.decide(r, TWO, () -> {
            scans.incrementAndGet();
            return G1;
        }, false);
        assertThat(d).isEqualTo(new CatchUp.NothingBehind("nothing to catch up: all 2 nodes hold generation "
                + G1.shortId() + " (run run1)"));
        assertThat(scans).hasValue(0);
    }

    @Test
    void theNodesBehindGetTheGenerationTheOthersHold() {
        assertThat(CatchUp.decide(node2Behind(), TWO, () -> G2, false)).isEqualTo(new CatchUp.Push(List.of("node2")));
        assertThat(CatchUp.decide(node2Behind(), List.of("node1", "node2", "node9"), () -> G2, false))
                .isEqualTo(new CatchUp.Push(List.of("node2", "node9")));
    }

    @Test
    void anotherSourceIsRefusedUnlessAnySourceIsGiven() {
        Generation other = new Generation("3".repeat(64));
        CatchUp.Decision d = CatchUp.decide(node2Behind(), TWO, () -> other, false);
        assertThat(d).isInstanceOf(CatchUp.Refused.class);
        assertThat(((CatchUp.Refused) d).message()).startsWith("--catch-up: the source is no longer generation "
                + G2.shortId() + " that the current nodes hold (run run2), it is " + other.shortId());
        assertThat(CatchUp.decide(node2Behind(), TWO, () -> other, true)).isEqualTo(new CatchUp.Push(List.of("node2")));
    }
}
