package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.run.TreeAssert;

/**
 * Issue 15 through the launcher against OpenSSH nodes: one run at a time per destination, on this
 * machine (the lock directory) and across machines (the node lock); rollback takes the same lock;
 * nodes that share storage are written once; a hung node and a killed node end the run in bounded
 * time; a source of / is refused; local users cannot aim root's writes (lock directory, log file,
 * JSON report).
 */
class LocksAndTimeIT extends LabTestBase {
    static final Instant T1 = Instant.parse("2026-01-05T10:00:00Z");

    @BeforeEach
    void aSourceWorthStaging() throws Exception {
        ItSupport.write(src, "index.html", "hello", "rw-r--r--", T1);
        Files.write(src.resolve("big.bin"), new byte[3 << 19]);
    }

    /** Starts a slow push (1.5 MiB at 256 KiB/s per node, about 6 s) and waits until it is staging on node 1. */
    private Process slowPush(Launcher l, Path c) throws Exception {
        Process p = l.start("tlclb_content_sync", "-c", c.toString(), "-y", "--bwlimit", "256K", "--dest", DEST,
                src.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ItSupport.tempFiles(cluster.www(1)).isEmpty()) {
            assertThat(p.isAlive()).as("the slow push is still running").isTrue();
            assertThat(System.nanoTime()).as("staging began within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        return p;
    }

    private static String finish(Process p) throws Exception {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void runsFromDifferentConfigFilesExcludeEachOtherAndRollbackTakesTheSameLock() throws Exception {
        Path other = ItSupport.writeConf(cluster, tmp.resolve("b/other.conf"), "Parallel 4\n");
        Process first = slowPush(launcher, conf);
        Launcher.Result second = launcher.run("tlclb_content_sync", "-c", other.toString(), "-y", "--dest", DEST,
                src.toString()).exits(4);
        assertThat(second.err()).contains("another run holds the lock (pid " + first.pid());
        Launcher.Result rollback = launcher.run("tlclb", "rollback", "-c", other.toString(), "-y", "--dest", DEST)
                .exits(4);
        assertThat(rollback.err()).contains("another run holds the lock");
        String out = finish(first);
        assertThat(first.exitValue()).as(out).isZero();
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, cluster.www(i));
        }
    }

    @Test
    void aRunFromAnotherMachineIsKeptOutByTheNodeLockAndLeavesTheFirstRunsFilesAlone() throws Exception {
        Process first = slowPush(launcher, conf);
        // Another machine: its own lock directory, so only the node lock stands between the runs.
        Launcher elsewhere = Launcher.in(tmp.resolve("other-machine"));
        Launcher.Result second = elsewhere.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--dest", DEST,
                src.toString()).exits(4);
        assertThat(second.out()).contains("another run is working on " + DEST + " (run ");
        assertThat(ItSupport.tempFiles(cluster.www(1))).as("the first run's staged files are still there").isNotEmpty();
        String out = finish(first);
        assertThat(first.exitValue()).as(out).isZero();
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, cluster.www(i));
            assertThat(ItSupport.tempFiles(cluster.www(i))).isEmpty();
        }
        elsewhere.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--dest", DEST, src.toString()).exits(0);
    }

    @Test
    void nodesThatShareStorageAreWrittenOnce() throws Exception {
        cluster.stop(2);
        sh("mount --bind " + cluster.www(1) + " " + cluster.www(2));
        try {
            cluster.start(2);
            Launcher.Result r = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--json", "-",
                    "--dest", DEST, src.toString()).exits(0);
            assertThat(r.err()).containsPattern("node[12] +ok .*\\(same storage as node[12]\\)");
            TreeAssert.assertSameTree(src, cluster.www(1));
            assertThat(ItSupport.tempFiles(cluster.www(1))).isEmpty();
            long shared = 0;
            for (var n : r.json().get("nodes")) {
                assertThat(n.get("status").asText()).isEqualTo("ok");
                shared += n.get("note").isNull() ? 0 : 1;
            }
            assertThat(shared).isEqualTo(1);
        } finally {
            cluster.stop(2);
            sh("umount " + cluster.www(2));
            cluster.start(2);
        }
    }

    @Test
    void aHungNodeFailsWithinAboutAMinuteAndTheOthersCommit() throws Exception {
        Files.write(src.resolve("big.bin"), new byte[8 << 20]);
        Process p = launcher.start("tlclb_content_sync", "-c", conf.toString(), "-y", "--partial-ok", "--bwlimit", "2M",
                "--dest", DEST, src.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ItSupport.tempFiles(cluster.www(2)).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<Long> stopped = cluster.allPids(2);
        signal("STOP", stopped);
        long t0 = System.nanoTime();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the run ends although node 2 hangs").isTrue();
            double seconds = (System.nanoTime() - t0) / 1e9;
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isEqualTo(1);
            System.err.printf("LocksAndTimeIT: run with a hung node ended %.1f s after the hang%n", seconds);
            assertThat(seconds).as("ConnectTimeout 5: the hung node is given up on within about a minute: " + out)
                    .isLessThan(75);
            assertThat(out).contains("node2     FAILED");
            TreeAssert.assertSameTree(src, cluster.www(1));
        } finally {
            signal("CONT", stopped);
        }
        // Once the node runs again, it drops the dead session; a new run converges and removes the leftovers.
        awaitSessionsGone(2);
        launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--dest", DEST, src.toString()).exits(0);
        TreeAssert.assertSameTree(src, cluster.www(2));
        assertThat(ItSupport.tempFiles(cluster.www(2))).isEmpty();
    }

    /**
     * A node killed in the commit phase (its sshd and sessions gone, the connection closed at once):
     * the run notices at once, and the report says exactly what reached that node. With -j 1 the
     * nodes commit one after the other, so node 2 is killed as soon as node 1's commit is over.
     */
    @Test
    void aNodeKilledDuringTheCommitIsNoticedAtOnceAndReportedAsItIs() throws Exception {
        Files.delete(src.resolve("big.bin"));
        int files = 2000;
        for (int i = 0; i < files; i++) {
            ItSupport.write(src, "d" + (i % 20) + "/f" + i + ".txt", "one " + i, "rw-r--r--", T1);
        }
        launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--dest", DEST, src.toString()).exits(0);
        for (int i = 0; i < files; i++) {
            ItSupport.write(src, "d" + (i % 20) + "/f" + i + ".txt", "two " + i, "rw-r--r--", T1.plusSeconds(60));
        }
        Process p = launcher.start("tlclb_content_sync", "-c", conf.toString(), "-y", "-j", "1", "--json", "-",
                "--dest", DEST, src.toString());
        Path lastOnNode1 = cluster.www(1).resolve("d19/f" + (files - 1) + ".txt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(lastOnNode1).startsWith("two") && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        cluster.stop(2);
        long t0 = System.nanoTime();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            double seconds = (System.nanoTime() - t0) / 1e9;
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out + err).isEqualTo(1);
            System.err.printf("LocksAndTimeIT: run with a node killed in the commit ended %.1f s after the kill%n",
                    seconds);
            assertThat(seconds).as("noticed at once, not after a reply timeout: " + err).isLessThan(15);
            TreeAssert.assertSameTree(src, cluster.www(1));
            JsonNode report = new ObjectMapper().readTree(out);
            JsonNode node2 = report.get("nodes").get(1);
            assertThat(node2.get("node").asText()).isEqualTo("node2");
            assertThat(node2.get("status").asText()).isNotEqualTo("ok");
            long arrived = 0;
            for (int i = 0; i < files; i++) {
                if (Files.readString(cluster.www(2).resolve("d" + (i % 20) + "/f" + i + ".txt")).startsWith("two")) {
                    arrived++;
                }
            }
            assertThat(node2.get("updated").asLong()).as("the report counts what reached node 2: " + node2)
                    .isEqualTo(arrived);
        } finally {
            cluster.start(2);
        }
    }

    @Test
    void aSourceOfRootIsRefused() {
        Launcher.Result r = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "/").exits(2);
        assertThat(r.err()).contains("refusing to push '/'");
    }

    @Test
    void localUsersCannotAimRootsWrites() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // the user may look in
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "precious");
        try (NodeUser attacker = NodeUser.create()) {
            // A lock directory that another user made (or that is a symlink) is refused before anything else.
            Path theirs = Files.createDirectories(tmp.resolve("their-lock"));
            attacker.chown(theirs);
            Launcher l = Launcher.in(tmp.resolve("state2")).env("TLCLB_LOCK_DIR", theirs.toString());
            assertThat(l.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--dest", DEST, src.toString())
                    .exits(2).err()).contains("the lock directory " + theirs + " belongs to uid " + attacker.uid());
            Path linked = tmp.resolve("linked-lock");
            Files.createSymbolicLink(linked, theirs);
            assertThat(Launcher.in(tmp.resolve("state3")).env("TLCLB_LOCK_DIR", linked.toString())
                    .run("tlclb_content_sync", "-c", conf.toString(), "-y", "--dest", DEST, src.toString())
                    .exits(2).err()).contains("is not a directory (a symlink is not followed)");
            try (var s = Files.list(theirs)) {
                assertThat(s.toList()).as("nothing written in the other user's directory").isEmpty();
            }

            // A world-writable directory (like /tmp) where the user planted symlinks at the log and JSON paths.
            Path open = Files.createDirectories(tmp.resolve("open"));
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
            sh("chmod +t " + open);
            Path log = open.resolve("sync.log");
            Path json = open.resolve("last.json");
            asUser(attacker, "ln -s " + victim + " " + log + " && ln -s " + victim + " " + json);
            Launcher.Result refusedJson = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--json",
                    json.toString(), "--dest", DEST, src.toString()).exits(2);
            assertThat(refusedJson.err()).contains("--json " + json + " belongs to uid " + attacker.uid());
            Launcher.Result logged = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--log-file",
                    log.toString(), "--dest", DEST, src.toString()).exits(0);
            assertThat(logged.err()).contains("can be written by other users").contains("this run is not logged");
            assertThat(victim).hasContent("precious");
        }
    }

    private static void asUser(NodeUser user, String command) throws Exception {
        List<String> argv = new ArrayList<>(user.as(List.of("sh", "-c", command)));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(command + ": " + out).isZero();
    }

    private static void signal(String sig, List<Long> pids) throws IOException, InterruptedException {
        for (long pid : pids) {
            new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor();
        }
    }

    /** Waits until node i runs only its listener (the hung run's session is over). */
    private static void awaitSessionsGone(int i) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cluster.pids(i).size() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(command + ": " + out).isZero();
    }
}
