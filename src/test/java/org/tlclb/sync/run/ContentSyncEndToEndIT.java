package org.tlclb.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ContentSyncEndToEndIT {
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
        write("index.html", "<h1>hello</h1>\n", "rw-r--r--");
        write("secret.txt", "s3cret", "rw-------");
        write("cgi/run.sh", "#!/bin/sh\necho hi\n", "rwxr-xr-x");
        write("a/b/c/deep.txt", "deep", "rw-r--r--");
        write("with space/file name.txt", "spaces", "rw-r--r--");
        write("unicode/日本語 é.txt", "ünïcödé", "rw-r--r--");
        write("empty.txt", "", "rw-r--r--");
        Files.createDirectories(src.resolve("empty-dir"));
        Files.createDirectories(src.resolve("a/empty"));
    }

    private void write(String rel, String content, String perms) throws Exception {
        Path p = src.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-03-01T10:00:00Z").plusSeconds(rel.length())));
    }

    private EmbeddedCluster.Result push(String... extra) {
        String[] base = {"content-sync", "-c", conf.toString(), "-y", "--dest", "/var/www/html", src.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return EmbeddedCluster.run(args);
    }

    @Test
    void fullPushMakesEveryNodeIdentical() throws Exception {
        EmbeddedCluster.Result r = push();
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(0);
        for (int i = 1; i <= 3; i++) {
            TreeAssert.assertSameTree(src, cluster.path(i, "/var/www/html"));
        }
        assertThat(r.out()).contains("node1", "node2", "node3", "3 of 3 nodes in sync");
    }

    @Test
    void secondRunWithNothingChangedSendsNothing() throws Exception {
        assertThat(push().exit()).isZero();
        EmbeddedCluster.Result r = push("--json", "-");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        // --json -: the JSON alone on stdout, the text report on stderr
        assertThat(r.err()).contains("created 0, updated 0, deleted 0, 0 B");
        assertThat(r.out().strip()).startsWith("{").endsWith("}").contains("\"bytes\" : 0");
    }

    @Test
    void unknownHostKeyIsRefused() throws Exception {
        Files.writeString(cluster.knownHosts(), "");
        EmbeddedCluster.Result r = push();
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).contains("SHA256:");
        assertThat(Files.exists(cluster.path(1, "/var/www/html/index.html"))).isFalse();
    }

    @Test
    void aDownNodeAbortsTheWholePushByDefault() throws Exception {
        cluster.stop(2);
        EmbeddedCluster.Result r = push();
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(r.out()).contains("node2").contains("FAILED");
        for (int i : new int[] {1, 3}) {
            // Nothing changed: not even the destination directory the run had made is left.
            assertThat(cluster.path(i, "/var/www/html")).doesNotExist();
        }
    }

    @Test
    void partialOkCommitsOnTheNodesThatStaged() throws Exception {
        cluster.stop(2);
        EmbeddedCluster.Result r = push("--partial-ok");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        TreeAssert.assertSameTree(src, cluster.path(1, "/var/www/html"));
        TreeAssert.assertSameTree(src, cluster.path(3, "/var/www/html"));
    }
}
