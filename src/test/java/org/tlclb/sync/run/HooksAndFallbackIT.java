package org.tlclb.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Post-sync hooks, config validation, and the full-SCP fallback for nodes without SFTP. */
class HooksAndFallbackIT {
    @RegisterExtension
    static final EmbeddedCluster cluster = EmbeddedCluster.perClass(2);
    @TempDir
    Path tmp;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        src = tmp.resolve("src");
        Files.createDirectories(src.resolve("d"));
        Files.writeString(src.resolve("d/a.txt"), "a");
        Files.setLastModifiedTime(src.resolve("d/a.txt"), FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    }

    private EmbeddedCluster.Result push(Path conf, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("content-sync", "-c", conf.toString(),
                "-y", "--json", "-", "--dest", "/var/www/html"));
        args.addAll(java.util.List.of(extra));
        args.add(src.toString());
        return EmbeddedCluster.run(args.toArray(String[]::new));
    }

    private static JsonNode json(EmbeddedCluster.Result r) throws Exception {
        return new ObjectMapper().readTree(r.out().substring(r.out().indexOf('{')));
    }

    @Test
    void postSyncRunsOnlyWhereSomethingChanged() throws Exception {
        Path conf = cluster.writeConfig("PostSync content \"echo ok\"\n");
        assertThat(push(conf, "-w", "node1").exit()).isZero();
        EmbeddedCluster.Result r = push(conf);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode nodes = json(r).get("nodes");
        for (JsonNode n : nodes) {
            if (n.get("node").asText().equals("node1")) {
                assertThat(n.get("hook").isNull()).as("node1 had nothing to change").isTrue();
            } else {
                assertThat(n.get("hook").get("exit_status").asInt()).isZero();
                assertThat(n.get("hook").get("output_tail").asText()).isEqualTo("ok");
            }
        }
    }

    @Test
    void aFailingHookFailsTheNodeButItsFilesStayCommitted() throws Exception {
        Path conf = cluster.writeConfig("");
        EmbeddedCluster.Result r = push(conf, "--post-sync", "systemctl reload httpd");
        assertThat(r.exit()).isEqualTo(1);
        for (JsonNode n : json(r).get("nodes")) {
            assertThat(n.get("status").asText()).isEqualTo("hook_failed");
            assertThat(n.get("hook").get("exit_status").asInt()).isNotZero();
        }
        assertThat(cluster.path(1, "/var/www/html/d/a.txt")).hasContent("a");
    }

    @Test
    void aNodeWithoutSftpGetsAFullScpCopyAndTheReportSaysSo() throws Exception {
        int plain = cluster.addNodeWithoutSftp();
        // As with the original tool's scp -r, the destination's parent must exist on the node.
        Files.createDirectories(cluster.path(plain, "/var/www"));
        Path conf = cluster.writeConfig("");
        EmbeddedCluster.Result r = push(conf);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(cluster.path(plain, "/var/www/html/d/a.txt")).hasContent("a");
        assertThat(Files.getLastModifiedTime(cluster.path(plain, "/var/www/html/d/a.txt")))
                .isEqualTo(FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
        boolean sawScp = false;
        for (JsonNode n : json(r).get("nodes")) {
            if (n.get("node").asText().equals("node" + plain)) {
                assertThat(n.get("mode").asText()).isEqualTo("scp");
                sawScp = true;
            } else {
                assertThat(n.get("mode").asText()).isEqualTo("sftp");
            }
        }
        assertThat(sawScp).isTrue();
        EmbeddedCluster.Result text = EmbeddedCluster.run("content-sync", "-c", conf.toString(), "-y", "--dest",
                "/var/www/html", src.toString());
        assertThat(text.out()).contains("no SFTP on the node: full SCP copy");
    }
}
