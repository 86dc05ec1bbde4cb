package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.it.ItSupport.count;
import static org.tlclb.sync.it.ItSupport.inodes;
import static org.tlclb.sync.it.ItSupport.tempFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/**
 * tlclb_content_sync against real OpenSSH nodes (sshd + its scp sink + sftp-server): the SCP
 * staging stream and the SFTP commit as a stock node sees them, asserted on the nodes' bytes,
 * modes, mtimes and inodes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenSshContentSyncIT {
    static final int NODES = 3;
    static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    @TempDir
    static Path shared;
    static OpenSshCluster cluster;

    @TempDir
    Path tmp;
    Path src;
    Path outside;
    Path conf;
    String marker;

    @BeforeAll
    static void startCluster() throws Exception {
        OpenSshCluster.assumeAvailable(); // skips without root/sshd; fails instead under CI=true
        cluster = OpenSshCluster.start(shared.resolve("cluster"), NODES);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        for (int i = 1; i <= NODES; i++) {
            cluster.start(i); // no-op when running; brings back a node an earlier test stopped
        }
        ItSupport.wipe(cluster);
        conf = ItSupport.writeConf(cluster, tmp.resolve("sync.conf"), "");
        src = tmp.resolve("src");
        outside = tmp.resolve("outside");
        marker = "pwned-" + UUID.randomUUID();
        buildTree();
    }

    /** Nested and empty dirs, an empty file, three modes, two symlinks, and names that are shell code. */
    private void buildTree() throws Exception {
        Files.createDirectories(src);
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxr-xr-x"));
        int k = 0;
        file("index.html", "<h1>hello</h1>\n", "rw-r--r--", k++);
        file("secret.txt", "s3cret\n", "rw-------", k++);
        file("cgi-bin/run.sh", "#!/bin/sh\necho hi\n", "rwxr-xr-x", k++);
        file("a/b/c/deep.txt", "deep\n", "rw-r--r--", k++);
        file("a/b/sibling.txt", "sib\n", "rw-r--r--", k++);
        file("empty.txt", "", "rw-r--r--", k++);
        file("big.bin", "x".repeat(300_000), "rw-r--r--", k++); // more than one SCP buffer
        file("with space/file name.txt", "spaces\n", "rw-r--r--", k++);
        file("it's.txt", "single quote\n", "rw-r--r--", k++);
        file("say \"hi\".txt", "double quotes\n", "rw-r--r--", k++);
        // As paths these are "$(touch " / "tmp" / "pwned)" and so on: a shell that saw the whole
        // remote path unquoted would run touch /tmp/pwned.
        file("$(touch /tmp/pwned)", "dollar paren\n", "rw-r--r--", k++);
        file("`touch /tmp/pwned`", "backticks\n", "rw-r--r--", k++);
        file("x;touch /tmp/pwned;y", "semicolon\n", "rw-r--r--", k++);
        file("$(touch " + marker + ")", "dollar paren, relative\n", "rw-r--r--", k++);
        file("`touch " + marker + "`", "backticks, relative\n", "rw-r--r--", k++);
        file("a;touch " + marker + ";b", "semicolon, relative\n", "rw-r--r--", k++);
        file("-rf", "leading dash\n", "rw-r--r--", k++);
        file("--help", "leading dashes\n", "rw-r--r--", k++);
        file("-dir/-f", "dash dir\n", "rw-r--r--", k++);
        file("line\nbreak.txt", "newline in name\n", "rw-r--r--", k++);
        file("nl\ndir/inner.txt", "inside a dir whose name has a newline\n", "rw-r--r--", k++);
        file("日本語 é.txt", "ünïcödé\n", "rw-r--r--", k++);
        file("é/日本語/ネスト.txt", "nested unicode\n", "rw-------", k++);
        file("private/key", "k\n", "rw-------", k++);
        Files.setPosixFilePermissions(src.resolve("private"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(src.resolve("cgi-bin"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createDirectories(src.resolve("empty-dir"));
        Files.createDirectories(src.resolve("a/empty"));
        // Symlinks: relative inside the tree, absolute out of it (to a file and to a directory).
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("outside.txt"), "OUTSIDE-THE-TREE\n");
        Files.createDirectories(src.resolve("links"));
        Files.createSymbolicLink(src.resolve("links/rel"), Path.of("../index.html"));
        Files.createSymbolicLink(src.resolve("links/abs-file"), outside.resolve("outside.txt"));
        Files.createSymbolicLink(src.resolve("links/abs-dir"), outside);
        Files.createSymbolicLink(src.resolve("links/dangling"), Path.of("no/such/target"));
        // Directory mtimes last, so that they are not the creation time of their children.
        try (Stream<Path> s = Files.walk(src)) {
            List<Path> dirs = new ArrayList<>(s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList());
            for (int i = dirs.size() - 1; i >= 0; i--) {
                Files.setLastModifiedTime(dirs.get(i), FileTime.from(T0.minusSeconds(1000 + i)));
            }
        }
    }

    private void file(String rel, String content, String perms, int k) throws Exception {
        ItSupport.write(src, rel, content, perms, T0.plusSeconds(k));
    }

    private EmbeddedCluster.Result push(String... extra) {
        List<String> args = new ArrayList<>(List.of("content-sync", "-c", conf.toString(), "-y",
                "--dest", "/var/www/html", src.toString()));
        args.addAll(List.of(extra));
        return EmbeddedCluster.run(args.toArray(String[]::new));
    }

    private static String both(EmbeddedCluster.Result r) {
        return "exit " + r.exit() + "\n--- stdout\n" + r.out() + "--- stderr\n" + r.err();
    }

    private EmbeddedCluster.Result pushOk(String... extra) {
        EmbeddedCluster.Result r = push(extra);
        assertThat(r.exit()).as(both(r)).isZero();
        return r;
    }

    private void assertEveryNodeIsTheSource() throws Exception {
        for (int i = 1; i <= NODES; i++) {
            TreeAssert.assertSameTree(src, cluster.www(i));
            assertThat(tempFiles(cluster.www(i))).as("temp files on node " + i).isEmpty();
        }
    }

    private Map<Integer, Map<String, Long>> allInodes() throws Exception {
        Map<Integer, Map<String, Long>> out = new HashMap<>();
        for (int i = 1; i <= NODES; i++) {
            out.put(i, inodes(cluster.www(i)));
        }
        return out;
    }

    /** Rewrites a source file with new content of another size and a new mtime. */
    private void change(String rel, String content) throws Exception {
        Path p = src.resolve(rel);
        Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, perms);
        Files.setLastModifiedTime(p, FileTime.from(T0.plusSeconds(86_400)));
    }

    // ------------------------------------------------------------------ tests

    @Test
    void fullPushMakesEveryNodeIdenticalAndNoNameIsEverRunByAShell() throws Exception {
        Path pwned = Path.of("/tmp/pwned");
        Files.deleteIfExists(pwned);
        EmbeddedCluster.Result r = pushOk();
        assertEveryNodeIsTheSource();
        assertThat(r.out()).as(both(r)).contains("3 of 3 nodes in sync");

        for (int i = 1; i <= NODES; i++) {
            Path www = cluster.www(i);
            // Symlinks stay symlinks with the same target, also when they point out of the tree.
            assertThat(Files.isSymbolicLink(www.resolve("links/abs-file"))).isTrue();
            assertThat(Files.readSymbolicLink(www.resolve("links/abs-file"))).isEqualTo(outside.resolve("outside.txt"));
            assertThat(Files.isSymbolicLink(www.resolve("links/abs-dir"))).isTrue();
            assertThat(Files.readSymbolicLink(www.resolve("links/rel"))).isEqualTo(Path.of("../index.html"));
            assertThat(Files.readString(www.resolve("line\nbreak.txt"))).isEqualTo("newline in name\n");
            assertThat(Files.readString(www.resolve("$(touch /tmp/pwned)"))).isEqualTo("dollar paren\n");
            try (Stream<Path> s = Files.walk(www)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        assertThat(new String(Files.readAllBytes(p), StandardCharsets.UTF_8))
                                .as("the outside file's content was copied into " + p).doesNotContain("OUTSIDE-THE-TREE");
                    }
                }
            }
        }
        assertThat(pwned).as("a file name was run by a shell").doesNotExist();
        for (Path dir : List.of(Path.of("/root"), Path.of("/tmp"), Path.of("/"), cluster.base(), src, tmp)) {
            assertThat(dir.resolve(marker)).as("a file name was run by a shell (in " + dir + ")").doesNotExist();
        }
    }

    @Test
    void rerunWithNothingChangedSendsNothingAndKeepsEveryInode() throws Exception {
        pushOk();
        Map<Integer, Map<String, Long>> before = allInodes();
        Map<Integer, Map<String, String>> described = new HashMap<>();
        for (int i = 1; i <= NODES; i++) {
            described.put(i, TreeAssert.describe(cluster.www(i)));
        }

        EmbeddedCluster.Result r = pushOk();
        assertThat(r.out()).as(both(r)).contains("3 of 3 nodes in sync, 0 created, 0 updated, 0 deleted, 0 B");
        for (int i = 1; i <= NODES; i++) {
            assertThat(r.out()).contains("node" + i);
            assertThat(inodes(cluster.www(i))).as("inodes on node " + i).isEqualTo(before.get(i));
            assertThat(TreeAssert.describe(cluster.www(i))).isEqualTo(described.get(i));
        }
        assertEveryNodeIsTheSource();
    }

    @Test
    void changingThreeFilesRewritesExactlyThoseThree() throws Exception {
        pushOk();
        Map<Integer, Map<String, Long>> before = allInodes();
        List<String> changed = List.of("index.html", "a/b/c/deep.txt", "日本語 é.txt");
        change("index.html", "<h1>hello, again</h1>\n");
        change("a/b/c/deep.txt", "deeper\n");
        change("日本語 é.txt", "こんにちは\n");

        EmbeddedCluster.Result r = pushOk();
        assertThat(r.out()).as(both(r)).contains("0 created, 9 updated, 0 deleted");
        assertEveryNodeIsTheSource();
        for (int i = 1; i <= NODES; i++) {
            Map<String, Long> after = inodes(cluster.www(i));
            assertThat(after.keySet()).isEqualTo(before.get(i).keySet());
            for (Map.Entry<String, Long> e : before.get(i).entrySet()) {
                if (changed.contains(e.getKey())) {
                    assertThat(after.get(e.getKey())).as("node %d: %s was replaced", i, e.getKey())
                            .isNotEqualTo(e.getValue());
                } else {
                    assertThat(after.get(e.getKey())).as("node %d: %s kept its inode", i, e.getKey())
                            .isEqualTo(e.getValue());
                }
            }
        }
    }

    @Test
    void removedSourceFilesStayWithoutDeleteAndGoWithDelete() throws Exception {
        pushOk();
        Files.delete(src.resolve("secret.txt"));
        Files.delete(src.resolve("a/b/c/deep.txt"));

        EmbeddedCluster.Result r = pushOk();
        assertThat(r.out()).as(both(r)).contains("0 deleted");
        for (int i = 1; i <= NODES; i++) {
            assertThat(cluster.www(i).resolve("secret.txt")).hasContent("s3cret");
            assertThat(cluster.www(i).resolve("a/b/c/deep.txt")).hasContent("deep");
        }

        r = pushOk("--delete");
        assertThat(r.out()).as(both(r)).contains("0 created, 0 updated, 6 deleted");
        for (int i = 1; i <= NODES; i++) {
            assertThat(cluster.www(i).resolve("secret.txt")).doesNotExist();
            assertThat(cluster.www(i).resolve("a/b/c/deep.txt")).doesNotExist();
            assertThat(cluster.www(i).resolve("a/b/c")).isDirectory();
        }
        assertEveryNodeIsTheSource();
    }

    @Test
    void dryRunChangesNoNodeAndItemizesEveryChange() throws Exception {
        pushOk();
        change("index.html", "<h1>changed</h1>\n");
        ItSupport.write(src, "new file.txt", "new\n", "rw-r--r--", T0);
        Files.delete(src.resolve("secret.txt"));
        Map<Integer, Map<String, Long>> before = allInodes();
        Map<Integer, Map<String, String>> described = new HashMap<>();
        for (int i = 1; i <= NODES; i++) {
            described.put(i, TreeAssert.describe(cluster.www(i)));
        }

        EmbeddedCluster.Result r = push("-n", "--delete");
        assertThat(r.exit()).as(both(r)).isZero();
        for (int i = 1; i <= NODES; i++) {
            assertThat(TreeAssert.describe(cluster.www(i))).as("node " + i + " after -n").isEqualTo(described.get(i));
            assertThat(inodes(cluster.www(i))).isEqualTo(before.get(i));
            assertThat(Files.readString(cluster.www(i).resolve("index.html"))).isEqualTo("<h1>hello</h1>\n");
            assertThat(tempFiles(cluster.www(i))).isEmpty();
        }
        String out = r.out();
        // Identical plans print once, headed by the nodes that share them (as rsync itemizes a push: "<f").
        assertThat(count(out, "<f.st...... index.html\n")).as(both(r)).isEqualTo(1);
        assertThat(count(out, "<f+++++++++ new file.txt\n")).as(both(r)).isEqualTo(1);
        assertThat(count(out, "*deleting   secret.txt\n")).as(both(r)).isEqualTo(1);
        assertThat(out).contains("node1, node2, node3: /var/www/html\n");
    }

    @Test
    void aStoppedNodeAbortsEverywhereThenPartialOkThenConvergesAfterRestart() throws Exception {
        pushOk();
        // Changes that stage into an existing directory, into new directories, and replace files.
        change("index.html", "<h1>v2</h1>\n");
        change("a/b/c/deep.txt", "deep v2\n");
        ItSupport.write(src, "new/dir/fresh.txt", "fresh\n", "rw-r--r--", T0);
        ItSupport.write(src, "cgi-bin/new.sh", "#!/bin/sh\n", "rwxr-xr-x", T0);
        Map<Integer, Map<String, Long>> before = allInodes();
        Map<Integer, Map<String, String>> described = new HashMap<>();
        for (int i = 1; i <= NODES; i++) {
            described.put(i, TreeAssert.describe(cluster.www(i)));
        }

        cluster.stop(2);
        try {
            EmbeddedCluster.Result r = push();
            assertThat(r.exit()).as(both(r)).isEqualTo(3);
            assertThat(r.out()).as(both(r)).contains("node2").contains("FAILED");
            for (int i : new int[] {1, 3}) {
                Path www = cluster.www(i);
                assertThat(tempFiles(www)).as("temp files on node " + i + " after the abort").isEmpty();
                assertThat(www.resolve("new")).doesNotExist();
                assertThat(www.resolve("cgi-bin/new.sh")).doesNotExist();
                assertThat(Files.readString(www.resolve("index.html"))).isEqualTo("<h1>hello</h1>\n");
                assertThat(inodes(www)).as("inodes on node " + i).isEqualTo(before.get(i));
                // Directory mtimes: see abortedRunLeavesDirectoryMtimesAsTheyWere.
                assertThat(withoutDirMtimes(TreeAssert.describe(www))).as("node " + i + " after the abort")
                        .isEqualTo(withoutDirMtimes(described.get(i)));
            }

            r = push("--partial-ok");
            assertThat(r.exit()).as(both(r)).isEqualTo(1);
            for (int i : new int[] {1, 3}) {
                TreeAssert.assertSameTree(src, cluster.www(i));
                assertThat(tempFiles(cluster.www(i))).isEmpty();
            }
            assertThat(TreeAssert.describe(cluster.www(2))).as("the stopped node").isEqualTo(described.get(2));
        } finally {
            cluster.start(2);
        }

        EmbeddedCluster.Result r = pushOk();
        assertThat(r.out()).as(both(r)).contains("3 of 3 nodes in sync");
        assertEveryNodeIsTheSource();
    }

    @Test
    void symlinksOnTheNodeAreReplacedNeverWrittenThrough() throws Exception {
        // On every node, where the source has a directory and a file, the node has symlinks out of
        // the tree (a compromised or hand-edited node): the push must replace the links, and never
        // write through them (scp's sink follows a symlinked directory; rename does not).
        Path victim = tmp.resolve("victim");
        Files.createDirectories(victim);
        Files.writeString(victim.resolve("index.html"), "VICTIM\n");
        for (int i = 1; i <= NODES; i++) {
            Files.createSymbolicLink(cluster.www(i).resolve("a"), victim);
            Files.createSymbolicLink(cluster.www(i).resolve("index.html"), victim.resolve("index.html"));
        }
        pushOk();
        assertEveryNodeIsTheSource();
        try (Stream<Path> s = Files.list(victim)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).as("written outside the tree")
                    .containsExactly("index.html");
        }
        assertThat(victim.resolve("index.html")).hasContent("VICTIM");
    }

    @Test
    void abortedRunLeavesDirectoryMtimesAsTheyWere() throws Exception {
        pushOk();
        change("a/b/c/deep.txt", "deep v2\n");
        Map<String, String> before = TreeAssert.describe(cluster.www(1));
        cluster.stop(2);
        try {
            EmbeddedCluster.Result r = push();
            assertThat(r.exit()).as(both(r)).isEqualTo(3);
        } finally {
            cluster.start(2);
        }
        // Staging created and then removed a temp file in a/b/c on node 1: "no node changes" includes
        // the directory's mtime, which the product otherwise keeps equal to the source's.
        assertThat(TreeAssert.describe(cluster.www(1)).get("a/b/c")).isEqualTo(before.get("a/b/c"));
        assertThat(TreeAssert.describe(cluster.www(1))).isEqualTo(before);
    }

    @Test
    void theNextRunRemovesTempFilesLeftByAnInterruptedRun() throws Exception {
        pushOk();
        for (int i = 1; i <= NODES; i++) {
            Files.writeString(cluster.www(i).resolve(".tlclb.abcdefghijklmnop.tmp"), "half a file");
            Files.writeString(cluster.www(i).resolve("a/b/.tlclb.qrstuvwxyz234567.tmp"), "half");
            // and a temporary subtree (a new directory being staged), with real names inside
            Path subtree = cluster.www(i).resolve("a/.tlclb.aaaaaaaaaaaaaaaa.tmp/x");
            Files.createDirectories(subtree);
            Files.writeString(subtree.resolve("page.html"), "half");
        }
        pushOk();
        assertEveryNodeIsTheSource();
    }

    @Test
    void checksumRerunWithNothingChangedSendsNothing() throws Exception {
        pushOk();
        Map<Integer, Map<String, Long>> before = allInodes();
        EmbeddedCluster.Result r = pushOk("--checksum");
        assertThat(r.out()).as(both(r)).contains("0 created, 0 updated, 0 deleted");
        for (int i = 1; i <= NODES; i++) {
            assertThat(inodes(cluster.www(i))).as("inodes on node " + i).isEqualTo(before.get(i));
        }
    }

    @Test
    void checksumFindsAContentChangeThatKeepsSizeAndMtime() throws Exception {
        pushOk();
        Path p = src.resolve("index.html");
        FileTime mtime = Files.getLastModifiedTime(p);
        Files.writeString(p, "<h1>HELLO</h1>\n"); // same size
        Files.setLastModifiedTime(p, mtime);
        EmbeddedCluster.Result r = pushOk("-C");
        assertThat(r.out()).as(both(r)).contains("0 created, 3 updated, 0 deleted");
        assertEveryNodeIsTheSource();
    }

    /** A describe() map with directory mtimes blanked (dir modes and every file attribute kept). */
    private static Map<String, String> withoutDirMtimes(Map<String, String> d) {
        Map<String, String> out = new java.util.TreeMap<>();
        d.forEach((k, v) -> out.put(k, v.startsWith("dir ") ? v.replaceAll(" -?\\d+$", "") : v));
        return out;
    }
}
