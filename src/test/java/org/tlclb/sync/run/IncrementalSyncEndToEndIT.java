package org.tlclb.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Incremental sync, preview, atomicity, backups and rollback, against embedded nodes. */
class IncrementalSyncEndToEndIT {
    static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    @RegisterExtension
    static final EmbeddedCluster cluster = EmbeddedCluster.perClass(3);
    @TempDir
    Path tmp;
    Path src;
    Path conf;

    @BeforeEach
    void setUp() throws Exception {
        conf = cluster.writeConfig("");
        src = tmp.resolve("src");
        for (int i = 0; i < 20; i++) {
            write("dir" + (i % 4) + "/f" + i + ".txt", "content " + i);
        }
        assertThat(push().exit()).isZero();
    }

    private void write(String rel, String content) throws Exception {
        Path p = src.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setLastModifiedTime(p, FileTime.from(T0));
    }

    private EmbeddedCluster.Result push(String... extra) {
        List<String> args = new ArrayList<>(List.of("content-sync", "-c", conf.toString(), "-y", "--dest",
                "/var/www/html"));
        args.addAll(List.of(extra));
        args.add(src.toString());
        return EmbeddedCluster.run(args.toArray(String[]::new));
    }

    private Path www(int i) {
        return cluster.path(i, "/var/www/html");
    }

    private static JsonNode json(String out) throws Exception {
        return new ObjectMapper().readTree(out.substring(out.indexOf('{')));
    }

    @Test
    void threeChangedTwoAddedTwoDeletedGiveExactlyThatPlanAndResult() throws Exception {
        write("dir0/f0.txt", "changed 0 longer");
        write("dir1/f1.txt", "changed 1 longer");
        write("dir2/f2.txt", "changed 2 longer");
        write("dir3/new1.txt", "new");
        write("dir3/new2.txt", "new");
        Files.delete(src.resolve("dir0/f4.txt"));
        Files.delete(src.resolve("dir1/f5.txt"));
        EmbeddedCluster.Result dry = push("--delete", "-n");
        assertThat(dry.exit()).isZero();
        assertThat(dry.out()).contains("<f.s....... dir0/f0.txt", "<f+++++++++ dir3/new1.txt", "*deleting   dir0/f4.txt");
        Map<String, String> before = TreeAssert.describe(www(1));
        assertThat(before).containsKey("dir0/f4.txt");

        EmbeddedCluster.Result r = push("--delete", "--json", "-");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode nodes = json(r.out()).get("nodes");
        assertThat(nodes).hasSize(3);
        for (JsonNode n : nodes) {
            assertThat(n.get("status").asText()).isEqualTo("ok");
            assertThat(n.get("created").asLong()).isEqualTo(2);
            assertThat(n.get("deleted").asLong()).isEqualTo(2);
            assertThat(n.get("bytes").asLong()).isEqualTo(3 * 16 + 2 * 3);
        }
        for (int i = 1; i <= 3; i++) {
            TreeAssert.assertSameTree(src, www(i));
        }
    }

    @Test
    void dryRunChangesNothing() throws Exception {
        write("dir0/f0.txt", "changed");
        write("added.txt", "x");
        Files.delete(src.resolve("dir1/f1.txt"));
        Map<String, String> before = TreeAssert.describe(www(2));
        EmbeddedCluster.Result r = push("--delete", "-n");
        assertThat(r.exit()).isZero();
        assertThat(TreeAssert.describe(www(2))).isEqualTo(before);
        assertThat(r.out()).contains("dry run");
    }

    @Test
    void withoutDeleteExtraNodeFilesStay() throws Exception {
        Files.delete(src.resolve("dir1/f1.txt"));
        assertThat(push().exit()).isZero();
        assertThat(www(1).resolve("dir1/f1.txt")).exists();
        assertThat(push("--delete").exit()).isZero();
        assertThat(www(1).resolve("dir1/f1.txt")).doesNotExist();
    }

    @Test
    void aReaderOnlyEverSeesCompleteOldOrNewContent() throws Exception {
        String oldContent = "old".repeat(100_000);
        String newContent = "NEW".repeat(200_000);
        write("big.txt", oldContent);
        assertThat(push().exit()).isZero();
        Path target = www(1).resolve("big.txt");
        AtomicBoolean stop = new AtomicBoolean();
        List<String> bad = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    String s = Files.readString(target);
                    if (!s.equals(oldContent) && !s.equals(newContent)) {
                        bad.add("length " + s.length());
                    }
                } catch (Exception e) {
                    bad.add(e.toString());
                }
            }
        });
        reader.start();
        for (int round = 0; round < 3; round++) {
            write("big.txt", round % 2 == 0 ? newContent : oldContent);
            Files.setLastModifiedTime(src.resolve("big.txt"), FileTime.from(T0.plusSeconds(round + 1)));
            assertThat(push().exit()).isZero();
        }
        stop.set(true);
        reader.join();
        assertThat(bad).isEmpty();
    }

    @Test
    void staleTempFilesOfAnInterruptedRunAreRemovedByTheNextRun() throws Exception {
        Path stale = www(1).resolve("dir0/.tlclb.abcdefghijklmnop.tmp");
        Files.writeString(stale, "half");
        assertThat(push().exit()).isZero();
        assertThat(stale).doesNotExist();
        TreeAssert.assertSameTree(src, www(1));
    }

    @Test
    void aStaleTemporarySubtreeOfAnInterruptedRunIsRemovedByTheNextRun() throws Exception {
        // What a run interrupted while staging a new directory leaves: a temporary directory with
        // files under their real names.
        Path stale = www(1).resolve("dir0/.tlclb.qrstuvwxyz234567.tmp");
        Files.createDirectories(stale.resolve("deeper"));
        Files.writeString(stale.resolve("deeper/page.html"), "half");
        Files.writeString(stale.resolve("f0.txt"), "whole");
        assertThat(push().exit()).isZero();
        assertThat(stale).doesNotExist();
        TreeAssert.assertSameTree(src, www(1));
    }

    @Test
    void aNewDirectoryAppearsWholeAtCommitWithItsModesAndMtimes() throws Exception {
        write("fresh/a/b/one.txt", "one");
        write("fresh/a/two.txt", "two");
        write("fresh/three.txt", "three");
        Files.setPosixFilePermissions(src.resolve("fresh/a"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x---"));
        Files.setPosixFilePermissions(src.resolve("fresh/a/two.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(src.resolve("fresh/a/b"), FileTime.from(T0.plusSeconds(7)));
        Files.setLastModifiedTime(src.resolve("fresh/a"), FileTime.from(T0.plusSeconds(8)));
        Files.setLastModifiedTime(src.resolve("fresh"), FileTime.from(T0.plusSeconds(9)));
        EmbeddedCluster.Result r = push("-v");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        for (int i = 1; i <= 3; i++) {
            TreeAssert.assertSameTree(src, www(i));
            try (java.util.stream.Stream<Path> s = Files.walk(www(i))) {
                assertThat(s.filter(p -> p.getFileName().toString().startsWith(".tlclb.")).toList()).isEmpty();
            }
        }
        assertThat(r.out()).contains("cd+++++++++ fresh/a/b/").contains("<f+++++++++ fresh/a/b/one.txt");
    }

    @Test
    void backupsKeepReplacedAndDeletedFilesAndRollbackRestoresThem() throws Exception {
        Map<String, String> before = TreeAssert.describe(www(1));
        write("dir0/f0.txt", "replaced content");
        Files.delete(src.resolve("dir1/f1.txt"));
        EmbeddedCluster.Result r = push("--delete", "--backup", "--json", "-");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String run = json(r.out()).get("run_id").asText();
        Path backup = www(1).resolve(".tlclb-backup/" + run);
        assertThat(Files.readString(backup.resolve("dir0/f0.txt"))).isEqualTo("content 0");
        assertThat(Files.readString(backup.resolve("dir1/f1.txt"))).isEqualTo("content 1");
        assertThat(Files.readString(www(1).resolve("dir0/f0.txt"))).isEqualTo("replaced content");

        EmbeddedCluster.Result rb = EmbeddedCluster.run("rollback", "-c", conf.toString(), "-y", "--dest",
                "/var/www/html", run);
        assertThat(rb.exit()).as(rb.out() + rb.err()).isZero();
        for (int i = 1; i <= 3; i++) {
            Map<String, String> now = TreeAssert.describe(www(i));
            now.remove("");
            Map<String, String> expected = new java.util.TreeMap<>(before);
            expected.remove("");
            // Directory mtimes move with any change inside; files must be back byte for byte.
            now.replaceAll((k, v) -> v.startsWith("dir ") ? "dir" : v);
            expected.replaceAll((k, v) -> v.startsWith("dir ") ? "dir" : v);
            assertThat(now).isEqualTo(expected);
        }
    }

    @Test
    void backupKeepPrunesOldRuns() throws Exception {
        conf = cluster.writeConfig("Backup yes\nBackupKeep 2\n");
        for (int round = 0; round < 4; round++) {
            write("dir0/f0.txt", "round " + round);
            Files.setLastModifiedTime(src.resolve("dir0/f0.txt"), FileTime.from(T0.plusSeconds(round + 1)));
            assertThat(push().exit()).isZero();
        }
        try (Stream<Path> s = Files.list(www(1).resolve(".tlclb-backup"))) {
            assertThat(s.filter(Files::isDirectory).count()).as("runs, beside the node's marker").isEqualTo(2);
        }
    }

    @Test
    void checksumModeFindsSameSizeSameMtimeContentChanges() throws Exception {
        Path p = src.resolve("dir0/f0.txt");
        Files.writeString(p, "CONTENT 0");
        Files.setLastModifiedTime(p, FileTime.from(T0));
        assertThat(push().exit()).isZero();
        assertThat(Files.readString(www(1).resolve("dir0/f0.txt"))).isEqualTo("content 0");
        EmbeddedCluster.Result r = push("-C");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(Files.readString(www(1).resolve("dir0/f0.txt"))).isEqualTo("CONTENT 0");
        assertThat(r.out()).contains("updated 1");
    }

    @Test
    void checkReportsDriftAndStaysReadOnly() throws Exception {
        EmbeddedCluster.Result ok = EmbeddedCluster.run("check", "-c", conf.toString(), "--dest", "/var/www/html",
                src.toString());
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        Files.writeString(www(2).resolve("dir0/f0.txt"), "tampered");
        Map<String, String> before = TreeAssert.describe(www(2));
        EmbeddedCluster.Result drift = EmbeddedCluster.run("check", "-v", "-c", conf.toString(), "--dest",
                "/var/www/html", src.toString());
        assertThat(drift.exit()).isEqualTo(1);
        assertThat(drift.out()).contains("node2", "dir0/f0.txt").doesNotContain("node1: ");
        assertThat(drift.out()).contains("DRIFT", "check: 2 of 3 nodes in sync, 1 drifted");
        assertThat(TreeAssert.describe(www(2))).isEqualTo(before);
        cluster.stop(3);
        Files.writeString(www(2).resolve("dir0/f0.txt"), "content 0");
        Files.setLastModifiedTime(www(2).resolve("dir0/f0.txt"), FileTime.from(T0));
        EmbeddedCluster.Result down = EmbeddedCluster.run("check", "-c", conf.toString(), "--dest", "/var/www/html",
                src.toString());
        assertThat(down.exit()).isEqualTo(3);
    }

    @Test
    void symlinksAreRecreatedNotFollowed() throws Exception {
        Files.createSymbolicLink(src.resolve("rel-link"), Path.of("dir0/f0.txt"));
        Files.createSymbolicLink(src.resolve("abs-out"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(src.resolve("loop"), Path.of("loop"));
        assertThat(push().exit()).isZero();
        for (int i = 1; i <= 3; i++) {
            assertThat(Files.readSymbolicLink(www(i).resolve("rel-link"))).isEqualTo(Path.of("dir0/f0.txt"));
            assertThat(Files.readSymbolicLink(www(i).resolve("abs-out"))).isEqualTo(Path.of("/etc/passwd"));
            assertThat(Files.readSymbolicLink(www(i).resolve("loop"))).isEqualTo(Path.of("loop"));
        }
        Files.delete(src.resolve("rel-link"));
        Files.createSymbolicLink(src.resolve("rel-link"), Path.of("dir1/f1.txt"));
        assertThat(push().exit()).isZero();
        assertThat(Files.readSymbolicLink(www(1).resolve("rel-link"))).isEqualTo(Path.of("dir1/f1.txt"));
    }
}
