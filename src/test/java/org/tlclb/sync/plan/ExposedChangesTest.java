package org.tlclb.sync.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.NotCarried;

class ExposedChangesTest {
    private static final long T = 1_700_000_000L;

    private static Manifest tree(Entry... entries) {
        Map<String, Entry> map = new LinkedHashMap<>();
        map.put("", Entry.dir("", T, 0755));
        for (Entry e : entries) {
            map.put(e.path(), e);
        }
        return new Manifest(map);
    }

    @Test
    void onANodeThatCannotHoldDirectoriesWhatIsInAnOpenOneIsLeftAndNamed() {
        Entry up = Entry.dir("up", T, 0755);
        Manifest source = tree(up, Entry.file("up/new.txt", 1, T, 0644), Entry.file("index.html", 1, T, 0644),
                Entry.dir("up/d", T, 0755), Entry.file("up/d/x", 1, T, 0644));
        Manifest node = tree(up, Entry.file("up/old.txt", 1, T, 0644));
        NodePlan plan = Planner.plan(source, node, List.of("up/.tlclb.aaaaaaaaaaaaaaaa.tmp"),
                new PlanOptions(true, false, true, ExcludeRules.none()));
        List<NotCarried> out = new ArrayList<>();
        NodePlan left = ExposedChanges.without(plan, Set.of("up", "up/d"), out);
        assertThat(left.changes()).extracting(Change::path).containsExactly("index.html");
        assertThat(left.staleTemps()).isEmpty();
        assertThat(out).extracting(NotCarried::path).containsExactlyInAnyOrder("up/new.txt", "up/d", "up/d/x",
                "up/old.txt");
        assertThat(out).filteredOn(n -> n.path().equals("up/old.txt")).singleElement()
                .extracting(NotCarried::why).asString().startsWith("not deleted: ");
    }
}
