package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.TreeAssert;

/**
 * The node listing reads the directories the source predicts in two round trips; what the
 * source does not predict must still be seen whole. Through the launcher against a real
 * OpenSSH node whose tree differs from the source: a deep subtree only the node has, a
 * directory holding far more entries than the source's (past the reads queued for it),
 * symlinks only on the node, and a symlink where the source has a directory (never listed
 * through). With --delete the node ends up equal to the source, and nothing outside changes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NodeListingIT {
    static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");
    @TempDir
    static Path shared;
    static OpenSshCluster c;

    @TempDir
    Path tmp;
    Path conf;
    Path src;
    Launcher launcher;

    @BeforeAll
    static void start() throws Exception {
        OpenSshCluster.assumeAvailable(); // skips without root/sshd; fails instead under CI=true
        c = OpenSshCluster.start(shared.resolve("cluster"), 1);
    }

    @AfterAll
    static void stop() {
        if (c != null) {
            c.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        c.start(1);
        ItSupport.wipe(c);
        conf = ItSupport.writeConf(c, tmp.resolve("sync.conf"), "User root\nLogFile " + tmp.resolve("sync.log") + "\n");
        launcher = Launcher.in(tmp.resolve("state")).timeout(Duration.ofSeconds(120));
        src = tmp.resolve("src");
        // Enough files that the deletes below stay under half of the node's (the --max-delete guard).
        for (int i = 0; i < 320; i++) {
            ItSupport.write(src, "d" + (i % 4) + "/s/f" + i + ".txt", "file " + i + "\n", "rw-r--r--", T0.plusSeconds(i));
        }
        ItSupport.write(src, "crowded/one.txt", "the source has one file here\n", "rw-r--r--", T0);
        ItSupport.write(src, "linked/real.txt", "a real directory in the source\n", "rw-r--r--", T0);
        Files.createSymbolicLink(src.resolve("d0/link"), Path.of("s/f0.txt"));
    }

    private Launcher.Result push(String... extra) {
        List<String> args = new ArrayList<>(List.of("-c", conf.toString(), "-y", "--dest", "/var/www/html", src.toString()));
        args.addAll(List.of(extra));
        return launcher.run("tlclb_content_sync", args.toArray(String[]::new));
    }

    @Test
    void whatOnlyTheNodeHasIsListedWholeAndDeletedWithDelete() throws Exception {
        push().exits(0);
        TreeAssert.assertSameTree(src, c.www(1));
        Path www = c.www(1);
        // A deep subtree only the node has, with a crowded directory and a symlink in it.
        for (int i = 0; i < 30; i++) {
            ItSupport.write(www, "node-only/a/b/c/g" + i, "x\n", "rw-r--r--", T0);
        }
        Files.createSymbolicLink(www.resolve("node-only/a/ln"), Path.of("b"));
        // A directory both have, grown on the node far past the entries the source has there.
        for (int i = 0; i < 250; i++) {
            ItSupport.write(www, "crowded/extra" + i, "x\n", "rw-r--r--", T0);
        }
        // Symlinks only on the node, and a file where the source has a symlink.
        Files.createSymbolicLink(www.resolve("d1/stray-link"), Path.of("/etc/hostname"));
        Files.delete(www.resolve("d0/link"));
        ItSupport.write(www, "d0/link", "a file where the source has a link\n", "rw-r--r--", T0);
        // Where the source has a directory, the node has a link to a directory outside the tree.
        Path outside = tmp.resolve("outside");
        ItSupport.write(outside, "real.txt", "outside the tree: never listed, never deleted\n", "rw-r--r--", T0);
        ItSupport.write(outside, "more.txt", "outside too\n", "rw-r--r--", T0);
        Map<String, String> outsideBefore = TreeAssert.describe(outside);
        ItSupport.emptyDir(www.resolve("linked"));
        Files.delete(www.resolve("linked"));
        Files.createSymbolicLink(www.resolve("linked"), outside);

        push().exits(0);
        Map<String, String> kept = TreeAssert.describe(www);
        assertThat(kept).as("without --delete the node's own entries stay")
                .containsKeys("node-only/a/b/c/g29", "crowded/extra249", "d1/stray-link");
        assertThat(kept.get("d0/link")).startsWith("link");
        assertThat(kept.get("linked")).startsWith("dir");

        push("--delete").exits(0);
        TreeAssert.assertSameTree(src, www);
        assertThat(TreeAssert.describe(outside)).as("outside the tree").isEqualTo(outsideBefore);
        assertThat(ItSupport.tempFiles(www)).isEmpty();
    }

    @Test
    void aNodeTreeUnlikeTheSourceIsListedLevelByLevelAndConverges() throws Exception {
        Path www = c.www(1);
        // The node holds another site entirely: nothing the source predicts is there.
        for (int i = 0; i < 150; i++) {
            ItSupport.write(www, "other/x" + (i % 3) + "/y" + (i % 7) + "/z" + i, "old\n", "rw-r--r--", T0);
        }
        push("--delete", "--max-delete", "1000").exits(0);
        TreeAssert.assertSameTree(src, www);
        push("--delete").exits(0);
        TreeAssert.assertSameTree(src, www);
    }
}
