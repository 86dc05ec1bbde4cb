package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.faults.FaultSupport.all;
import static org.tlclb.sync.faults.FaultSupport.push;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.it.Await;
import org.tlclb.sync.it.ItSupport;
import org.tlclb.sync.it.Launcher;
import org.tlclb.sync.it.OpenSshCluster;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/**
 * Hostile names and a full disk against two real OpenSSH nodes (sshd, sftp-server and scp run
 * by a real shell for the checksum pipeline): where a quoting mistake would actually run code.
 * Skipped without root/sshd; fails under CI=true (see OpenSshCluster).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HostileOpenSshIT {
    static final String DEST = "/var/www/html";
    @TempDir
    static Path tmp;
    static OpenSshCluster c;

    @BeforeAll
    static void start() throws Exception {
        OpenSshCluster.assumeAvailable();
        c = OpenSshCluster.start(tmp.resolve("cluster"), 2);
    }

    @AfterAll
    static void stop() {
        if (c != null) {
            c.close();
        }
    }

    @BeforeEach
    void emptyNodes() throws Exception {
        ItSupport.wipe(c);
    }

    static Path conf(String name) throws Exception {
        return ItSupport.writeConf(c, tmp.resolve(name), "User root\n");
    }

    /** SPEC 8 as cron runs it: the real launcher with no LANG (cron's environment), against real sshd nodes. */
    @Test
    void underCronsEmptyEnvironmentHostileNamesDeepNestingAndSymlinksArriveAndAFifoIsSkipped() throws Exception {
        Path run = tmp.resolve("cron");
        Path src = run.resolve("src");
        Files.createDirectories(src);
        HostileTree t = HostileTree.build(src);
        Files.createSymbolicLink(src.resolve("out-abs"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(src.resolve("out-rel"), Path.of("../../../../etc"));
        Files.createSymbolicLink(src.resolve("loop"), Path.of("loop"));
        FaultSupport.sh(src, "mkfifo a-fifo");
        Launcher.Result r = Launcher.in(run.resolve("state")).workDir(run).timeout(Duration.ofSeconds(240))
                .run("tlclb", "content-sync", "-c", conf("cron.conf").toString(), "-y", "--dest", DEST, src.toString())
                .exits(0);
        assertThat(r.out() + r.err()).contains("a-fifo").contains("special file");
        Files.delete(src.resolve("a-fifo"));
        for (int i = 1; i <= c.size(); i++) {
            TreeAssert.assertSameTree(src, c.www(i));
            assertThat(Files.isSymbolicLink(c.www(i).resolve("out-rel"))).isTrue();
        }
        assertThat(t.pwned).doesNotExist();
    }

    /** A node killed mid-push (every one of its SSH processes): exit 3, the other node unchanged, then convergence. */
    @Test
    void aNodeKilledMidPushAbortsEverywhereAndTheNextRunConverges() throws Exception {
        Path src = tmp.resolve("killed/src");
        Files.createDirectories(src);
        FaultSupport.write(src, "keep.txt", "before");
        Path cf = conf("killed.conf");
        assertThat(EmbeddedCluster.run("content-sync", "-c", cf.toString(), "-y", "--dest", DEST,
                src.toString()).exit()).isZero();
        Map<String, String> before = TreeAssert.describe(c.www(1));
        FaultSupport.write(src, "keep.txt", "after, longer");
        // 1 MiB at 1 MiB/s per node: a second of staging, in which node 2 is killed once its file has bytes.
        Files.write(src.resolve("big.bin"), new byte[1 << 20]);
        CompletableFuture<Void> killer = Await.inBackground("staging on node 2", Duration.ofSeconds(30),
                () -> Await.stagedFile(c.www(2)).isPresent(), () -> c.stop(2));
        EmbeddedCluster.Result r = EmbeddedCluster.run("content-sync", "-c", cf.toString(), "-y", "--bwlimit", "1M",
                "--dest", DEST, src.toString());
        killer.get(30, TimeUnit.SECONDS);
        assertThat(r.exit()).as(all(r)).isEqualTo(3);
        assertThat(TreeAssert.describe(c.www(1))).isEqualTo(before);
        c.start(2);
        EmbeddedCluster.Result again = EmbeddedCluster.run("content-sync", "-c", cf.toString(), "-y", "--dest", DEST,
                src.toString());
        assertThat(again.exit()).as(all(again)).isZero();
        for (int i = 1; i <= c.size(); i++) {
            TreeAssert.assertSameTree(src, c.www(i));
        }
    }

    @Test
    void hostileNamesArriveVerbatimOnOpenSshNodesAndNoShellRunsThem() throws Exception {
        Path src = tmp.resolve("hostile-src");
        HostileTree t = HostileTree.build(src);
        Path conf = conf("hostile.conf");
        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        FaultSupport.assertNoStackTrace(r);
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, c.www(i));
            assertThat(FaultSupport.tempFiles(c.www(i))).isEmpty();
        }
        assertThat(t.pwned).doesNotExist(); // the nodes share this machine's /tmp

        // --checksum runs sha256sum through the node's real shell: names must travel as data.
        Path changed = src.resolve("`touch " + t.pwned + "`");
        FileTime mtime = Files.getLastModifiedTime(changed);
        byte[] b = Files.readAllBytes(changed);
        b[0] ^= 1;
        Files.write(changed, b);
        Files.setLastModifiedTime(changed, mtime);
        r = push(conf, src, DEST, "--checksum");
        assertThat(r.exit()).as(all(r)).isZero();
        assertThat(r.out()).as(all(r)).contains("updated 1");
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, c.www(i));
        }
        assertThat(t.pwned).doesNotExist();

        FaultSupport.sh(src, "rm -rf ./'-leading-dash' ./*newline* ./'$(touch '* ./*'`'*");
        r = push(conf, src, DEST, "--delete");
        assertThat(r.exit()).as(all(r)).isZero();
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, c.www(i));
        }
        assertThat(t.pwned).doesNotExist();
    }

    @Test
    void aNonUtf8NameArrivesAsItsBytesOnOpenSsh() throws Exception {
        Path src = tmp.resolve("bad-src");
        FaultSupport.write(src, "good.txt", "good");
        FaultSupport.sh(src, "echo x > \"$(printf 'bad\\377name')\" && mkdir \"$(printf 'caf\\351')\""
                + " && echo y > \"$(printf 'caf\\351')/$(printf 'x\\300y')\"");
        EmbeddedCluster.Result r = push(conf("bad.conf"), src, DEST);
        assertThat(r.exit()).as("OpenSSH's sftp-server and scp take names as bytes: " + all(r)).isZero();
        FaultSupport.assertNoStackTrace(r);
        for (int i = 1; i <= 2; i++) {
            assertThat(ItSupport.byteNames(c.www(i))).isEqualTo(ItSupport.byteNames(src));
        }
        r = push(conf("bad.conf"), src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        assertThat(r.out()).contains("created 0, updated 0, deleted 0, 0 B");
    }

    /**
     * Node 2's /var/www/html is a 1 MB tmpfs: mounted over base/node2/www in this (the host's)
     * mount namespace while node 2 is stopped, so the bind mount node 2 makes when it starts
     * again binds the tmpfs. A 2 MB file cannot be staged there.
     */
    @Test
    void aFullDiskOnOneNodeAbortsThePushWithAMessageAboutSpace() throws Exception {
        Path www2 = c.www(2);
        c.stop(2);
        FaultSupport.sh(null, "mount -t tmpfs -o size=1m tlclb-fault-tmpfs '" + www2 + "'");
        try {
            c.start(2);
            Path src = tmp.resolve("disk-src");
            FaultSupport.write(src, "index.html", "small v1");
            Path conf = conf("disk.conf");
            EmbeddedCluster.Result r = push(conf, src, DEST);
            assertThat(r.exit()).as(all(r)).isZero();
            Map<String, String> node1Before = TreeAssert.describe(c.www(1));

            TestFiles.big(src.resolve("big.bin"), 2L << 20);
            FaultSupport.write(src, "index.html", "small v2, longer");
            r = push(conf, src, DEST);
            assertThat(r.exit()).as(all(r)).isEqualTo(3);
            FaultSupport.assertNoStackTrace(r);
            assertThat(r.out() + r.err()).as(all(r)).contains("node2").containsIgnoringCase("space");
            assertThat(TreeAssert.describe(c.www(1))).as("node 1 unchanged").isEqualTo(node1Before);
            assertThat(FaultSupport.tempFiles(c.www(1))).isEmpty();
            assertThat(c.www(2).resolve("index.html")).hasContent("small v1");
            System.out.println("HostileOpenSshIT: temp files left on the full node 2: "
                    + FaultSupport.tempFiles(c.www(2)));
        } finally {
            c.stop(2);
            FaultSupport.exec(List.of("umount", www2.toString()), null, 30);
            c.start(2);
        }
    }
}
