package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.faults.FaultSupport.all;
import static org.tlclb.sync.faults.FaultSupport.push;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/**
 * Faults during a run against embedded nodes: a node dies while files stream to it, the
 * destination is a file on one node, a source file shrinks or vanishes while it is sent.
 * SPEC 3.6 (all-or-nothing), SPEC 6 (exit 3 / 1), SPEC 8 (no temp files left, no truncated target).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultStagingIT {
    static final String DEST = "/var/www/html";
    static final long BIG = 100L * 1024 * 1024;
    @TempDir
    Path tmp;
    EmbeddedCluster cluster;
    Path conf;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        cluster = EmbeddedCluster.start(tmp.resolve("cluster"), 3);
        conf = cluster.writeConfig("");
        src = tmp.resolve("src");
        for (int i = 0; i < 300; i++) {
            FaultSupport.write(src, "small/d" + (i % 10) + "/f" + i + ".txt", "version 1 of " + i);
        }
        FaultSupport.write(src, "index.html", "v1");
        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Path www(int i) {
        return cluster.path(i, DEST);
    }

    /** Incompressible bytes, fast: SSH may compress, zeros would be too easy. */
    /** The content hash of a TreeAssert description ("file MODE MTIME SHA256"). */
    private static String contentOf(String description) {
        return description.substring(description.lastIndexOf(' ') + 1);
    }

    static void bigFile(Path p, long size, long seed) throws IOException {
        Files.createDirectories(p.getParent());
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long left = size; left > 0; left -= buf.length) {
                for (int k = 0; k < buf.length; k += 8) {
                    long v = rnd.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buf[k + b] = (byte) (v >>> (8 * b));
                    }
                }
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
        Files.setLastModifiedTime(p, FileTime.from(FaultSupport.T0.plusSeconds(seed)));
    }

    private static boolean hasStagedBytes(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> {
                String n = p.getFileName().toString();
                try {
                    return n.startsWith(".tlclb.") && n.endsWith(".tmp") && Files.size(p) > 0;
                } catch (IOException gone) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aNodeKilledWhileStagingAbortsEverywhereAndTheNextRunConverges() throws Exception {
        bigFile(src.resolve("big.bin"), BIG, 1);
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
        AtomicBoolean killed = new AtomicBoolean();
        CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (hasStagedBytes(www(2))) {
                    cluster.stop(2);
                    killed.set(true);
                    return;
                }
                Thread.onSpinWait();
            }
        });
        EmbeddedCluster.Result r = push(conf, src, DEST);
        killer.get(70, TimeUnit.SECONDS);
        assertThat(killed).as("node 2 was killed during staging; " + all(r)).isTrue();
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
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.writeString(d3, "a file where a directory belongs");
        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        TreeAssert.assertSameTree(src, www(2));
    }

    @Test
    void aSourceFileThatShrinksWhileSentLeavesEachNodeAFileTheSourceReallyHeld() throws Exception {
        Path big = src.resolve("big.bin");
        bigFile(big, BIG, 2);
        assertThat(push(conf, src, DEST).exit()).isZero();
        Map<String, String> before = TreeAssert.describe(www(1));

        // Version 2 of the big file; truncate it to a few bytes as soon as the first node starts
        // receiving it (whichever node that is: their streams start independently).
        bigFile(big, BIG, 3);
        String whole = TreeAssert.describe(src).get("big.bin");
        AtomicLong truncatedAt = new AtomicLong(-1);
        CompletableFuture<Void> truncator = CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (hasStagedBytes(www(1)) || hasStagedBytes(www(2)) || hasStagedBytes(www(3))) {
                    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                        f.setLength(1000);
                        truncatedAt.set(System.nanoTime());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return;
                }
                Thread.onSpinWait();
            }
        });
        EmbeddedCluster.Result r = push(conf, src, DEST);
        truncator.get(70, TimeUnit.SECONDS);
        assertThat(truncatedAt.get()).as("truncated during the run; " + all(r)).isPositive();
        assertThat(r.exit()).as(all(r)).isIn(0, 1);
        FaultSupport.assertNoStackTrace(r);
        String shrunk = contentOf(TreeAssert.describe(src).get("big.bin"));
        int keptOld = 0;
        for (int i = 1; i <= 3; i++) {
            // Each node holds the file as the source was at one moment: the old version (its
            // stream saw the file shrink), the whole of version 3 (read before the truncation),
            // or the truncated file (read whole after it; the streams start independently).
            // Never a mix: no version 3 cut short or padded with zeros.
            String now = TreeAssert.describe(www(i)).get("big.bin");
            assertThat(contentOf(now)).as("node " + i + ": " + now)
                    .isIn(contentOf(before.get("big.bin")), contentOf(whole), shrunk);
            keptOld += now.equals(before.get("big.bin")) ? 1 : 0;
            assertThat(FaultSupport.tempFiles(www(i))).isEmpty();
        }
        if (keptOld > 0) {
            assertThat(r.out() + r.err()).contains("big.bin").containsIgnoringCase("changed while");
        }
        // The next run sends the file as it now is.
        r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        for (int i = 1; i <= 3; i++) {
            TreeAssert.assertSameTree(src, www(i));
        }
    }

    @Test
    void aSourceFileThatVanishesBeforeItIsSentIsSkippedWithAWarning() throws Exception {
        Path big = src.resolve("a-big.bin");
        bigFile(big, BIG, 4);
        FaultSupport.write(src, "z-last/vanishing.txt", "here at scan time");
        CompletableFuture<Void> remover = CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (hasStagedBytes(www(1)) || hasStagedBytes(www(2)) || hasStagedBytes(www(3))) {
                    try {
                        Files.delete(src.resolve("z-last/vanishing.txt"));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return;
                }
                Thread.onSpinWait();
            }
        });
        EmbeddedCluster.Result r = push(conf, src, DEST);
        remover.get(70, TimeUnit.SECONDS);
        assertThat(src.resolve("z-last/vanishing.txt")).doesNotExist();
        assertThat(r.exit()).as(all(r)).isIn(0, 1);
        assertThat(r.out() + r.err()).contains("vanishing.txt").containsIgnoringCase("vanished");
        for (int i = 1; i <= 3; i++) {
            assertThat(www(i).resolve("z-last/vanishing.txt")).doesNotExist();
            assertThat(Files.size(www(i).resolve("a-big.bin"))).isEqualTo(BIG);
            assertThat(FaultSupport.tempFiles(www(i))).isEmpty();
        }
    }
}
