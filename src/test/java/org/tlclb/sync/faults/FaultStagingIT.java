package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.faults.FaultSupport.all;
import static org.tlclb.sync.faults.FaultSupport.push;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.it.Await;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/**
 * Faults during a run against embedded nodes: a node dies while files stream to it, the
 * destination is a file on one node, a source file shrinks or vanishes while it is sent.
 * SPEC 3.6 (all-or-nothing), SPEC 6 (exit 3 / 1), SPEC 8 (no temp files left, no truncated target).
 * A fault is injected when the test sees the product's staged file with bytes on the node (not
 * after a guessed delay); the big file streams under {@code --bwlimit}, so the fault surely lands
 * while it is being sent, with 1 MiB instead of the 100 MiB an unthrottled stream would need.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultStagingIT {
    static final String DEST = "/var/www/html";
    /** The file being sent when the fault strikes: BIG bytes at RATE per node, 1 s of streaming. */
    static final long BIG = 1L << 20;
    static final String RATE = "1M";
    /** How long a test waits for the stream it interrupts to begin. */
    static final Duration STREAM_BEGINS = Duration.ofSeconds(30);
    @RegisterExtension
    static final EmbeddedCluster cluster = EmbeddedCluster.perClass(3);
    Path conf;
    @TempDir
    Path tmp;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        conf = cluster.writeConfig("");
        src = tmp.resolve("src");
        for (int i = 0; i < 300; i++) {
            FaultSupport.write(src, "small/d" + (i % 10) + "/f" + i + ".txt", "version 1 of " + i);
        }
        FaultSupport.write(src, "index.html", "v1");
        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
    }

    private static Path www(int i) {
        return cluster.path(i, DEST);
    }

    private static boolean streamingToAll() {
        return Await.stagedFile(www(1)).isPresent() && Await.stagedFile(www(2)).isPresent()
                && Await.stagedFile(www(3)).isPresent();
    }

    @Test
    void aNodeKilledWhileStagingAbortsEverywhereAndTheNextRunConverges() throws Exception {
        TestFiles.random(src.resolve("big.bin"), BIG, 1);
        for (int i = 0; i < 300; i++) {
            FaultSupport.write(src, "small/d" + (i % 10) + "/f" + i + ".txt", "version 2, longer, of " + i);
        }
        // A directory no node has yet: staged as one temporary subtree, which must vanish too.
        for (int i = 0; i < 50; i++) {
            FaultSupport.write(src, "fresh/sub" + (i % 3) + "/n" + i + ".txt", "new " + i);
        }
        Map<String, String> before1 = FaultSupport.describeContent(www(1));
        Map<String, String> before3 = FaultSupport.describeContent(www(3));

        // Kill node 2 as soon as its first staged file has bytes in it.
        CompletableFuture<Void> killer = Await.inBackground("staging on node 2", STREAM_BEGINS,
                () -> Await.stagedFile(www(2)).isPresent(), () -> cluster.stop(2));
        EmbeddedCluster.Result r = push(conf, src, DEST, "--bwlimit", RATE);
        killer.get(STREAM_BEGINS.toSeconds(), TimeUnit.SECONDS); // fails unless node 2 was killed while staging
        assertThat(r.exit()).as(all(r)).isEqualTo(3);
        assertThat(r.out()).contains("node2");
        FaultSupport.assertNoStackTrace(r);
        for (int i : new int[] {1, 3}) {
            assertThat(FaultSupport.tempFiles(www(i))).as("node " + i + " temp files").isEmpty();
        }
        // Unchanged but for directory mtimes (a temp file came and went in them; the next run resets them).
        FaultSupport.assertSameEntries(FaultSupport.describeContent(www(1)), before1, "node 1");
        FaultSupport.assertSameEntries(FaultSupport.describeContent(www(3)), before3, "node 3");

        // Node 2 comes back with whatever the kill left; the next run converges, no leftovers.
        cluster.restart(2);
        r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        for (int i = 1; i <= 3; i++) {
            FaultSupport.assertSameEntries(TreeAssert.describe(www(i)), TreeAssert.describe(src), "node " + i);
            assertThat(FaultSupport.tempFiles(www(i))).as("node " + i + " temp files").isEmpty();
        }
    }

    @Test
    void aNodeWhoseDestinationIsAFileFailsClearly() throws Exception {
        // node 2's destination is replaced by a regular file
        FaultSupport.write(src, "new.txt", "new");
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        for (int i = 1; i <= 3; i++) {
            Files.createDirectories(cluster.path(i, "/srv"));
        }
        Files.writeString(cluster.path(2, "/srv/site"), "I am a file");
        EmbeddedCluster.Result r = push(conf, src, "/srv/site");
        assertThat(r.exit()).as(all(r)).isEqualTo(3);
        assertThat(r.out() + r.err()).contains("node2").containsIgnoringCase("not a directory");
        FaultSupport.assertNoStackTrace(r);
        for (int i : new int[] {1, 3}) {
            // No file arrived (an empty /srv/site may be left: see the disabled test below).
            assertThat(FaultSupport.snapshot(cluster.path(i, "/srv")).keySet()).isSubsetOf("", "site");
        }
        assertThat(cluster.path(2, "/srv/site")).hasContent("I am a file");

        r = push(conf, src, "/srv/site", "--partial-ok");
        assertThat(r.exit()).as(all(r)).isEqualTo(1);
        TreeAssert.assertSameTree(src, cluster.path(1, "/srv/site"));
        TreeAssert.assertSameTree(src, cluster.path(3, "/srv/site"));
        assertThat(cluster.path(2, "/srv/site")).hasContent("I am a file");
    }

    @Test
    void anAbortedRunLeavesNoNewDestinationDirectory() throws Exception {
        Files.createDirectories(cluster.path(1, "/srv"));
        Files.createDirectories(cluster.path(3, "/srv"));
        Files.createDirectories(cluster.path(2, "/srv"));
        Files.writeString(cluster.path(2, "/srv/site"), "I am a file");
        EmbeddedCluster.Result r = push(conf, src, "/srv/site");
        assertThat(r.exit()).as(all(r)).isEqualTo(3);
        assertThat(cluster.path(1, "/srv/site")).doesNotExist();
        assertThat(cluster.path(3, "/srv/site")).doesNotExist();
    }

    @Test
    void aDestinationSubdirectoryThatIsAFileOnOneNodeIsReplaced() throws Exception {
        // Not a fault of the node: the source says "small/d3" is a directory; node 2 has a file there.
        Path d3 = www(2).resolve("small/d3");
        try (Stream<Path> s = Files.walk(d3)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.writeString(d3, "a file where a directory belongs");
        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        TreeAssert.assertSameTree(src, www(2));
    }

    @Test
    void aSourceFileThatShrinksWhileSentIsSentAgainAsItNowIs() throws Exception {
        Path big = src.resolve("big.bin");
        TestFiles.random(big, BIG, 2);
        assertThat(push(conf, src, DEST).exit()).isZero();

        // Version 3 of the big file; truncated to a few bytes once every node is receiving it, so
        // that every node's stream sees the file shrink under it. The cut file then holds still.
        TestFiles.random(big, BIG, 3);
        CompletableFuture<Void> truncator = Await.inBackground("big.bin streaming to every node", STREAM_BEGINS,
                FaultStagingIT::streamingToAll, () -> {
                    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                        f.setLength(1000);
                    }
                });
        EmbeddedCluster.Result r = push(conf, src, DEST, "--bwlimit", RATE);
        truncator.get(STREAM_BEGINS.toSeconds(), TimeUnit.SECONDS);
        FaultSupport.assertNoStackTrace(r);
        // Never a mix: no version 3 cut short or padded with zeros. The torn send is not staged;
        // the file is read and sent again, and every node gets it as it now is, so all are in sync.
        assertThat(r.exit()).as(all(r)).isZero();
        assertThat(r.out() + r.err()).doesNotContain("not carried");
        for (int i = 1; i <= 3; i++) {
            TreeAssert.assertSameTree(src, www(i));
            assertThat(Files.size(www(i).resolve("big.bin"))).isEqualTo(1000);
            assertThat(FaultSupport.tempFiles(www(i))).isEmpty();
        }
        // The next run has nothing to send.
        r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        for (int i = 1; i <= 3; i++) {
            TreeAssert.assertSameTree(src, www(i));
        }
    }

    @Test
    void aSourceFileThatVanishesBeforeItIsSentIsSkippedWithAWarning() throws Exception {
        // a-big.bin is sent before z-last/ (names in order): while it streams, the later file goes.
        Path big = src.resolve("a-big.bin");
        TestFiles.random(big, BIG, 4);
        FaultSupport.write(src, "z-last/vanishing.txt", "here at scan time");
        CompletableFuture<Void> remover = Await.inBackground("a-big.bin streaming to every node", STREAM_BEGINS,
                FaultStagingIT::streamingToAll, () -> Files.delete(src.resolve("z-last/vanishing.txt")));
        EmbeddedCluster.Result r = push(conf, src, DEST, "--bwlimit", RATE);
        remover.get(STREAM_BEGINS.toSeconds(), TimeUnit.SECONDS);
        assertThat(src.resolve("z-last/vanishing.txt")).doesNotExist();
        assertThat(r.exit()).as("a vanished file is a warning: " + all(r)).isZero();
        assertThat(r.out() + r.err()).contains("vanishing.txt").containsIgnoringCase("vanished");
        for (int i = 1; i <= 3; i++) {
            assertThat(www(i).resolve("z-last/vanishing.txt")).doesNotExist();
            assertThat(Files.size(www(i).resolve("a-big.bin"))).isEqualTo(BIG);
            assertThat(FaultSupport.tempFiles(www(i))).isEmpty();
        }
    }
}
