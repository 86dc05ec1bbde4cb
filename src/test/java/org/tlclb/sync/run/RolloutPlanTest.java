package org.tlclb.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.Rolling;
import org.tlclb.sync.config.RolloutHooks;

class RolloutPlanTest {
    @Test
    void batchesKeepTheRunsOrderAndTheLastOneMayBeSmaller() {
        List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
        assertThat(RolloutPlan.of(nodes, new Rolling(1, false)).batches())
                .containsExactly(List.of("n1"), List.of("n2"), List.of("n3"), List.of("n4"), List.of("n5"));
        assertThat(RolloutPlan.of(nodes, new Rolling(2, false)).batches())
                .containsExactly(List.of("n1", "n2"), List.of("n3", "n4"), List.of("n5"));
        assertThat(RolloutPlan.of(nodes, new Rolling(40, true)).batches())
                .containsExactly(List.of("n1", "n2"), List.of("n3", "n4"), List.of("n5"));
        assertThat(RolloutPlan.of(nodes, new Rolling(9, false)).batches()).as("larger than the cluster")
                .containsExactly(nodes);
        assertThat(RolloutPlan.of(List.<String>of(), new Rolling(1, false)).batches()).isEmpty();
    }

    @Test
    void theDryRunNamesEachBatchAndItsStepsInOrder() {
        RolloutHooks hooks = new RolloutHooks("drain %n", "undrain %n", "curl %h", true, Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofSeconds(5));
        assertThat(RolloutPlan.of(List.of("a", "b", "c"), new Rolling(2, false)).describe(n -> n, hooks, "reload"))
                .containsExactly(
                        "batch 1 of 2: a, b: drain: drain %n (here) -> wait 5 s -> commit -> post-sync: reload (on the"
                                + " node) -> health check: curl %h (here), every 2 s for up to 30 s -> undrain: undrain %n"
                                + " (here)",
                        "batch 2 of 2: c: drain: drain %n (here) -> wait 5 s -> commit -> post-sync: reload (on the"
                                + " node) -> health check: curl %h (here), every 2 s for up to 30 s -> undrain: undrain %n"
                                + " (here)");
        assertThat(RolloutPlan.steps(RolloutHooks.NONE, null)).containsExactly("commit");
    }

    @Test
    void hookCommandsGetTheNodeQuoted() {
        NodeTarget t = new NodeTarget("web'1", "10.0.0.1", 22, "root", false);
        assertThat(HookCommand.expand("drain %n %h %d 100%% %x", t, "/var/www/html"))
                .isEqualTo("drain 'web'\\''1' '10.0.0.1' '/var/www/html' 100% %x");
    }

    @Test
    void aLocalHookIsBoundedByItsTimeoutAndKeepsItsLastLines() {
        assertThat(HookCommand.runLocal("exit 3", Duration.ofSeconds(5)).exitStatus()).isEqualTo(3);
        assertThat(HookCommand.runLocal("seq 1 100000", Duration.ofSeconds(10)).outputTail()).endsWith("99999\n100000");
        long t0 = System.nanoTime();
        var hung = HookCommand.runLocal("sleep 30", Duration.ofSeconds(1));
        assertThat(hung.exitStatus()).isEqualTo(-1);
        assertThat(hung.outputTail()).contains("timed out after 1 s");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    }
}
