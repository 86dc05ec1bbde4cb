package org.tlclb.sync.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.scan.Manifest;

/** rsync's --max-delete, and the default that catches an empty or unmounted source. */
class DeleteGuardTest {
    private static final long T = 1_700_000_000L;
    private static final PlanOptions DELETE = new PlanOptions(true, false, true, ExcludeRules.none());

    private static Manifest files(int n) {
        Map<String, Entry> m = new LinkedHashMap<>();
        m.put("", Entry.dir("", T, 0755));
        for (int i = 0; i < n; i++) {
            m.put("f" + i, Entry.file("f" + i, 1, T, 0644));
        }
        return new Manifest(m);
    }

    private static NodePlan plan(Manifest source, Manifest node) {
        return Planner.plan(source, node, List.of(), DELETE);
    }

    @Test
    void anEmptySourceMayDeleteNothing() {
        Manifest node = files(3);
        assertThat(DeleteGuard.refusal(plan(files(0), node), files(0), node, null)).get().asString()
                .contains("the source is empty").contains("would lose all 3").contains("--max-delete 3");
    }

    @Test
    void moreThanHalfIsRefusedOnlyOverTwenty() {
        assertThat(DeleteGuard.refusal(plan(files(9), files(30)), files(9), files(30), null)).get().asString()
                .contains("would delete 21 of the node's 30 entries");
        assertThat(DeleteGuard.refusal(plan(files(10), files(30)), files(10), files(30), null)).isEmpty();
        assertThat(DeleteGuard.refusal(plan(files(1), files(12)), files(1), files(12), null)).isEmpty();
    }

    @Test
    void anExplicitLimitReplacesTheDefault() {
        assertThat(DeleteGuard.refusal(plan(files(9), files(30)), files(9), files(30), 21)).isEmpty();
        assertThat(DeleteGuard.refusal(plan(files(25), files(30)), files(25), files(30), 4)).get().asString()
                .contains("would delete 5 entries, more than --max-delete 4");
        assertThat(DeleteGuard.refusal(plan(files(0), files(3)), files(0), files(3), 3)).isEmpty();
    }
}
