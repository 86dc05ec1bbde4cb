package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.faults.FaultSupport.all;
import static org.tlclb.sync.faults.FaultSupport.push;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/**
 * SPEC 3 "symlinks are recreated as symlinks, never followed out of the tree", SPEC 3 "special
 * files are skipped with a warning" and SPEC 8 "nothing is written outside the destination":
 * links out of the source tree are copied as links (the outside content never travels), and a
 * symlink on the node where the source has a directory is replaced, never written through.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultSymlinkIT {
    static final String DEST = "/var/www/html";
    @RegisterExtension
    static final EmbeddedCluster cluster = EmbeddedCluster.perClass(2);
    @TempDir
    Path tmp;
    Path conf;
    Path src;
    Path outside;
    String secret;

    @BeforeEach
    void setUp() throws Exception {
        conf = cluster.writeConfig("");
        src = tmp.resolve("src");
        outside = tmp.resolve("outside");
        secret = "TOP-SECRET-" + FaultSupport.token();
        FaultSupport.write(outside, "secret.txt", secret);
        FaultSupport.write(outside, "deeper/also-secret.txt", secret);
        FaultSupport.write(src, "index.html", "hello");
        FaultSupport.write(src, "sub/page.html", "page");
    }

    /** No regular file under root holds the secret (links are not followed). */
    private void assertSecretAbsent(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                assertThat(new String(Files.readAllBytes(p), StandardCharsets.UTF_8)).as(p.toString())
                        .doesNotContain(secret);
            }
        }
    }

    @Test
    void linksOutOfTheTreeLoopsAndDanglingLinksAreCopiedAsLinksNeverFollowed() throws Exception {
        Files.createSymbolicLink(src.resolve("abs-out"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(src.resolve("rel-out"), Path.of("../outside/secret.txt"));
        Files.createSymbolicLink(src.resolve("sub/rel-dir-out"), Path.of("../../outside"));
        Files.createSymbolicLink(src.resolve("dir-out"), outside);
        Files.createSymbolicLink(src.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(src.resolve("loop-b"), Path.of("loop-a"));
        Files.createSymbolicLink(src.resolve("self"), Path.of("self"));
        Files.createSymbolicLink(src.resolve("dangling"), Path.of("/nonexistent/" + FaultSupport.token()));
        Files.createSymbolicLink(src.resolve("root-link"), Path.of("/"));
        Files.createSymbolicLink(src.resolve("sub/up"), Path.of(".."));

        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        for (int i = 1; i <= 2; i++) {
            Path www = cluster.path(i, DEST);
            TreeAssert.assertSameTree(src, www);
            assertThat(Files.readSymbolicLink(www.resolve("abs-out"))).isEqualTo(outside.resolve("secret.txt"));
            assertThat(Files.isSymbolicLink(www.resolve("dir-out"))).isTrue();
            assertSecretAbsent(cluster.node(i).root());
        }
        // And the run is stable: the links read back from the node equal the source's.
        r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        assertThat(r.out()).contains("created 0, updated 0, deleted 0");
    }

    @Test
    void aLinkReplacedByARealDirectoryIsNotWrittenThrough() throws Exception {
        // On each node, a directory outside the destination that a link will point to.
        for (int i = 1; i <= 2; i++) {
            FaultSupport.write(cluster.path(i, "/victim"), "keep.txt", "victim");
        }
        Files.createSymbolicLink(src.resolve("uploads"), Path.of("/victim"));
        assertThat(push(conf, src, DEST).exit()).isZero();
        Map<String, String> victimBefore = FaultSupport.snapshot(cluster.path(1, "/victim"));

        // Now the source has a real directory there; the node still has the link.
        Files.delete(src.resolve("uploads"));
        FaultSupport.write(src, "uploads/new.txt", "uploaded");
        FaultSupport.write(src, "uploads/deep/er.txt", "deeper");
        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        for (int i = 1; i <= 2; i++) {
            Path www = cluster.path(i, DEST);
            assertThat(Files.isSymbolicLink(www.resolve("uploads"))).isFalse();
            TreeAssert.assertSameTree(src, www);
            assertThat(FaultSupport.snapshot(cluster.path(i, "/victim"))).isEqualTo(victimBefore);
        }
    }

    @Test
    void aLinkPlantedOnTheNodeWhereTheSourceHasADirectoryIsReplacedNotFollowed() throws Exception {
        FaultSupport.write(src, "assets/app.js", "js");
        FaultSupport.write(src, "assets/img/logo.png", "png");
        for (int i = 1; i <= 2; i++) {
            FaultSupport.write(cluster.path(i, "/victim"), "keep.txt", "victim");
            Path www = cluster.path(i, DEST);
            Files.createDirectories(www);
            Files.createSymbolicLink(www.resolve("assets"), Path.of("/victim")); // absolute, node's view
        }
        Map<String, String> victimBefore = FaultSupport.snapshot(cluster.path(1, "/victim"));
        EmbeddedCluster.Result r = push(conf, src, DEST); // no --delete: still must not write through
        assertThat(r.exit()).as(all(r)).isZero();
        for (int i = 1; i <= 2; i++) {
            assertThat(FaultSupport.snapshot(cluster.path(i, "/victim"))).as("node " + i + ": /victim")
                    .isEqualTo(victimBefore);
            TreeAssert.assertSameTree(src, cluster.path(i, DEST));
        }
    }

    @Test
    void aFifoIsSkippedWithAWarningNamingIt() throws Exception {
        FaultSupport.sh(src, "mkfifo 'named pipe' && mkfifo sub/fifo2");
        EmbeddedCluster.Result r = push(conf, src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        String text = r.out() + r.err();
        assertThat(text).contains("named pipe").contains("sub/fifo2").containsIgnoringCase("special file");
        var subMtime = Files.getLastModifiedTime(src.resolve("sub"));
        Files.delete(src.resolve("named pipe"));
        Files.delete(src.resolve("sub/fifo2"));
        Files.setLastModifiedTime(src.resolve("sub"), subMtime); // deleting touched it; the run did not
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, cluster.path(i, DEST));
        }
    }
}
