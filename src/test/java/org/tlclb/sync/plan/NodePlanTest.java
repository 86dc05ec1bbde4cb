package org.tlclb.sync.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.scan.Entry;

/** The groups a plan hands the stager and the committer, sorted out once. */
class NodePlanTest {
    private static final long T = 1_700_000_000L;

    @Test
    void changesAreGroupedAndCountedOnce() {
        Entry dir = Entry.dir("d", T, 0755);
        Entry newFile = Entry.file("d/new", 5, T, 0644);
        Entry src = Entry.file("upd", 7, T, 0644);
        Entry old = Entry.file("upd", 6, T, 0644);
        Entry modeSrc = Entry.file("mode", 1, T, 0600);
        Entry modeOld = Entry.file("mode", 1, T, 0644);
        Entry gone = Entry.file("gone", 1, T, 0644);
        Entry inTheWay = Entry.dir("link", T, 0755);
        Entry link = Entry.symlink("link", "upd");
        NodePlan p = new NodePlan(List.of(new Change.Mkdir(dir), new Change.CreateFile(newFile),
                new Change.Delete(inTheWay, true), new Change.MakeSymlink(link, null), new Change.UpdateFile(src, old),
                new Change.SetAttrs(modeSrc, modeOld), new Change.Delete(gone, false)), List.of(".tlclb.x.tmp"));
        assertThat(p.mkdirs()).extracting(Change::path).containsExactly("d");
        assertThat(p.filesToSend()).extracting(Change::path).containsExactly("d/new", "upd");
        assertThat(p.forcedDeletes()).extracting(Change::path).containsExactly("link");
        assertThat(p.forced("link")).isTrue();
        assertThat(p.deletes()).extracting(Change::path).containsExactly("gone");
        assertThat(p.symlinks()).hasSize(1);
        assertThat(p.fileAttrs()).extracting(Change::path).containsExactly("mode");
        assertThat(p.dirAttrs()).isEmpty();
        assertThat(p.created()).isEqualTo(3);
        assertThat(p.updated()).isEqualTo(2);
        assertThat(p.deleted()).isEqualTo(2);
        assertThat(p.bytesToSend()).isEqualTo(12);
        assertThat(p.isEmpty()).isFalse();
    }

    @Test
    void theDifferencesAreFoundOnceAndRendered() {
        Entry src = Entry.file("a", 7, T + 1, 0600);
        Entry old = Entry.file("a", 6, T, 0644);
        Change.UpdateFile u = new Change.UpdateFile(src, old);
        assertThat(u.diffs()).isEqualTo(Set.of(Diff.SIZE, Diff.MTIME, Diff.MODE));
        assertThat(u.code()).isEqualTo("<f.stp.....");
        assertThat(u.replacesFile()).isTrue();
        assertThat(new Change.UpdateFile(src, Entry.symlink("a", "x")).code()).isEqualTo("<f+++++++++");
        assertThat(Diff.sameContent(src, old, false)).isFalse();
        assertThat(Diff.sameContent(src, Entry.file("a", 7, T + 1, 0644), false)).isTrue();
    }
}
