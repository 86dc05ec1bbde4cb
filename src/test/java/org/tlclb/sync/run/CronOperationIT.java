package org.tlclb.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.config.StatePaths;
import org.junit.jupiter.api.io.TempDir;

/** What cron relies on: timeouts against a dead node, the lock, the JSON report, the log, plain output. */
class CronOperationIT {
    @TempDir
    Path tmp;
    EmbeddedCluster cluster;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        cluster = EmbeddedCluster.start(tmp.resolve("cluster"), 2);
        src = tmp.resolve("src");
        Files.createDirectories(src.resolve("d"));
        Files.writeString(src.resolve("d/a.txt"), "a");
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    @Test
    void aNodeThatAcceptsTcpButNeverSpeaksFailsWithinTheTimeoutAndTheRestCompletes() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket blackhole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!blackhole.isClosed()) {
                    try {
                        held.add(blackhole.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Path conf = cluster.writeConfig("");
            String servers = "node1,node2,root@127.0.0.1:" + blackhole.getLocalPort();
            Path log = tmp.resolve("log/sync.log");
            long t0 = System.nanoTime();
            EmbeddedCluster.Result r = EmbeddedCluster.run("content-sync", "-c", conf.toString(), "-y", "-w", servers,
                    "--connect-timeout", "2", "--retries", "1", "--partial-ok", "--json", "-", "--log-file",
                    log.toString(), "--dest", "/var/www/html", src.toString());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(seconds).as("wall time").isLessThan(15);
            JsonNode json = new ObjectMapper().readTree(r.out().substring(r.out().indexOf('{')));
            assertThat(json.get("exit_code").asInt()).isEqualTo(1);
            List<String> statuses = new ArrayList<>();
            json.get("nodes").forEach(n -> statuses.add(n.get("node").asText() + "=" + n.get("status").asText()));
            assertThat(statuses).contains("node1=ok", "node2=ok");
            assertThat(statuses).anyMatch(s -> s.endsWith("=failed"));
            assertThat(cluster.path(1, "/var/www/html/d/a.txt")).exists();
            String logText = Files.readString(log);
            assertThat(logText).contains("node node1 ok", "node node2 ok", "failed", "exit=1");
            assertThat(r.out() + r.err()).doesNotContain("\u001b[");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void bwlimitSlowsTheTransfer() throws Exception {
        Files.write(src.resolve("big.bin"), new byte[600 * 1024]);
        Path conf = cluster.writeConfig("");
        long t0 = System.nanoTime();
        EmbeddedCluster.Result r = EmbeddedCluster.run("content-sync", "-c", conf.toString(), "-y", "--bwlimit", "300K",
                "-w", "node1", "--dest", "/var/www/html", src.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(seconds).isGreaterThan(1.8);
        assertThat(EmbeddedCluster.run("content-sync", "-c", conf.toString(), "-y", "--bwlimit", "fast",
                "--dest", "/var/www/html", src.toString()).exit()).isEqualTo(2);
    }

    @Test
    void ctrlCBeforeCommitRemovesWhatWasStagedAndExits5() throws Exception {
        Files.write(src.resolve("big.bin"), new byte[2 * 1024 * 1024]);
        Path conf = cluster.writeConfig("");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), org.tlclb.sync.cli.Main.class.getName(),
                "content-sync", "-c", conf.toString(), "-y", "--bwlimit", "256K", "--dest", "/var/www/html",
                src.toString()).redirectErrorStream(true);
        StatePaths state = EmbeddedCluster.testPaths();
        pb.environment().put("TLCLB_LOCK_DIR", state.lockDir().toString());
        pb.environment().put("TLCLB_LOG_FILE", state.logFile().toString());
        pb.environment().put("TLCLB_HOME", state.home().toString());
        Process p = pb.start();
        Path node = cluster.path(1, "/var/www/html");
        long deadline = System.nanoTime() + 20_000_000_000L;
        boolean staging = false;
        while (!staging && System.nanoTime() < deadline) {
            Thread.sleep(50);
            try (var s = Files.walk(node)) {
                staging = s.anyMatch(f -> org.tlclb.sync.plan.TempNames.isTemp(f.getFileName().toString()));
            } catch (java.io.IOException | java.io.UncheckedIOException notYet) {
                // the destination does not exist yet
            }
        }
        assertThat(staging).as("staging started").isTrue();
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isEqualTo(5);
        for (int i = 1; i <= 2; i++) {
            // The run had made the destination; an aborted run leaves nothing, not even that.
            assertThat(cluster.path(i, "/var/www/html")).as("node %d", i).doesNotExist();
        }
    }
}
