package org.tlclb.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.plan.Change;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.plan.PlanOptions;
import org.tlclb.sync.plan.Planner;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.remote.NodePaths;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.scan.HardLinks;
import org.tlclb.sync.scan.Manifest;

class StagePlanTest {
    private static final long T = 1_700_000_000L;
    private static final Path SRC = Path.of("/srv/src");
    private static final PlanOptions OPTS = new PlanOptions(true, false, true, ExcludeRules.none());

    private static Manifest tree(Entry... entries) {
        Map<String, Entry> map = new LinkedHashMap<>();
        map.put("", Entry.dir("", T, 0755));
        for (Entry e : entries) {
            map.put(e.path(), e);
        }
        return new Manifest(map);
    }

    private static StagePlan stage(Manifest source, Manifest node) {
        NodePlan plan = Planner.plan(source, node, List.of(), OPTS);
        return StagePlan.of(plan, source, node, SRC);
    }

    private static StageItem item(StagePlan sp, String target) {
        return sp.items().stream().filter(i -> i.target().equals(target)).findFirst().orElseThrow();
    }

    @Test
    void filesAreStagedBesideTheirTargetsInExistingDirectories() {
        Entry d = Entry.dir("d", T, 0755);
        Entry nodeD = Entry.dir("d", T, 0750);     // the node's mode differs: staging must not change it
        Entry e = Entry.dir("d/e", T, 0711);
        Entry f = Entry.file("d/e/f", 10, T, 0644);
        Entry top = Entry.file("top", 5, T, 0644);
        Manifest source = tree(d, e, f, top);
        Manifest node = tree(nodeD, e, Entry.file("d/e/f", 9, T, 0644));
        StagePlan sp = stage(source, node);

        assertThat(sp.items()).extracting(StageItem::target, StageItem::stageDir)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("top", ""),
                        org.assertj.core.groups.Tuple.tuple("d/e/f", "d/e"));
        assertThat(sp.sourceRoot().resolve(item(sp, "d/e/f").target())).isEqualTo(SRC.resolve("d/e/f"));
        assertThat(sp.sourceRoot().resolve(item(sp, "top").target())).isEqualTo(SRC.resolve("top"));
        assertThat(sp.dirModes()).containsExactlyInAnyOrderEntriesOf(Map.of("d", 0750, "d/e", 0711));
        assertThat(sp.newDirs()).isEmpty();
    }

    @Test
    void filesUnderAMissingDirectoryGoIntoANewSubtreeUnderTheirOwnNames() {
        Entry n = Entry.dir("n", T, 0711);
        Entry m = Entry.dir("n/m", T, 0700);
        Entry f = Entry.file("n/m/f", 3, T, 0640);
        Entry g = Entry.file("n/g", 3, T, 0644);
        Entry old = Entry.dir("old", T, 0755);
        Entry oldNode = Entry.dir("old", T, 0705);
        Entry nw = Entry.dir("old/new", T, 0750);
        Entry h = Entry.file("old/new/h", 4, T, 0644);
        StagePlan sp = stage(tree(n, m, f, g, old, nw, h), tree(oldNode));

        assertThat(sp.subtrees()).hasSize(2).containsValues("n", "old/new");
        String tn = key(sp, "n");
        String to = key(sp, "old/new");
        assertThat(TempNames.isTemp(tn)).isTrue();
        assertThat(to).startsWith("old/");
        assertThat(TempNames.isTemp(to.substring(4))).isTrue();
        assertThat(item(sp, "n/m/f").stageDir()).isEqualTo(tn + "/m");
        assertThat(item(sp, "n/g").stageDir()).isEqualTo(tn);
        assertThat(item(sp, "old/new/h").stageDir()).isEqualTo(to);
        assertThat(sp.items()).allSatisfy(i -> assertThat(i.underOwnName()).isTrue());
        assertThat(item(sp, "n/m/f").tempName()).isEqualTo("f");
        assertThat(item(sp, "n/m/f").tempPath()).isEqualTo(tn + "/m/f");
        // The stream creates the subtrees with the source's modes and walks through "old" as it is.
        assertThat(sp.newDirs()).containsExactlyInAnyOrder(tn, tn + "/m", to);
        assertThat(sp.dirModes()).containsExactlyInAnyOrderEntriesOf(
                Map.of(tn, 0711, tn + "/m", 0700, "old", 0705, to, 0750));
    }

    @Test
    void aNewSubtreeWithANameScpCannotCarryIsStagedFileByFile() {
        Entry n = Entry.dir("n", T, 0755);
        Entry f = Entry.file("n/f", 3, T, 0644);
        Entry bad = Entry.file("n/x\ny", 3, T, 0644);
        StagePlan sp = stage(tree(n, f, bad), tree());
        assertThat(sp.subtrees()).isEmpty();
        assertThat(sp.items()).allSatisfy(i -> {
            assertThat(i.stageDir()).isEqualTo("n");
            assertThat(TempNames.isTemp(i.tempName())).isTrue();
        });
        assertThat(sp.newDirs()).containsExactly("n");
    }

    private static String key(StagePlan sp, String real) {
        return sp.subtrees().entrySet().stream().filter(e -> e.getValue().equals(real)).findFirst().orElseThrow()
                .getKey();
    }

    @Test
    void fileUnderADirectoryWhoseNameHasANewlineIsStagedInTheDeepestReachableAncestor() {
        Entry ok = Entry.dir("ok", T, 0755);
        Entry bad = Entry.dir("ok/bad\nname", T, 0755);
        Entry below = Entry.dir("ok/bad\nname/below", T, 0755);
        Entry f = Entry.file("ok/bad\nname/below/f", 8, T, 0644);
        Entry cr = Entry.dir("cr\rdir", T, 0755);
        Entry g = Entry.file("cr\rdir/g", 8, T, 0644);
        StagePlan sp = stage(tree(ok, bad, below, f, cr, g), tree(ok));

        assertThat(item(sp, "ok/bad\nname/below/f").stageDir()).isEqualTo("ok");
        assertThat(sp.sourceRoot().resolve(item(sp, "ok/bad\nname/below/f").target())).isEqualTo(SRC.resolve("ok/bad\nname/below/f"));
        assertThat(item(sp, "cr\rdir/g").stageDir()).isEqualTo("");
        assertThat(sp.dirModes()).containsOnlyKeys("ok");
        assertThat(sp.newDirs()).isEmpty();
    }

    @Test
    void fileNamedWithANewlineInAReachableDirectoryIsStagedBesideIt() {
        // Only directory names travel in SCP D lines; a file travels under its temp name.
        Entry f = Entry.file("a\nb", 1, T, 0644);
        StagePlan sp = stage(tree(f), tree());
        assertThat(item(sp, "a\nb").stageDir()).isEqualTo("");
    }

    @Test
    void aDirectoryThatReplacesANodeFileIsANewSubtreeRenamedInOnceTheFileIsCleared() {
        Entry p = Entry.dir("p", T, 0755);
        Entry x = Entry.dir("p/x", T, 0755);
        Entry y = Entry.dir("p/x/y", T, 0755);
        Entry f = Entry.file("p/x/y/f", 2, T, 0644);
        Manifest source = tree(p, x, y, f);
        Manifest node = tree(p, Entry.file("p/x", 1, T, 0644));
        NodePlan plan = Planner.plan(source, node, List.of(), OPTS);
        assertThat(plan.changes()).filteredOn(c -> c instanceof Change.Delete d && d.forced())
                .extracting(Change::path).containsExactly("p/x");

        StagePlan sp = StagePlan.of(plan, source, node, SRC);
        StageItem item = item(sp, "p/x/y/f");
        assertThat(item.underOwnName()).isTrue();
        String temp = item.stageDir().substring(0, item.stageDir().indexOf("/y"));
        assertThat(temp).matches("p/\\.tlclb\\.[a-z2-7]{16}\\.tmp");
        assertThat(sp.subtrees()).containsExactly(Map.entry(temp, "p/x"));
        assertThat(sp.newDirs()).containsExactlyInAnyOrder(temp, temp + "/y");
    }

    @Test
    void aDirectoryThatReplacesANodeSymlinkIsStreamedAsANewSubtreeNeverIntoTheLink() {
        // Never stream into a node symlink: it could point out of the tree.
        Entry d = Entry.dir("d", T, 0755);
        Entry f = Entry.file("d/f", 2, T, 0644);
        StagePlan sp = stage(tree(d, f), tree(Entry.symlink("d", "/etc")));
        StageItem item = item(sp, "d/f");
        assertThat(item.stageDir()).matches("\\.tlclb\\.[a-z2-7]{16}\\.tmp").isNotEqualTo("d");
        assertThat(sp.subtrees()).containsExactly(Map.entry(item.stageDir(), "d"));
        assertThat(sp.dirModes()).doesNotContainKey("d");
    }

    @Test
    void tempNamesAreRecognisableShortAndDistinct() {
        Entry d = Entry.dir("d", T, 0755);
        StagePlan sp = stage(tree(d, Entry.file("d/a", 1, T, 0644), Entry.file("d/b", 1, T, 0644),
                Entry.file("c", 1, T, 0644)), tree(d));
        assertThat(sp.items()).hasSize(3);
        assertThat(sp.items()).allSatisfy(i -> {
            assertThat(TempNames.isTemp(i.tempName())).isTrue();
            assertThat(i.tempName().length()).isLessThanOrEqualTo(30);
        });
        assertThat(sp.items()).extracting(StageItem::tempName).doesNotHaveDuplicates();
    }

    @Test
    void itemsAreSortedDepthFirstSoEachDirectoryIsEnteredOnce() {
        Entry a = Entry.dir("a", T, 0755);
        Entry ac = Entry.dir("a/c", T, 0755);
        Entry b = Entry.dir("b", T, 0755);
        Entry ab = Entry.dir("a b", T, 0755);
        StagePlan sp = stage(tree(
                Entry.file("b/2", 1, T, 0644), Entry.file("b/1", 1, T, 0644), b,
                Entry.file("a/c/z", 1, T, 0644), ac,
                Entry.file("a b/q", 1, T, 0644), ab,
                Entry.file("a/y", 1, T, 0644), Entry.file("a/x", 1, T, 0644), a,
                Entry.file("root2", 1, T, 0644), Entry.file("root1", 1, T, 0644)), tree(a, ac, b, ab));
        assertThat(sp.items()).extracting(StageItem::stageDir)
                .containsExactly("", "", "a", "a", "a/c", "a b", "b", "b");
        assertThat(sp.items()).extracting(StageItem::target)
                .containsExactly("root1", "root2", "a/x", "a/y", "a/c/z", "a b/q", "b/1", "b/2");
    }

    @Test
    void onlyFilesToSendAreStaged() {
        Entry same = Entry.file("same", 1, T, 0644);
        Entry attrs = Entry.file("attrs", 1, T, 0600);
        Entry link = Entry.symlink("link", "same");
        StagePlan sp = stage(tree(same, attrs, link), tree(same, Entry.file("attrs", 1, T, 0644),
                Entry.file("gone", 1, T, 0644)));
        assertThat(sp.items()).isEmpty();
        assertThat(sp.dirModes()).isEmpty();
        assertThat(sp.newDirs()).isEmpty();
    }

    @Test
    void whatGoesIntoADirectoryOthersMayChangeIsStagedApartInTheRunsStagingDirectory() {
        Entry up = Entry.dir("up", T, 0755);
        Entry sub = Entry.dir("up/sub", T, 0755);
        Entry changed = Entry.file("up/sub/f", 3, T + 1, 0644);
        Entry fresh = Entry.dir("up/new", T, 0750);
        Entry inside = Entry.file("up/new/g", 1, T, 0644);
        Entry empty = Entry.dir("up/empty", T, 0700);
        Entry sealed = Entry.file("index.html", 5, T, 0644);
        Manifest source = tree(up, sub, changed, fresh, inside, empty, sealed);
        Manifest node = tree(up, sub, Entry.file("up/sub/f", 2, T, 0644));
        Set<String> open = Set.of("up", "up/sub");
        PlanOptions opts = new PlanOptions(true, false, true, ExcludeRules.none(), HardLinks.NONE, Map.of(), false, open);
        NodePlan plan = Planner.plan(source, node, List.of(), opts);
        String stage = ".tlclb-backup/run.stage";
        StagePlan sp = StagePlan.of(plan, source, node, SRC, new StagePlan.Exposure(
                NodePaths.withNewDirs(open, plan.mkdirs().stream().map(Change.Mkdir::path).toList()), stage));
        assertThat(item(sp, "index.html").stageDir()).isEmpty();
        StageItem f = item(sp, "up/sub/f");
        assertThat(f.stageDir()).isEqualTo(stage);
        assertThat(f.underOwnName()).isFalse();
        StageItem g = item(sp, "up/new/g");
        assertThat(g.underOwnName()).isTrue();
        assertThat(g.stageDir()).startsWith(stage + "/.tlclb.");
        assertThat(sp.subtrees()).containsValues("up/new", "up/empty");
        sp.subtrees().keySet().forEach(temp -> assertThat(temp).startsWith(stage + "/"));
        assertThat(sp.dirModes()).containsEntry(".tlclb-backup", 0700).containsEntry(stage, 0700)
                .doesNotContainKeys("up", "up/sub");
        assertThat(sp.newDirs()).contains(stage).doesNotContain(".tlclb-backup");
    }

    @Test
    void aFileWhoseAttributesAloneDifferIsSentAgainWhereOthersMayChangeItsDirectory() {
        Entry d = Entry.dir("d", T, 0755);
        Manifest source = tree(d, Entry.file("d/f", 2, T, 0600), Entry.file("g", 2, T, 0600));
        Manifest node = tree(d, Entry.file("d/f", 2, T, 0644), Entry.file("g", 2, T, 0644));
        NodePlan plan = Planner.plan(source, node, List.of(),
                new PlanOptions(true, false, true, ExcludeRules.none(), HardLinks.NONE, Map.of(), false, Set.of("d")));
        assertThat(plan.changes()).filteredOn(c -> c.path().equals("d/f")).singleElement()
                .isInstanceOf(Change.UpdateFile.class).extracting(Change::code).isEqualTo("<f...p.....");
        assertThat(plan.changes()).filteredOn(c -> c.path().equals("g")).singleElement()
                .isInstanceOf(Change.SetAttrs.class);
    }
}
