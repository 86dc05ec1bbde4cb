package org.tlclb.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.it.Await;
import org.tlclb.sync.it.Launcher;

/** What cron relies on: timeouts against a dead node, the lock, the JSON report, the log, plain output. */
class CronOperationIT {
    static final String DEST = "/var/www/html";
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
    }

    @Test
    void aNodeThatAcceptsTcpButNeverSpeaksFailsWithinTheTimeoutAndTheRestCompletes() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
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
            // The smallest timeout there is (1 s), and one retry: two silent attempts.
            EmbeddedCluster.Result r = EmbeddedCluster.run("content-sync", "-c", conf.toString(), "-y", "-w", servers,
                    "--connect-timeout", "1", "--retries", "1", "--partial-ok", "--json", "-", "--log-file",
                    log.toString(), "--dest", DEST, src.toString());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(held).as("the silent node was tried twice (one retry)").hasSize(2);
            assertThat(seconds).as("wall time: two attempts of 1 s and the two good nodes").isLessThan(8);
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertThat(json.get("exit_code").asInt()).isEqualTo(1);
            List<String> statuses = new ArrayList<>();
            json.get("nodes").forEach(n -> statuses.add(n.get("node").asText() + "=" + n.get("status").asText()));
            assertThat(statuses).contains("node1=ok", "node2=ok");
            assertThat(statuses).anyMatch(s -> s.endsWith("=failed"));
            assertThat(cluster.path(1, DEST + "/d/a.txt")).exists();
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
        // 300 KiB at 300 KiB/s: at least a second (the throttle sleeps after each chunk until it is
        // due); the same push without a limit takes a few tenths.
        Files.write(src.resolve("big.bin"), new byte[300 * 1024]);
        Path conf = cluster.writeConfig("");
        long t0 = System.nanoTime();
        EmbeddedCluster.Result r = EmbeddedCluster.run("content-sync", "-c", conf.toString(), "-y", "--bwlimit", "300K",
                "-w", "node1", "--dest", DEST, src.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(seconds).isGreaterThan(0.95);
        assertThat(EmbeddedCluster.run("content-sync", "-c", conf.toString(), "-y", "--bwlimit", "fast",
                "--dest", DEST, src.toString()).exit()).isEqualTo(2);
    }

    @Test
    void ctrlCBeforeCommitRemovesWhatWasStagedAndExits5() throws Exception {
        Files.write(src.resolve("big.bin"), new byte[2 * 1024 * 1024]);
        Path conf = cluster.writeConfig("");
        // The launcher as cron starts it (its own state paths); 2 MiB at 256 KiB/s: 8 s of staging.
        Process p = Launcher.in(tmp.resolve("state")).start("tlclb_content_sync", "-c", conf.toString(), "-y",
                "--bwlimit", "256K", "--dest", DEST, src.toString());
        try {
            Await.staging(cluster.path(1, DEST), Duration.ofSeconds(30));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(); // env and the launcher exec java
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isEqualTo(5);
        } finally {
            p.destroyForcibly();
        }
        for (int i = 1; i <= 2; i++) {
            // The run had made the destination; an aborted run leaves nothing, not even that.
            assertThat(cluster.path(i, DEST)).as("node %d", i).doesNotExist();
        }
    }
}
