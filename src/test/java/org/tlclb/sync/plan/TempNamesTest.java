package org.tlclb.sync.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TempNamesTest {

    @Test
    void nameHasTheDocumentedShape() {
        String name = TempNames.next();
        assertThat(name).matches("\\.tlclb\\.[a-z2-7]{16}\\.tmp");
        // Short enough to sit beside a 255-byte target name in any directory.
        assertThat(name).hasSize(27);
        assertThat(TempNames.isTemp(name)).isTrue();
    }

    @Test
    void tenThousandNamesAreAllDistinctAndRecognised() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String name = TempNames.next();
            assertThat(TempNames.isTemp(name)).as(name).isTrue();
            seen.add(name);
        }
        assertThat(seen).hasSize(10_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            ".tlclb.abcdefghijklmnop.tm",     // wrong suffix
            ".tlclb.abcdefghijklmnop.tmpx",
            ".tlclb.abcdefghijklmnop.tmp\n", // trailing newline
            "tlclb.abcdefghijklmnop.tmp",     // no leading dot
            "x.tlclb.abcdefghijklmnop.tmp",   // prefix
            ".tlclb.abcdefghijklmno.tmp",     // 15 random characters
            ".tlclb.abcdefghijklmnopq.tmp",   // 17 random characters
            ".tlclb.ABCDEFGHIJKLMNOP.tmp",    // upper case is not in the alphabet
            ".tlclb.abcdefghijklmno1.tmp",    // 0, 1, 8, 9 are not base32
            ".tlclb.abcdefghijklmno8.tmp",
            ".tlclb.abcdefghijklmn-p.tmp",
            ".tlclb-abcdefghijklmnop.tmp",
            "dir/.tlclb.abcdefghijklmnop.tmp", // a path, not a name
            ".tlclb-backup",
    })
    void nearMissesAreNotTemporaryNames(String name) {
        assertThat(TempNames.isTemp(name)).isFalse();
    }

    @Test
    void backupDirectoryIsNotATemporaryName() {
        assertThat(TempNames.isTemp(TempNames.BACKUP_DIR)).isFalse();
        assertThat(TempNames.isTemp(".tlclb.abcdefghijklmnop.tmp")).isTrue();
        assertThat(TempNames.isTemp(".tlclb.234567qrstuvwxyz.tmp")).isTrue();
    }
}
