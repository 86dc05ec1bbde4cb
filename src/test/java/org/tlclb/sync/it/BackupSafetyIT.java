package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.run.TreeAssert;

/**
 * Issue 14, backups and rollback, through the launcher against OpenSSH nodes: a run id is a name
 * from the node's backup list, never a path; {@code rollback -n} changes nothing; rollback puts
 * back content and attributes; the backup area is the run's own (private, never followed through
 * a link); a file whose backup cannot be made is not replaced.
 */
class BackupSafetyIT extends LabTestBase {
    static final Instant T1 = Instant.parse("2026-01-05T10:00:00Z");
    static final Instant T2 = Instant.parse("2026-02-05T10:00:00Z");

    private Launcher.Result rollback(String... args) {
        List<String> all = new ArrayList<>(List.of("rollback", "-c", conf.toString(), "--dest", DEST));
        all.addAll(List.of(args));
        return launcher.run("tlclb", all.toArray(String[]::new));
    }

    /** Every entry under the node's destination, the state area included. */
    private static Map<String, String> everything(int i) throws Exception {
        Map<String, String> m = new TreeMap<>(TreeAssert.describe(cluster.www(i)));
        Path area = cluster.www(i).resolve(".tlclb-backup");
        if (Files.exists(area)) {
            m.putAll(describeWithPrefix(area, ".tlclb-backup/"));
        }
        return m;
    }

    private static Map<String, String> describeWithPrefix(Path root, String prefix) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = prefix + root.relativize(p);
                out.put(rel, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                        : Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p) : Files.readString(p));
            }
        }
        return out;
    }

    /** The backup runs on node i, oldest first. */
    private static List<String> runs(int i) throws Exception {
        Path area = cluster.www(i).resolve(".tlclb-backup");
        if (!Files.isDirectory(area)) {
            return List.of();
        }
        try (var s = Files.list(area)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]{8}-.*")).sorted().toList();
        }
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private void version(String content, String scriptPerms, Instant t) throws Exception {
        ItSupport.write(src, "index.html", content, "rw-r--r--", t);
        ItSupport.write(src, "p1.html", "page one", "rw-r--r--", T1);
        ItSupport.write(src, "d2/x.txt", "x", "rw-r--r--", T1);
        ItSupport.write(src, "script.sh", "#!/bin/sh\necho hi\n", scriptPerms, T1);
        if (!Files.exists(src.resolve("link"), LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(src.resolve("link"), Path.of("p1.html"));
        }
        Files.setLastModifiedTime(src.resolve("d2"), FileTime.from(T1));
        Files.setLastModifiedTime(src, FileTime.from(T1));
    }

    @Test
    void aRunIdIsANameFromTheBackupListNeverAPath() throws Exception {
        version("v1", "rwxr-xr-x", T1);
        push("--backup").exits(0);
        version("version two", "rwxr-xr-x", T2);
        push("--backup").exits(0);
        Map<String, String> before1 = everything(1);
        Map<String, String> before2 = everything(2);
        assertThat(before1).containsKey(".tlclb-backup/"); // the run's backup of v1 is there
        for (String id : List.of("..", ".", "../..", "/etc", "d2", "x/../..", "20261201-000000-000-zzzz")) {
            Launcher.Result r = rollback("-y", id).exits(2);
            assertThat(r.err()).as(r.describe()).contains("'" + id + "' is not a run id");
            assertThat(everything(1)).as("node 1 after rollback %s", id).isEqualTo(before1);
            assertThat(everything(2)).as("node 2 after rollback %s", id).isEqualTo(before2);
        }
        // Nor is a destination that is not in its one form, or inside a state area (issue 29, part 7).
        for (String dest : List.of("/var/www/./html", "/var/www/html/.tlclb-backup")) {
            Launcher.Result r = launcher.run("tlclb", "rollback", "-c", conf.toString(), "-y", "--dest", dest).exits(2);
            assertThat(r.err()).as(r.describe()).startsWith("tlclb rollback: --dest ").endsWith("\n")
                    .containsOnlyOnce("\n").contains(dest.contains("/./") ? "type --dest /var/www/html"
                            : "tlclb rollback --dest /var/www/html");
            assertThat(everything(1)).isEqualTo(before1);
        }
        // A run id of the right form that no node has: every node says so, nothing changes, exit 3.
        Launcher.Result r = rollback("-y", "20990101-000000-000-abcd").exits(3);
        assertThat(r.out() + r.err()).contains("no backup of run 20990101-000000-000-abcd");
        assertThat(everything(1)).isEqualTo(before1);
    }

    @Test
    void rollbackDryRunChangesNothingAndRollbackPutsBackContentAndAttributes() throws Exception {
        version("v1", "rwxr-xr-x", T1);
        push("--backup").exits(0);
        Map<String, String> v1 = TreeAssert.describe(cluster.www(1));
        version("version two", "rwx------", T2); // index.html new content, script.sh mode only
        push("--backup").exits(0);
        assertThat(mode(cluster.www(1).resolve("script.sh"))).isEqualTo(0700);
        Map<String, String> v2 = everything(1);

        Launcher.Result dry = rollback("-n").exits(0);
        assertThat(dry.out()).contains("restore    index.html").contains("attributes script.sh");
        assertThat(everything(1)).as("rollback -n changes nothing").isEqualTo(v2);
        assertThat(Files.readString(cluster.www(1).resolve("index.html"))).isEqualTo("version two");

        List<String> runs = runs(1);
        Launcher.Result r = rollback("-y").exits(0);
        for (int i = 1; i <= 2; i++) {
            assertThat(TreeAssert.describe(cluster.www(i))).as(r.describe()).isEqualTo(v1);
            assertThat(mode(cluster.www(i).resolve("script.sh"))).isEqualTo(0755);
        }
        // The restored run's backup is gone; the first run's (the root's attributes) stays.
        assertThat(runs(1)).isEqualTo(runs.subList(0, runs.size() - 1));
    }

    @Test
    void theBackupAreaIsMadePrivateEvenWhenItExistedOpen() throws Exception {
        ItSupport.write(src, "secret.conf", "password=1", "rw-r--r--", T1);
        push().exits(0);
        Path area = Files.createDirectories(cluster.www(1).resolve(".tlclb-backup"));
        Files.setPosixFilePermissions(area, PosixFilePermissions.fromString("rwxr-xr-x"));
        ItSupport.write(src, "secret.conf", "password=2", "rw-r--r--", T2);
        push("--backup").exits(0);
        assertThat(mode(area)).isEqualTo(0700);
        try (var runs = Files.list(area)) {
            List<Path> dirs = runs.filter(Files::isDirectory).toList(); // beside the node's marker
            assertThat(dirs).hasSize(1);
            assertThat(mode(dirs.get(0))).isEqualTo(0700);
            assertThat(dirs.get(0).resolve("secret.conf")).hasContent("password=1");
        }
        assertThat(cluster.www(1).resolve("secret.conf")).hasContent("password=2");
    }

    /**
     * The node lock's command makes the state area where there is none, holds the lock in it and
     * removes it again, all on the node: a run with nothing to change leaves the destination as
     * it was, mtime included, and the area holds the node's marker alone; a lock file planted as a
     * symlink is removed, never written through.
     */
    @Test
    void theNodeLockLeavesNoTraceAndNeverWritesThroughAPlantedLink() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        Files.setLastModifiedTime(src, FileTime.from(T1));
        push().exits(0);
        Path www = cluster.www(1);
        assertThat(Files.getLastModifiedTime(www).toInstant()).isEqualTo(T1);
        Launcher.Result same = push().exits(0);
        assertThat(same.out()).contains("2 of 2 nodes in sync");
        assertThat(Contracts.files(www.resolve(".tlclb-backup"))).as(same.describe()).containsExactly("generation");
        assertThat(Files.getLastModifiedTime(www).toInstant()).as("the root's mtime").isEqualTo(T1);

        Path victim = Files.writeString(tmp.resolve("victim"), "untouched");
        removeArea(www);
        Path area = Files.createDirectory(www.resolve(".tlclb-backup"));
        Files.setPosixFilePermissions(area, PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(area.resolve("lock"), victim);
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        push().exits(0);
        assertThat(victim).hasContent("untouched");
        assertThat(www.resolve("index.html")).hasContent("v2");
        assertThat(Contracts.files(www.resolve(".tlclb-backup"))).containsExactly("generation");
    }

    /**
     * A state area made by another user (who can write the destination) is never used: its files
     * could be swapped for links to what root must not write. The node is refused before anything
     * is written in it, and with all-or-nothing no node changes.
     */
    @Test
    void aStateAreaOfAnotherUserIsRefusedAndNothingIsWrittenInIt() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        push().exits(0);
        removeArea(cluster.www(1)); // the run's own area (its marker), replaced by the other user's
        Path area = Files.createDirectory(cluster.www(1).resolve(".tlclb-backup"));
        Files.setPosixFilePermissions(area, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(area, "unix:uid", 65534);
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        Launcher.Result r = push().exits(3);
        assertThat(r.out()).contains("belongs to another user than the one this run logs in as")
                .contains("no node was changed");
        try (var s = Files.list(area)) {
            assertThat(s.toList()).as("nothing written in the other user's area").isEmpty();
        }
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.www(i).resolve("index.html")).hasContent("v1");
            assertThat(ItSupport.tempFiles(cluster.www(i))).isEmpty();
        }
    }

    @Test
    void aBackupAreaThatIsASymlinkIsNeverFollowedAndNothingIsReplaced() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        push().exits(0);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        removeArea(cluster.www(1));
        Files.createSymbolicLink(cluster.www(1).resolve(".tlclb-backup"), outside);
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        Launcher.Result r = push("--backup").exits(3);
        assertThat(r.out()).contains("is a symlink (not followed)").contains("no node was changed");
        try (var s = Files.list(outside)) {
            assertThat(s.toList()).as("nothing written where the link points").isEmpty();
        }
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.www(i).resolve("index.html")).hasContent("v1");
            assertThat(ItSupport.tempFiles(cluster.www(i))).isEmpty();
        }
    }

    /**
     * No inode left for the backup (a tmpfs with few inodes): the file is staged, its backup
     * cannot be made, and it is not replaced. The run's own needs are counted: the state area (1),
     * the node lock (1), its holder note (1) and the staged file (1) fit; the backup run's
     * directory does not (nor, on kernels that count links against nr_inodes, the hard link).
     */
    @Test
    void noInodeLeftForTheBackupLeavesTheFileAsItWas() throws Exception {
        int node = 2;
        Path www = cluster.www(node);
        cluster.stop(node);
        sh("mount -t tmpfs -o size=4m,nr_inodes=64,mode=0755 tlclb-it " + www);
        try {
            cluster.start(node);
            Files.createDirectories(www.resolve("fill"));
            ItSupport.write(src, "a.txt", "version one", "rw-r--r--", T1);
            Files.setLastModifiedTime(src, FileTime.from(T1));
            Files.setLastModifiedTime(www, FileTime.from(T1)); // the root needs no fix: no backup at all
            push("-w", "node" + node, "--backup").exits(0);
            assertThat(Contracts.files(www.resolve(".tlclb-backup"))).as("nothing to back up yet: the node's marker"
                    + " alone").containsExactly("generation");
            int made = 0;
            try {
                for (; made < 1000; made++) {
                    Files.createFile(www.resolve("fill/f" + made));
                }
            } catch (IOException full) {
                // no inode left
            }
            for (int k = 0; k < 4; k++) {
                Files.delete(www.resolve("fill/f" + (made - 1 - k)));
            }
            ItSupport.write(src, "a.txt", "version two", "rw-r--r--", T2);
            Launcher.Result r = push("-w", "node" + node, "--backup").exits(3);
            assertThat(r.out()).contains("cannot back up").contains("no node was changed");
            assertThat(www.resolve("a.txt")).hasContent("version one");
            assertThat(ItSupport.tempFiles(www)).isEmpty();
        } finally {
            cluster.stop(node);
            sh("umount " + www);
            cluster.start(node);
        }
    }

    private static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(command + ": " + out).isZero();
    }

    @Test
    void aFileWhoseBackupCannotBeMadeIsNotReplaced() throws Exception {
        // A node user who is not root cannot hard-link (so cannot back up) a root-owned file it may
        // not write (fs.protected_hardlinks), though it could rename over it in its own directory.
        assertThat(Files.readString(Path.of("/proc/sys/fs/protected_hardlinks")).strip()).isEqualTo("1");
        try (NodeUser user = NodeUser.create()) {
            cluster.authorize(user.name());
            Path www = cluster.www(1);
            ItSupport.write(src, "secret.conf", "old secret", "rw-r--r--", T1);
            ItSupport.write(src, "other.txt", "old other", "rw-r--r--", T1);
            push("-w", "node1").exits(0); // as root: both files root's
            // Root's state area (its marker) is root's: a run logging in as another user is refused
            // there (aStateAreaOfAnotherUserIsRefusedAndNothingIsWrittenInIt); this test is about the link.
            removeArea(www);
            user.chown(www);
            user.chown(www.resolve("other.txt"));
            Path userConf = ItSupport.writeConf(cluster, tmp.resolve("user.conf"), "User " + user.name() + "\n");
            ItSupport.write(src, "secret.conf", "new secret", "rw-r--r--", T2);
            ItSupport.write(src, "other.txt", "new other", "rw-r--r--", T2);
            Launcher.Result r = launcher.run("tlclb_content_sync", "-c", userConf.toString(), "-y", "-w", "node1",
                    "--backup", "--dest", DEST, src.toString()).exits(1);
            assertThat(r.out()).contains("PARTIAL").contains("cannot back up (so not replaced) secret.conf");
            assertThat(www.resolve("secret.conf")).hasContent("old secret");
            assertThat(www.resolve("other.txt")).hasContent("new other");
            assertThat(ItSupport.tempFiles(www)).isEmpty();
            assertThat(r.describe()).doesNotContain("\tat ");
        }
    }

    /** Removes the destination's state area the runs made (the node's marker, backups) from the host side. */
    private static void removeArea(Path www) throws IOException {
        Path area = www.resolve(".tlclb-backup");
        if (!Files.exists(area, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        FileTime root = Files.getLastModifiedTime(www);
        try (var all = Files.walk(area)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.setLastModifiedTime(www, root);
    }
}
