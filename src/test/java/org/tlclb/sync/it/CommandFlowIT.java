package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.it.Launcher.Result;

/**
 * Every command's run ends through the one flow (cli/CommandFlow): a lock another run holds is a
 * report with exit 4 and a JSON document, and Ctrl-C stops check and rollback with exit 5 and
 * nothing changed, as it stops a push.
 */
class CommandFlowIT extends LabTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aHeldLockIsAReportWithExit4AndAJsonDocumentForPushAndRollback() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", Instant.ofEpochSecond(1_767_607_200L));
        push("-q").exits(0);
        Files.write(src.resolve("big.bin"), new byte[1024 * 1024]);
        RunningLauncher slow = launcher.spawn("tlclb_content_sync", "-c", conf.toString(), "-y", "--bwlimit", "100K",
                "--dest", DEST, src.toString());
        Contracts.awaitTempFile(cluster.www(1), 30);

        Result locked = push("--json", "-").exits(4);
        assertThat(locked.err()).startsWith("tlclb_content_sync: another run holds the lock (pid " + slow.pid());
        assertLockedDocument(locked.json(), "tlclb_content_sync");

        Path file = tmp.resolve("rollback.json");
        Result rollback = launcher.run("tlclb", "rollback", "-c", conf.toString(), "-y", "--dest", DEST, "--json",
                file.toString()).exits(4);
        assertThat(rollback.out()).isEqualTo("another run on this machine holds the lock, so no node was contacted;"
                + " try again when it ends\n");
        assertLockedDocument(JSON.readTree(file.toFile()), "tlclb rollback");

        slow.signal("TERM");
        slow.await().exits(5);
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.www(i).resolve("index.html")).hasContent("v1");
            assertThat(cluster.www(i).resolve("big.bin")).doesNotExist();
        }
    }

    @Test
    void ctrlCStopsCheckAndRollbackWithExit5AndNothingChanged() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", Instant.ofEpochSecond(1_767_607_200L));
        push("-q").exits(0);
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", Instant.ofEpochSecond(1_767_610_800L));
        push("-q", "--backup").exits(0);
        List<Long> frozen = cluster.pids(2); // node 2's listener: it takes connections and never answers
        signal("STOP", frozen);
        try {
            Path checkJson = tmp.resolve("check.json");
            RunningLauncher check = launcher.spawn("tlclb", "check", "-c", conf.toString(), "--connect-timeout", "120",
                    "--json", checkJson.toString(), "--dest", DEST, src.toString());
            interruptOnceConnected(check);
            Result stopped = check.await().exits(5);
            assertThat(stopped.out()).contains("interrupted: the check did not finish");
            assertThat(stopped.err()).contains("interrupted: stopping");
            JsonNode doc = JSON.readTree(checkJson.toFile());
            assertThat(doc.get("exit_code").asInt()).isEqualTo(5);
            assertThat(doc.get("outcome").asText()).isEqualTo("interrupted");

            RunningLauncher rollback = launcher.spawn("tlclb", "rollback", "-c", conf.toString(), "-y",
                    "--connect-timeout", "120", "--dest", DEST);
            interruptOnceConnected(rollback);
            Result r = rollback.await().exits(5);
            assertThat(r.out()).contains("interrupted before restoring: nothing was changed");
            assertThat(r.err()).contains("interrupted: stopping before restoring");
        } finally {
            signal("CONT", frozen);
        }
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.www(i).resolve("index.html")).as("node %d still holds the pushed version", i)
                    .hasContent("v2");
        }
        // The backup is still there: a rollback now puts v1 back.
        launcher.run("tlclb", "rollback", "-c", conf.toString(), "-y", "-q", "--dest", DEST).exits(0);
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.www(i).resolve("index.html")).hasContent("v1");
        }
    }

    private static void assertLockedDocument(JsonNode doc, String command) {
        assertThat(doc.get("exit_code").asInt()).isEqualTo(4);
        assertThat(doc.get("outcome").asText()).isEqualTo("locked");
        assertThat(doc.get("command").asText()).isEqualTo(command);
        assertThat(doc.get("nodes")).hasSize(2);
        for (JsonNode n : doc.get("nodes")) {
            assertThat(n.get("status").asText()).isEqualTo("skipped");
            assertThat(n.get("error").asText()).startsWith("not contacted: another run holds the lock (pid ");
        }
    }

    /** Sends Ctrl-C once the run has a TCP connection to the frozen node 2 (so it is waiting on it). */
    private static void interruptOnceConnected(RunningLauncher run) throws Exception {
        String v4 = hexAddress(cluster.address(2)) + ":0016"; // port 22
        String mapped = "0000000000000000FFFF0000" + v4; // a dual-stack socket's IPv4-mapped peer, in tcp6
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!established("/proc/net/tcp", v4) && !established("/proc/net/tcp6", mapped)) {
            assertThat(run.isAlive()).as("the run waits for node 2").isTrue();
            assertThat(System.nanoTime()).as("the run connected to node 2 within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        Thread.sleep(200);
        run.signal("INT");
    }

    /** Whether {@code table} (/proc/net/tcp, tcp6) lists an established connection to {@code peer} (hex address:port). */
    private static boolean established(String table, String peer) throws IOException {
        for (String line : Files.readAllLines(Path.of(table))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[2].equalsIgnoreCase(peer) && f[3].equals("01")) {
                return true;
            }
        }
        return false;
    }

    /** An IPv4 address as /proc/net/tcp writes it: four bytes, little-endian, in hex. */
    private static String hexAddress(String ip) {
        String[] b = ip.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (int i = 3; i >= 0; i--) {
            sb.append(String.format("%02X", Integer.parseInt(b[i])));
        }
        return sb.toString();
    }

    private static void signal(String sig, List<Long> pids) throws IOException, InterruptedException {
        for (long pid : pids) {
            assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor()).isZero();
        }
    }
}
