package org.tlclb.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmallFilesTest {
    private static final StageItem A = StageItem.underOwnName("d/a", "d");
    private static final StageItem B = StageItem.underOwnName("d/b", "d");

    private static SmallFiles.Content content(int size) {
        return new SmallFiles.Content(new byte[size], 1_700_000_000L, 0644);
    }

    @Test
    void aFileReadByOneNodeIsTakenByEachOtherNodeOnceThenLetGo() {
        SmallFiles files = new SmallFiles(3);
        assertThat(files.take(A)).isNull();
        SmallFiles.Content c = content(10);
        files.offer(A, c);
        assertThat(files.take(A)).isSameAs(c);
        assertThat(files.take(A)).isSameAs(c);
        assertThat(files.take(A)).as("all three nodes had it: released").isNull();
        assertThat(files.take(B)).isNull();
    }

    @Test
    void twoNodesReadingTheSameFileAtOnceLeaveOneCopyForTheRest() {
        SmallFiles files = new SmallFiles(3);
        SmallFiles.Content first = content(10);
        files.offer(A, first);
        files.offer(A, content(10)); // the second reader is one of the users
        assertThat(files.take(A)).isSameAs(first);
        assertThat(files.take(A)).isNull();
    }

    @Test
    void aSingleNodeCachesNothing() {
        SmallFiles files = new SmallFiles(1);
        files.offer(A, content(10));
        assertThat(files.take(A)).isNull();
    }

    @Test
    void theCacheStaysWithinItsBudget() {
        SmallFiles files = new SmallFiles(2);
        int n = 0;
        for (int i = 0; i < 1000; i++) {
            StageItem item = StageItem.underOwnName("f" + i, "");
            files.offer(item, content(SmallFiles.MAX_FILE));
        }
        for (int i = 0; i < 1000; i++) {
            if (files.take(StageItem.underOwnName("f" + i, "")) != null) {
                n++;
            }
        }
        assertThat(n).as("64 KB files held at once").isEqualTo(512);
    }
}
