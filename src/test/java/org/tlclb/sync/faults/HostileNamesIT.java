package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.faults.FaultSupport.all;
import static org.tlclb.sync.faults.FaultSupport.push;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/**
 * SPEC 8 "file names are data": names with shell, glob, option and protocol meta-characters
 * arrive verbatim on embedded nodes (create, re-run, checksum run, delete), and nothing ever
 * interprets them. Names that are not UTF-8 are refused per file, the rest still arrives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileNamesIT {
    static final String DEST = "/var/www/html";
    @RegisterExtension
    static final EmbeddedCluster cluster = EmbeddedCluster.perClass(2);
    @TempDir
    Path tmp;
    Path conf;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        conf = cluster.writeConfig("");
        src = tmp.resolve("src");
        Files.createDirectories(src);
    }

    private void assertNotPwned(HostileTree t) {
        assertThat(t.pwned).as("a name was run by a shell on this machine").doesNotExist();
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(cluster.path(i, t.pwned.toString())).as("a name was run by a shell on node " + i)
                    .doesNotExist();
        }
    }

    @Test
    void hostileNamesArriveVerbatimAndAreNeverInterpreted() throws Exception {
        HostileTree t = HostileTree.build(src);
        Map<String, String> sourceBefore = TreeAssert.describe(src);

        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        FaultSupport.assertNoStackTrace(r);
        for (int i = 1; i <= 2; i++) {
            Path www = cluster.path(i, DEST);
            TreeAssert.assertSameTree(src, www);
            assertThat(FaultSupport.tempFiles(www)).isEmpty();
        }
        assertNotPwned(t);

        // Nothing to do the second time: the names read back from the node match the source's.
        r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        assertThat(r.out()).contains("created 0, updated 0, deleted 0");

        // --checksum hashes on the node (a remote command): the names must travel as data there too.
        Path changed = src.resolve("$(touch " + t.pwned + ")");
        FileTime mtime = Files.getLastModifiedTime(changed);
        byte[] same = Files.readAllBytes(changed);
        same[0] = (byte) (same[0] ^ 1);
        Files.write(changed, same);
        Files.setLastModifiedTime(changed, mtime);
        r = push(conf, src, DEST, "--checksum");
        assertThat(r.exit()).as(all(r)).isZero();
        assertThat(r.out()).as(all(r)).contains("updated 1");
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, cluster.path(i, DEST));
        }
        assertNotPwned(t);

        // --delete removes hostile names (files and whole hostile directories) and nothing else.
        FaultSupport.sh(src, "rm -rf ./'-leading-dash' ./*newline* ./'$(touch '*");
        r = push(conf, src, DEST, "--delete");
        assertThat(r.exit()).as(all(r)).isZero();
        for (int i = 1; i <= 2; i++) {
            Path www = cluster.path(i, DEST);
            TreeAssert.assertSameTree(src, www);
            assertThat(FaultSupport.tempFiles(www)).isEmpty();
        }
        assertNotPwned(t);
        assertThat(sourceBefore).isNotEmpty();
    }

    @Test
    void aNameThatIsNotUtf8IsNamedAsNotCarriedAndTheRestArrives() throws Exception {
        FaultSupport.write(src, "good.txt", "good");
        FaultSupport.write(src, "sub/also good.txt", "good too");
        Map<String, String> expected = TreeAssert.describe(src);
        // Java cannot name these; the shell can. A bad file, a bad directory with a file inside.
        FaultSupport.sh(src, "touch \"$(printf 'bad\\377name')\" && mkdir \"$(printf 'bad\\376dir')\""
                + " && echo x > \"$(printf 'bad\\376dir')/inside.txt\" && touch \"sub/$(printf 'x\\300y')\"");
        // the bad name in sub made its mtime now, which the description above may predate by a second
        Files.setLastModifiedTime(src.resolve("sub"), FileTime.from(Instant.ofEpochSecond(Long.parseLong(
                expected.get("sub").split(" ")[2]))));

        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as("a node that misses an entry is partial: " + all(r)).isEqualTo(1);
        FaultSupport.assertNoStackTrace(r);
        String text = r.out() + r.err();
        assertThat(text).contains("not valid UTF-8").contains("PARTIAL");
        // One warning per refused name (the bad directory's content is not listed one by one).
        assertThat(text.split("not valid UTF-8", -1).length - 1).as(text).isGreaterThanOrEqualTo(3);
        for (int i = 1; i <= 2; i++) {
            assertThat(TreeAssert.describe(cluster.path(i, DEST))).isEqualTo(expected);
        }
    }

    static boolean exists(Path p) throws IOException {
        return Files.exists(p);
    }
}
