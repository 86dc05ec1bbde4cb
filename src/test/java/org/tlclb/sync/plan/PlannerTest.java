package org.tlclb.sync.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.plan.Change.CreateFile;
import org.tlclb.sync.plan.Change.Delete;
import org.tlclb.sync.plan.Change.MakeSymlink;
import org.tlclb.sync.plan.Change.Mkdir;
import org.tlclb.sync.plan.Change.SetAttrs;
import org.tlclb.sync.plan.Change.UpdateFile;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.scan.HardLinks;
import org.tlclb.sync.scan.Manifest;

class PlannerTest {
    private static final long T = 1_700_000_000L;
    private static final Entry ROOT = Entry.dir("", T, 0755);
    private static final PlanOptions DEFAULT = new PlanOptions(false, false, true, ExcludeRules.none());
    private static final PlanOptions DELETE = new PlanOptions(true, false, true, ExcludeRules.none());
    private static final PlanOptions CHECKSUM = new PlanOptions(false, true, true, ExcludeRules.none());

    /** A tree with the standard root unless the entries bring their own. */
    private static Manifest tree(Entry... entries) {
        Map<String, Entry> map = new LinkedHashMap<>();
        map.put("", ROOT);
        for (Entry e : entries) {
            map.put(e.path(), e);
        }
        return new Manifest(map);
    }

    private static NodePlan plan(Manifest source, Manifest node, PlanOptions options) {
        return Planner.plan(source, node, List.of(), options);
    }

    private static List<String> codes(NodePlan p) {
        return p.changes().stream().map(Change::code).toList();
    }

    private static List<String> lines(NodePlan p) {
        return p.changes().stream().map(Change::itemize).toList();
    }

    // ---- files ----

    @Test
    void identicalTreesGiveAnEmptyPlan() {
        Manifest t = tree(Entry.dir("d", T, 0755), Entry.file("d/a.txt", 10, T, 0644),
                Entry.file("b", 0, T - 5, 0600), Entry.symlink("l", "d/a.txt"));
        NodePlan p = plan(t, t, DELETE);
        assertThat(p.changes()).isEmpty();
        assertThat(p.staleTemps()).isEmpty();
        assertThat(p.isEmpty()).isTrue();
        assertThat(p.created()).isZero();
        assertThat(p.updated()).isZero();
        assertThat(p.deleted()).isZero();
        assertThat(p.bytesToSend()).isZero();
    }

    @Test
    void newFileIsCreated() {
        Entry a = Entry.file("a.txt", 42, T, 0644);
        NodePlan p = plan(tree(a), tree(), DEFAULT);
        assertThat(p.changes()).containsExactly(new CreateFile(a));
        assertThat(codes(p)).containsExactly("<f+++++++++");
        assertThat(lines(p)).containsExactly("<f+++++++++ a.txt");
        assertThat(p.filesToSend()).containsExactly(new CreateFile(a));
    }

    @Test
    void sizeChangeIsAnUpdate() {
        Entry src = Entry.file("a.txt", 43, T, 0644);
        Entry old = Entry.file("a.txt", 42, T, 0644);
        NodePlan p = plan(tree(src), tree(old), DEFAULT);
        assertThat(p.changes()).containsExactly(new UpdateFile(src, old));
        assertThat(codes(p)).containsExactly("<f.s.......");
        assertThat(lines(p)).containsExactly("<f.s....... a.txt");
    }

    @Test
    void sizeTimeAndModeChangeShowAllThree() {
        Entry src = Entry.file("a.txt", 43, T, 0644);
        Entry old = Entry.file("a.txt", 42, T - 1, 0600);
        NodePlan p = plan(tree(src), tree(old), DEFAULT);
        assertThat(codes(p)).containsExactly("<f.stp.....");
    }

    @Test
    void mtimeOnlyChangeIsAnUpdateByTheQuickCheck() {
        Entry src = Entry.file("a.txt", 42, T, 0644);
        Entry old = Entry.file("a.txt", 42, T - 60, 0644);
        NodePlan p = plan(tree(src), tree(old), DEFAULT);
        assertThat(p.changes()).containsExactly(new UpdateFile(src, old));
        assertThat(codes(p)).containsExactly("<f..t......");
    }

    @Test
    void modeOnlyChangeIsFixedInPlace() {
        Entry src = Entry.file("a.txt", 42, T, 0644);
        Entry old = Entry.file("a.txt", 42, T, 0600);
        NodePlan p = plan(tree(src), tree(old), DEFAULT);
        assertThat(p.changes()).containsExactly(new SetAttrs(src, old));
        assertThat(codes(p)).containsExactly(".f...p.....");
        assertThat(lines(p)).containsExactly(".f...p..... a.txt");
        SetAttrs sa = (SetAttrs) p.changes().get(0);
        assertThat(sa.diffs()).containsExactly(Diff.MODE);
        assertThat(p.filesToSend()).isEmpty();
        assertThat(p.bytesToSend()).isZero();
    }

    @Test
    void checksumSameContentDifferentMtimeOnlySetsAttributes() {
        Entry src = Entry.file("a.txt", 42, T, 0644).withSha256("aa".repeat(32));
        Entry old = Entry.file("a.txt", 42, T - 60, 0644).withSha256("aa".repeat(32));
        NodePlan p = plan(tree(src), tree(old), CHECKSUM);
        assertThat(p.changes()).containsExactly(new SetAttrs(src, old));
        assertThat(codes(p)).containsExactly(".f..t......");
        assertThat(p.bytesToSend()).isZero();
    }

    @Test
    void checksumSameSizeDifferentContentIsAnUpdate() {
        Entry src = Entry.file("a.txt", 42, T, 0644).withSha256("aa".repeat(32));
        Entry old = Entry.file("a.txt", 42, T, 0644).withSha256("bb".repeat(32));
        NodePlan p = plan(tree(src), tree(old), CHECKSUM);
        assertThat(p.changes()).containsExactly(new UpdateFile(src, old));
        assertThat(codes(p)).containsExactly("<fc........");

        Entry older = Entry.file("a.txt", 42, T - 1, 0644).withSha256("bb".repeat(32));
        assertThat(codes(plan(tree(src), tree(older), CHECKSUM))).containsExactly("<fc.t......");
    }

    @Test
    void checksumIdenticalFileIsUnchanged() {
        Entry src = Entry.file("a.txt", 42, T, 0644).withSha256("aa".repeat(32));
        assertThat(plan(tree(src), tree(src), CHECKSUM).changes()).isEmpty();
    }

    @Test
    void checksumWithoutANodeHashSendsTheFile() {
        Entry src = Entry.file("a.txt", 42, T, 0644).withSha256("aa".repeat(32));
        Entry old = Entry.file("a.txt", 42, T, 0644);
        NodePlan p = plan(tree(src), tree(old), CHECKSUM);
        assertThat(p.changes()).containsExactly(new UpdateFile(src, old));
        assertThat(codes(p)).containsExactly("<f.........");
    }

    @Test
    void withoutChecksumHashesAreIgnored() {
        Entry src = Entry.file("a.txt", 42, T, 0644).withSha256("aa".repeat(32));
        Entry old = Entry.file("a.txt", 42, T, 0644).withSha256("bb".repeat(32));
        assertThat(plan(tree(src), tree(old), DEFAULT).changes()).isEmpty();
    }

    // ---- directories ----

    @Test
    void newDirectoryIsMadeBeforeItsChildren() {
        Entry d = Entry.dir("d", T, 0755);
        Entry e = Entry.dir("d/e", T, 0700);
        Entry x = Entry.file("d/x", 1, T, 0644);
        Entry y = Entry.file("d/e/y", 2, T, 0644);
        NodePlan p = plan(tree(x, y, e, d), tree(), DEFAULT);
        assertThat(p.changes()).containsExactly(new Mkdir(d), new Mkdir(e), new CreateFile(y), new CreateFile(x));
        assertThat(lines(p)).containsExactly(
                "cd+++++++++ d/",
                "cd+++++++++ d/e/",
                "<f+++++++++ d/e/y",
                "<f+++++++++ d/x");
    }

    @Test
    void parentsComeBeforeChildrenEvenWhenASiblingSortsBetween() {
        // '-' (0x2d) and ' ' sort before '/' (0x2f): "a b" and "a-b" lie between "a" and "a/c".
        Entry a = Entry.dir("a", T, 0755);
        Entry ab = Entry.file("a-b", 1, T, 0644);
        Entry sp = Entry.file("a b", 1, T, 0644);
        Entry ac = Entry.file("a/c", 1, T, 0644);
        NodePlan p = plan(tree(ac, ab, sp, a), tree(), DEFAULT);
        assertThat(p.changes()).containsExactly(new Mkdir(a), new CreateFile(sp), new CreateFile(ab),
                new CreateFile(ac));
    }

    @Test
    void wholeTreeIntoAnAbsentDestinationMakesTheRootToo() {
        Entry f = Entry.file("f", 3, T, 0644);
        NodePlan p = plan(tree(f), Manifest.empty(), DEFAULT);
        assertThat(p.changes()).containsExactly(new Mkdir(ROOT), new CreateFile(f));
        assertThat(lines(p)).containsExactly("cd+++++++++ ./", "<f+++++++++ f");
    }

    @Test
    void directoryModeChangeSetsAttributes() {
        Entry src = Entry.dir("d", T, 0755);
        Entry old = Entry.dir("d", T, 0700);
        NodePlan p = plan(tree(src), tree(old), DEFAULT);
        assertThat(p.changes()).containsExactly(new SetAttrs(src, old));
        assertThat(lines(p)).containsExactly(".d...p..... d/");
    }

    @Test
    void directoryMtimeChangeSetsAttributes() {
        Entry src = Entry.dir("d", T, 0755);
        Entry old = Entry.dir("d", T + 9, 0755);
        assertThat(lines(plan(tree(src), tree(old), DEFAULT))).containsExactly(".d..t...... d/");
    }

    @Test
    void rootAttributesAreSetOnlyWithRootAttrs() {
        Entry srcRoot = Entry.dir("", T, 0755);
        Entry nodeRoot = Entry.dir("", T - 100, 0700);
        Manifest source = new Manifest(Map.of("", srcRoot));
        Manifest node = new Manifest(Map.of("", nodeRoot));

        NodePlan with = plan(source, node, DEFAULT);
        assertThat(with.changes()).containsExactly(new SetAttrs(srcRoot, nodeRoot));
        assertThat(lines(with)).containsExactly(".d..tp..... .");

        NodePlan without = plan(source, node, new PlanOptions(false, false, false, ExcludeRules.none()));
        assertThat(without.changes()).isEmpty();
        assertThat(without.isEmpty()).isTrue();
    }

    // ---- symlinks ----

    @Test
    void newSymlinkIsMade() {
        Entry l = Entry.symlink("l", "../target");
        NodePlan p = plan(tree(l), tree(), DEFAULT);
        assertThat(p.changes()).containsExactly(new MakeSymlink(l, null));
        assertThat(lines(p)).containsExactly("cL+++++++++ l -> ../target");
        assertThat(p.created()).isEqualTo(1);
        assertThat(p.updated()).isZero();
        assertThat(p.filesToSend()).isEmpty();
    }

    @Test
    void symlinkWithAnotherTargetIsReplaced() {
        Entry l = Entry.symlink("l", "new");
        Entry old = Entry.symlink("l", "old");
        NodePlan p = plan(tree(l), tree(old), DEFAULT);
        assertThat(p.changes()).containsExactly(new MakeSymlink(l, old));
        // rsync: 'c' in the checksum column means "the link's value changed".
        assertThat(lines(p)).containsExactly("cLc........ l -> new");
        assertThat(p.created()).isZero();
        assertThat(p.updated()).isEqualTo(1);
    }

    @Test
    void symlinkWithTheSameTargetIsUnchanged() {
        Entry l = Entry.symlink("l", "same");
        assertThat(plan(tree(l), tree(Entry.symlink("l", "same")), DELETE).changes()).isEmpty();
    }

    // ---- type changes ----

    @Test
    void nodeFileWhereTheSourceHasADirectoryIsDeletedFirstEvenWithoutDelete() {
        Entry oldX = Entry.file("x", 5, T, 0644);
        Entry x = Entry.dir("x", T, 0755);
        Entry f = Entry.file("x/f", 7, T, 0644);
        NodePlan p = plan(tree(x, f), tree(oldX), DEFAULT);
        assertThat(p.changes()).containsExactly(new Delete(oldX, true), new Mkdir(x), new CreateFile(f));
        assertThat(lines(p)).containsExactly("*deleting   x", "cd+++++++++ x/", "<f+++++++++ x/f");
        assertThat(p.deleted()).isEqualTo(1);
        assertThat(p.created()).isEqualTo(2);
    }

    @Test
    void nodeDirectoryWithChildrenWhereTheSourceHasAFileIsClearedChildrenFirst() {
        Entry oldX = Entry.dir("x", T, 0755);
        Entry a = Entry.file("x/a", 1, T, 0644);
        Entry s = Entry.dir("x/s", T, 0755);
        Entry b = Entry.file("x/s/b", 1, T, 0644);
        Entry sibling = Entry.file("x-sibling", 1, T, 0644); // sorts between x and x/a, not in x
        Entry x = Entry.file("x", 9, T, 0644);
        Manifest source = tree(x, sibling);
        Manifest node = tree(oldX, a, s, b, sibling);
        List<Change> expected = List.of(new Delete(b, true), new Delete(s, true), new Delete(a, true),
                new Delete(oldX, true), new CreateFile(x));

        // With delete on, the cleared entries are not deleted a second time.
        assertThat(plan(source, node, DELETE).changes()).containsExactlyElementsOf(expected);
        assertThat(lines(plan(source, node, DELETE))).containsExactly(
                "*deleting   x/s/b", "*deleting   x/s/", "*deleting   x/a", "*deleting   x/",
                "<f+++++++++ x");
    }

    @Test
    void nodeDirectoryWhereTheSourceHasASymlinkIsCleared() {
        Entry oldX = Entry.dir("x", T, 0755);
        Entry a = Entry.file("x/a", 1, T, 0644);
        Entry l = Entry.symlink("x", "elsewhere");
        NodePlan p = plan(tree(l), tree(oldX, a), DELETE);
        assertThat(p.changes()).containsExactly(new Delete(a, true), new Delete(oldX, true),
                new MakeSymlink(l, null));
        assertThat(lines(p)).containsExactly("*deleting   x/a", "*deleting   x/", "cL+++++++++ x -> elsewhere");
    }

    @Test
    void withoutDeleteANonEmptyDirectoryIsNotReplacedByAFileOrALinkAndThePlanSaysSo() {
        // rsync: "cannot delete non-empty directory"; the entry is left, the node not in sync.
        Entry oldX = Entry.dir("x", T, 0755);
        Entry a = Entry.file("x/a", 1, T, 0644);
        Entry sibling = Entry.file("x-y", 1, T, 0644); // sorts between x and x/a
        Manifest node = tree(oldX, a, sibling);
        for (Entry src : List.of(Entry.file("x", 9, T, 0644), Entry.symlink("x", "x-y"))) {
            NodePlan p = plan(tree(src, sibling), node, DEFAULT);
            assertThat(p.changes()).as(src.type().name()).isEmpty();
            assertThat(p.removed()).isZero();
            assertThat(p.warnings()).containsExactly("x/ is a directory on the node that is not empty, and the source has a "
                    + src.type().name().toLowerCase(Locale.ROOT) + " there: cannot delete non-empty directory"
                    + " without --delete, left as it is");
        }
    }

    @Test
    void withoutDeleteAnEmptyDirectoryIsReplacedAsRsyncDoes() {
        Entry oldX = Entry.dir("x", T, 0755);
        Entry sibling = Entry.file("x-y", 1, T, 0644); // not inside x although it sorts right after it
        Entry x = Entry.file("x", 9, T, 0644);
        NodePlan p = plan(tree(x, sibling), tree(oldX, sibling), DEFAULT);
        assertThat(p.changes()).containsExactly(new Delete(oldX, true), new CreateFile(x));
        assertThat(p.warnings()).isEmpty();
        assertThat(p.removed()).isEqualTo(1);
    }

    @Test
    void everyEntryATypeChangeTakesOffTheNodeIsCountedAsRemoved() {
        List<Entry> node = new ArrayList<>(List.of(Entry.dir("big", T, 0755), Entry.file("f", 1, T, 0644),
                Entry.file("g", 1, T, 0644), Entry.symlink("l", "f"), Entry.file("same", 1, T, 0644)));
        for (int i = 0; i < 40; i++) {
            node.add(Entry.file("big/f" + i, 1, T, 0644));
        }
        Manifest source = tree(Entry.symlink("big", "other"), // a directory of 40 for a link: 41
                Entry.dir("f", T, 0755),                         // a file for a directory: 1
                Entry.symlink("g", "f"),                          // a file for a link (one rename): 1
                Entry.file("l", 1, T, 0644),                      // a link for a file: 1
                Entry.file("same", 2, T, 0644));                  // an update removes nothing
        NodePlan p = plan(source, tree(node.toArray(Entry[]::new)), DELETE);
        assertThat(p.removed()).isEqualTo(44);
        assertThat(p.removedByTypeChanges()).isEqualTo(44);
        assertThat(p.deleted()).isEqualTo(43); // the report's count: the link over g is an update
        assertThat(p.deletes()).isEmpty();
    }

    @Test
    void nodeFileWhereTheSourceHasASymlinkIsReplacedWithoutAForcedDelete() {
        Entry oldX = Entry.file("x", 3, T, 0644);
        Entry l = Entry.symlink("x", "target");
        NodePlan p = plan(tree(l), tree(oldX), DEFAULT);
        assertThat(p.changes()).containsExactly(new MakeSymlink(l, oldX));
        assertThat(lines(p)).containsExactly("cL+++++++++ x -> target");
        assertThat(p.deleted()).isZero();
        assertThat(p.updated()).isEqualTo(1);
    }

    @Test
    void nodeSymlinkWhereTheSourceHasAFileOrDirectoryIsDeletedFirst() {
        Entry oldF = Entry.symlink("f", "t");
        Entry oldD = Entry.symlink("d", "t");
        Entry f = Entry.file("f", 4, T, 0644);
        Entry d = Entry.dir("d", T, 0755);
        NodePlan p = plan(tree(f, d), tree(oldF, oldD), DEFAULT);
        assertThat(p.changes()).containsExactly(new Delete(oldD, true), new Mkdir(d),
                new Delete(oldF, true), new CreateFile(f));
    }

    @Test
    void forcedDeletesPrecedeTheEntryThatTakesTheirPlace() {
        // Several type changes at once: each forced delete comes before its replacement, children first.
        Entry oldA = Entry.file("a", 1, T, 0644);
        Entry oldB = Entry.dir("b", T, 0755);
        Entry oldBc = Entry.file("b/c", 1, T, 0644);
        Manifest node = tree(oldA, oldB, oldBc);
        Entry a = Entry.dir("a", T, 0755);
        Entry b = Entry.file("b", 2, T, 0644);
        NodePlan p = plan(tree(a, b), node, DELETE);
        assertThat(p.changes()).containsExactly(new Delete(oldA, true), new Mkdir(a),
                new Delete(oldBc, true), new Delete(oldB, true), new CreateFile(b));
        // Without delete, only the file gives way: b/ is not empty.
        assertThat(plan(tree(a, b), node, DEFAULT).changes()).containsExactly(new Delete(oldA, true), new Mkdir(a));
        assertThat(p.changes()).filteredOn(c -> c instanceof Delete).allMatch(c -> ((Delete) c).forced());
    }

    // ---- deletes ----

    @Test
    void withoutDeleteExtraNodeEntriesAreLeftAlone() {
        Manifest node = tree(Entry.file("old.txt", 1, T, 0644), Entry.dir("olddir", T, 0755),
                Entry.file("olddir/f", 1, T, 0644), Entry.symlink("oldlink", "x"));
        NodePlan p = plan(tree(), node, DEFAULT);
        assertThat(p.changes()).isEmpty();
    }

    @Test
    void withDeleteExtrasAreDeletedChildrenFirst() {
        Entry gone = Entry.dir("gone", T, 0755);
        Entry goneA = Entry.file("gone/a", 1, T, 0644);
        Entry sub = Entry.dir("gone/sub", T, 0755);
        Entry subB = Entry.file("gone/sub/b", 1, T, 0644);
        Entry goneDash = Entry.file("gone-too", 1, T, 0644);
        Entry z = Entry.file("z.txt", 1, T, 0644);
        Entry link = Entry.symlink("lnk", "z.txt");
        Entry keep = Entry.file("keep", 1, T, 0644);
        NodePlan p = plan(tree(keep), tree(keep, gone, goneA, sub, subB, goneDash, z, link), DELETE);
        assertThat(p.changes()).containsExactly(new Delete(z, false), new Delete(link, false),
                new Delete(subB, false), new Delete(sub, false), new Delete(goneA, false),
                new Delete(goneDash, false), new Delete(gone, false));
        assertThat(lines(p)).containsExactly("*deleting   z.txt", "*deleting   lnk", "*deleting   gone/sub/b",
                "*deleting   gone/sub/", "*deleting   gone/a", "*deleting   gone-too", "*deleting   gone/");
        assertThat(p.deleted()).isEqualTo(7);
    }

    @Test
    void excludedNodeEntriesAreNeverDeleted() {
        ExcludeRules ex = ExcludeRules.of(List.of("*.swp", "cache/", "/private"));
        PlanOptions opts = new PlanOptions(true, false, true, ex);
        Entry swp = Entry.file("d/.x.swp", 1, T, 0600);
        Entry d = Entry.dir("d", T, 0755);
        Entry cache = Entry.dir("w/cache", T, 0755);
        Entry w = Entry.dir("w", T, 0755);
        Entry cached = Entry.file("w/cache/big", 100, T, 0644);
        Entry deep = Entry.file("w/cache/sub/deep", 100, T, 0644);
        Entry cacheSub = Entry.dir("w/cache/sub", T, 0755);
        Entry priv = Entry.dir("private", T, 0700);
        Entry privFile = Entry.file("private/key", 1, T, 0600);
        Entry cacheFile = Entry.file("w/cache2", 1, T, 0644);   // not the excluded name
        Entry fileNamedCache = Entry.file("d/cache", 1, T, 0644); // "cache/" matches directories only
        Entry extra = Entry.file("extra.txt", 1, T, 0644);
        Manifest source = tree(d, w);
        Manifest node = tree(d, w, swp, cache, cached, cacheSub, deep, priv, privFile, cacheFile,
                fileNamedCache, extra);
        NodePlan p = plan(source, node, opts);
        assertThat(p.changes()).containsExactly(new Delete(cacheFile, false), new Delete(extra, false),
                new Delete(fileNamedCache, false));
    }

    @Test
    void staleTempsArePassedThrough() {
        List<String> temps = List.of(".tlclb.abcdefghijklmnop.tmp", "d/.tlclb.qrstuvwxyz234567.tmp");
        NodePlan p = Planner.plan(tree(), tree(), temps, DELETE);
        assertThat(p.changes()).isEmpty();
        assertThat(p.staleTemps()).containsExactlyElementsOf(temps);
        assertThat(p.isEmpty()).isFalse();
    }

    // ---- counts ----

    @Test
    void countsByKindOfChange() {
        Entry mk = Entry.dir("newdir", T, 0755);
        Entry created = Entry.file("newdir/n", 100, T, 0644);
        Entry link = Entry.symlink("newlink", "n");
        Entry upd = Entry.file("u", 1000, T, 0644);
        Entry updOld = Entry.file("u", 10, T, 0644);
        Entry attr = Entry.file("m", 5, T, 0600);
        Entry attrOld = Entry.file("m", 5, T, 0644);
        Entry relink = Entry.symlink("rl", "b");
        Entry relinkOld = Entry.symlink("rl", "a");
        Entry extra = Entry.file("extra", 77, T, 0644);
        NodePlan p = plan(tree(mk, created, link, upd, attr, relink),
                tree(updOld, attrOld, relinkOld, extra), DELETE);
        assertThat(p.created()).isEqualTo(3);      // Mkdir, CreateFile, MakeSymlink of a new name
        assertThat(p.updated()).isEqualTo(3);      // UpdateFile, SetAttrs, MakeSymlink over an old link
        assertThat(p.deleted()).isEqualTo(1);
        assertThat(p.bytesToSend()).isEqualTo(1100);
        assertThat(p.filesToSend()).containsExactly(new CreateFile(created), new UpdateFile(upd, updOld));
    }

    @Test
    void threeChangedTwoAddedTwoDeletedFiles() {
        List<Entry> node = new ArrayList<>();
        List<Entry> source = new ArrayList<>();
        Entry dir = Entry.dir("site", T, 0755);
        node.add(dir);
        source.add(dir);
        for (String n : List.of("a", "b", "c")) {
            node.add(Entry.file("site/" + n, 100, T - 10, 0644));
            source.add(Entry.file("site/" + n, 200, T, 0644));                 // changed: 3 x 200 bytes
        }
        for (String n : List.of("same1", "same2")) {
            node.add(Entry.file("site/" + n, 50, T, 0644));
            source.add(Entry.file("site/" + n, 50, T, 0644));                  // unchanged
        }
        source.add(Entry.file("site/new1", 30, T, 0644));                       // added
        source.add(Entry.file("new2", 40, T, 0644));                            // added
        node.add(Entry.file("site/gone1", 5, T, 0644));                         // deleted
        node.add(Entry.file("gone2", 6, T, 0644));                              // deleted

        NodePlan p = plan(tree(source.toArray(Entry[]::new)), tree(node.toArray(Entry[]::new)), DELETE);
        assertThat(p.created()).isEqualTo(2);
        assertThat(p.updated()).isEqualTo(3);
        assertThat(p.deleted()).isEqualTo(2);
        assertThat(p.bytesToSend()).isEqualTo(3 * 200 + 30 + 40);
        assertThat(p.changes()).hasSize(7);
        assertThat(lines(p)).containsExactly(
                "<f+++++++++ new2",
                "<f.st...... site/a",
                "<f.st...... site/b",
                "<f.st...... site/c",
                "<f+++++++++ site/new1",
                "*deleting   site/gone1",
                "*deleting   gone2");
    }

    // ---- display ----

    @Test
    void itemizeEscapesControlCharactersAndMarksDirectories() {
        Entry nl = Entry.file("a\nb", 1, T, 0644);
        Entry tab = Entry.file("t\tab", 1, T, 0644);
        Entry dir = Entry.dir("new dir", T, 0755);
        Entry nlDir = Entry.dir("x\ny", T, 0755);
        Entry uni = Entry.file("café/日本", 1, T, 0644);
        Entry cafe = Entry.dir("café", T, 0755);
        NodePlan p = plan(tree(nl, tab, dir, nlDir, uni, cafe), tree(), DEFAULT);
        assertThat(lines(p)).containsExactlyInAnyOrder(
                "<f+++++++++ a\\#012b",
                "<f+++++++++ t\\#011ab",
                "cd+++++++++ new dir/",
                "cd+++++++++ x\\#012y/",
                "cd+++++++++ café/",
                "<f+++++++++ café/日本");
        assertThat(new Delete(nlDir, false).itemize()).isEqualTo("*deleting   x\\#012y/");
        assertThat(new MakeSymlink(Entry.symlink("l", "a\nb"), null).itemize())
                .isEqualTo("cL+++++++++ l -> a\\#012b");
        assertThat(p.changes()).allSatisfy(c -> assertThat(c.code()).hasSize(11));
    }

    // ---- times beyond SFTP, symlink times, hard links ----

    private static PlanOptions links(Map<String, List<String>> groups, Map<String, String> sameFile, boolean linkTimes) {
        return new PlanOptions(false, false, true, ExcludeRules.none(), HardLinks.of(groups), sameFile, linkTimes);
    }

    @Test
    void timesBeforeNineteenSeventyAndAfterTwentyOneSixAreComparedAsTheyAre() {
        long sixties = -315619200L;
        long far = 7258118400L;
        Manifest src = tree(Entry.dir("old", sixties, 0755), Entry.file("old/f", 3, sixties, 0644),
                Entry.file("far", 3, far, 0644));
        assertThat(plan(src, src, DEFAULT).changes()).isEmpty();
        // What a listing shows before the node's true time is read: the low 32 bits differ from the source's time.
        Manifest listed = tree(Entry.dir("old", sixties & 0xFFFFFFFFL, 0755),
                Entry.file("old/f", 3, sixties & 0xFFFFFFFFL, 0644), Entry.file("far", 3, far & 0xFFFFFFFFL, 0644));
        assertThat(lines(plan(src, listed, DEFAULT))).containsExactly("<f..t...... far", ".d..t...... old/",
                "<f..t...... old/f");
    }

    @Test
    void aSymlinksOwnTimeIsComparedOnlyWhereTheNodeCanSetIt() {
        Manifest src = tree(Entry.symlink("l", "t", T));
        Manifest node = tree(Entry.symlink("l", "t", T + 60));
        assertThat(plan(src, node, DEFAULT).changes()).as("the node cannot set it: not compared").isEmpty();
        NodePlan p = plan(src, node, links(Map.of(), Map.of(), true));
        assertThat(lines(p)).containsExactly(".L..t...... l");
        assertThat(p.linkAttrs()).hasSize(1);
        assertThat(p.fileAttrs()).isEmpty();
        assertThat(plan(src, src, links(Map.of(), Map.of(), true)).changes()).isEmpty();
    }

    @Test
    void namesOfOneFileAreSentOnceAndLinkedAndLinkedNamesAreLeftAlone() {
        Map<String, List<String>> group = Map.of("k", List.of("a", "d/b", "d/c"));
        Manifest src = tree(Entry.file("a", 5, T, 0644), Entry.dir("d", T, 0755), Entry.file("d/b", 5, T, 0644),
                Entry.file("d/c", 5, T, 0644));
        NodePlan first = plan(src, tree(), links(group, Map.of(), false));
        assertThat(lines(first)).containsExactly("<f+++++++++ a", "cd+++++++++ d/", "hf+++++++++ d/b => a",
                "hf+++++++++ d/c => a");
        assertThat(first.filesToSend()).extracting(Change::path).containsExactly("a");
        assertThat(first.bytesToSend()).isEqualTo(5);
        assertThat(first.created()).isEqualTo(4);
        // Linked on the node as in the source: nothing to do.
        Map<String, String> linked = Map.of("a", "a", "d/b", "a", "d/c", "a");
        assertThat(plan(src, src, links(group, linked, false)).changes()).isEmpty();
        // d/c is a file of its own on the node (same size and time): it is linked again.
        Map<String, String> apart = Map.of("a", "a", "d/b", "a", "d/c", "d/c");
        assertThat(lines(plan(src, src, links(group, apart, false)))).containsExactly("hf......... d/c => a");
        // Unknown (the node's stat could not tell): linked again, never taken as linked.
        assertThat(lines(plan(src, src, links(group, Map.of(), false)))).containsExactly("hf......... d/b => a",
                "hf......... d/c => a");
    }

    @Test
    void aChangeThroughOneNameSendsTheLeaderOnceAndLinksEveryOtherNameToTheNewFile() {
        Map<String, List<String>> group = Map.of("k", List.of("a", "b"));
        Manifest node = tree(Entry.file("a", 5, T, 0644), Entry.file("b", 5, T, 0644));
        Manifest src = tree(Entry.file("a", 6, T + 9, 0644), Entry.file("b", 6, T + 9, 0644));
        NodePlan p = plan(src, node, links(group, Map.of("a", "a", "b", "a"), false));
        assertThat(lines(p)).containsExactly("<f.st...... a", "hf......... b => a");
        assertThat(p.updated()).isEqualTo(2);
        assertThat(p.links()).singleElement().satisfies(l -> assertThat(l.replacesFile()).isTrue());
    }

    @Test
    void aNameWhereTheNodeHasADirectoryIsClearedBeforeItIsLinked() {
        Map<String, List<String>> group = Map.of("k", List.of("a", "b"));
        Manifest src = tree(Entry.file("a", 5, T, 0644), Entry.file("b", 5, T, 0644));
        Manifest node = tree(Entry.file("a", 5, T, 0644), Entry.dir("b", T, 0755), Entry.file("b/x", 1, T, 0644));
        PlanOptions delete = new PlanOptions(true, false, true, ExcludeRules.none(), HardLinks.of(group),
                Map.of("a", "a"), false);
        NodePlan p = plan(src, node, delete);
        assertThat(lines(p)).containsExactly("*deleting   b/x", "*deleting   b/", "hf+++++++++ b => a");
        assertThat(plan(src, node, links(group, Map.of("a", "a"), false)).warnings()).singleElement().asString()
                .startsWith("b/ is a directory on the node that is not empty");
    }
}
