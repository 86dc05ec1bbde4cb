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

    /** A node with {@code big/} of {@code n} files and a file {@code other}; the source as given. */
    private static Manifest nodeWithBig(int n) {
        Map<String, Entry> m = new LinkedHashMap<>();
        m.put("", Entry.dir("", T, 0755));
        m.put("big", Entry.dir("big", T, 0755));
        for (int i = 0; i < n; i++) {
            m.put("big/f" + i, Entry.file("big/f" + i, 1, T, 0644));
        }
        m.put("other", Entry.file("other", 1, T, 0644));
        return new Manifest(m);
    }

    private static Manifest sourceWith(Entry big) {
        return new Manifest(Map.of("", Entry.dir("", T, 0755), "big", big, "other", Entry.file("other", 1, T, 0644)));
    }

    @Test
    void aDirectoryReplacedByALinkOrAFileCountsWithEverythingInItForTheLimit() {
        // The reproduction: 40 files in big/, big replaced by a link (or a file), --max-delete=5.
        Manifest node = nodeWithBig(40);
        for (Entry big : List.of(Entry.symlink("big", "other"), Entry.file("big", 5, T, 0644))) {
            Manifest source = sourceWith(big);
            for (PlanOptions o : List.of(DELETE, new PlanOptions(false, false, true, ExcludeRules.none()))) {
                NodePlan p = Planner.plan(source, node, List.of(), o);
                if (!o.delete()) {
                    // without --delete a non-empty directory is not replaced at all: nothing to guard
                    assertThat(DeleteGuard.refusal(p, source, node, 5)).isEmpty();
                    assertThat(p.warnings()).hasSize(1);
                    continue;
                }
                assertThat(DeleteGuard.refusal(p, source, node, 5)).get().asString()
                        .isEqualTo("would delete 41 entries (41 of them to put another type of entry in their place),"
                                + " more than --max-delete 5; to allow it, run with --max-delete 41 (or set MaxDelete)");
                assertThat(DeleteGuard.refusal(p, source, node, 41)).isEmpty();
                // the default rule: 41 of the node's 42 entries is more than half
                assertThat(DeleteGuard.refusal(p, source, node, null)).get().asString()
                        .contains("would delete 41 of the node's 42 entries (more than half; 41 of them to put another"
                                + " type of entry in their place)");
            }
        }
    }

    @Test
    void aFileReplacedByALinkCountsAsOneRemoved() {
        Manifest node = files(3);
        Manifest source = new Manifest(Map.of("", Entry.dir("", T, 0755), "f0", Entry.symlink("f0", "f1"),
                "f1", Entry.file("f1", 1, T, 0644), "f2", Entry.file("f2", 1, T, 0644)));
        NodePlan p = Planner.plan(source, node, List.of(), DELETE);
        assertThat(DeleteGuard.refusal(p, source, node, 0)).get().asString()
                .startsWith("would delete 1 entry (1 of them to put another type of entry in their place), more than"
                        + " --max-delete 0");
        assertThat(DeleteGuard.refusal(p, source, node, 1)).isEmpty();
    }

    @Test
    void anExplicitLimitReplacesTheDefault() {
        assertThat(DeleteGuard.refusal(plan(files(9), files(30)), files(9), files(30), 21)).isEmpty();
        assertThat(DeleteGuard.refusal(plan(files(25), files(30)), files(25), files(30), 4)).get().asString()
                .contains("would delete 5 entries, more than --max-delete 4");
        assertThat(DeleteGuard.refusal(plan(files(0), files(3)), files(0), files(3), 3)).isEmpty();
    }
}
