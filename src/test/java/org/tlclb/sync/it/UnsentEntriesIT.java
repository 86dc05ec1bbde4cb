package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tlclb.sync.it.Launcher.Result;

/**
 * Issue 29, parts 4 and 5, through scripts/ against two OpenSSH nodes: a node is "in sync" only
 * when every entry of the source is on it. A file that changes while it is sent is read and sent
 * again, whole and consistent, never torn; one that never holds still, and a name that is not
 * UTF-8, leave the nodes partial (exit 1), are named in the text and JSON reports (a name by its
 * bytes, {@code \#377}), are drift for check, and the next run sends what it can.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UnsentEntriesIT extends LabTestBase {
    /** 20 MB at 10 MB/s per node: each send of the file takes two seconds. */
    private static final int LOG_SIZE = 20_000_000;
    private static final String RATE = "10M";

    private Path json() {
        return tmp.resolve("report.json");
    }

    private JsonNode report() throws IOException {
        return new ObjectMapper().readTree(json().toFile());
    }

    private Result check() {
        return launcher.run("tlclb", "check", "-c", conf.toString(), "--dest", DEST, src.toString());
    }

    private Path log() throws IOException {
        byte[] data = new byte[LOG_SIZE];
        new Random(29).nextBytes(data);
        Path live = src.resolve("live.log");
        Files.write(live, data);
        Files.writeString(src.resolve("index.html"), "<p>home</p>\n");
        return live;
    }

    private static void append(Path file, String line) {
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The nodes hold no staged file of the run, anywhere in their trees. */
    private void assertNoTempFiles() throws IOException {
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(ItSupport.tempFiles(cluster.www(i))).as("node %d", i).isEmpty();
        }
    }

    /** Each node's line of the text report starts so (a regular expression after the name); the root's time may need a fix or not. */
    private static void assertNodeLines(Result r, String line) {
        for (String node : new String[] {"node1", "node2"}) {
            assertThat(r.out()).as(r.describe()).containsPattern("(?m)^" + node + "     " + line);
        }
    }

    private void assertNodesAreTheSource() throws IOException {
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(CarryContractIT.describe(cluster.www(i), true)).as("node %d", i)
                    .isEqualTo(CarryContractIT.describe(src, true));
        }
    }

    @Test
    void aFileThatNeverHoldsStillLeavesTheNodesPartialNamedAndTheNextRunSendsIt() throws Exception {
        Path live = log();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            for (int n = 0; writing.get(); n++) {
                append(live, "line " + n + "\n");
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "live.log writer");
        writer.start();
        Result r;
        Result drift;
        try {
            r = push("--bwlimit", RATE, "--json", json().toString()).exits(1);
            drift = check().exits(1);
        } finally {
            writing.set(false);
            writer.join();
        }
        String why = DEST + "/live.log: still changing after 3 tries";
        assertNodeLines(r, "PARTIAL  created 1, updated [01], deleted 0, 12 B");
        assertThat(r.out()).contains("1 entry of the source not carried: " + why, "total: 0 of 2 nodes in sync");
        assertThat(ItSupport.count(r.out(), "1 entry of the source not carried: " + why)).isEqualTo(2);
        assertThat(r.out() + r.err()).doesNotContain("left as it was", "\tat ");
        JsonNode j = report();
        assertThat(j.get("outcome").asText()).isEqualTo("partial");
        assertThat(j.get("exit_code").asInt()).isEqualTo(1);
        for (JsonNode n : j.get("nodes")) {
            assertThat(n.get("status").asText()).as(n.toString()).isEqualTo("partial");
            assertThat(n.get("not_carried")).hasSize(1);
            assertThat(n.get("not_carried").get(0).get("path").asText()).isEqualTo(DEST + "/live.log");
            assertThat(n.get("not_carried").get(0).get("why").asText()).isEqualTo("still changing after 3 tries");
            assertThat(n.get("warnings")).isEmpty();
        }
        // Never a torn copy: the file is on no node, the rest is; nothing staged is left.
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(cluster.www(i).resolve("live.log")).doesNotExist();
            assertThat(cluster.www(i).resolve("index.html")).hasContent("<p>home</p>");
        }
        assertNoTempFiles();
        assertThat(drift.out()).contains("node1     DRIFT    1 to create", "node2     DRIFT    1 to create");

        // Quiet now: the next run sends it, and the nodes are the source.
        push().exits(0);
        assertNodesAreTheSource();
        check().exits(0);
    }

    @Test
    void aFileThatChangesOnceWhileSentIsSentAgainWholeAndTheNodesAreInSync() throws Exception {
        Path live = log();
        // One line more once both nodes are receiving the file: each first send is torn, not staged.
        CompletableFuture<Void> once = Await.inBackground("live.log streaming to both nodes", Duration.ofSeconds(60),
                () -> Await.stagedFile(cluster.www(1)).isPresent() && Await.stagedFile(cluster.www(2)).isPresent(),
                () -> append(live, "the last line\n"));
        Result r = push("--bwlimit", RATE, "--json", json().toString());
        once.get(60, TimeUnit.SECONDS);
        r.exits(0);
        assertNodeLines(r, "ok       created 2, updated [01], deleted 0, ");
        assertThat(r.out()).contains("total: 2 of 2 nodes in sync");
        assertThat(r.out() + r.err()).doesNotContain("not carried", "changed while", "\tat ");
        JsonNode j = report();
        assertThat(j.get("outcome").asText()).isEqualTo("in_sync");
        for (JsonNode n : j.get("nodes")) {
            assertThat(n.get("status").asText()).isEqualTo("ok");
            assertThat(n.get("not_carried")).isEmpty();
            assertThat(n.get("warnings")).isEmpty();
            assertThat(n.get("bytes").asLong()).as("the second, whole send").isEqualTo(LOG_SIZE + 14 + 12);
        }
        // Each node has the file as it is now, with its last line: the copy sent again.
        assertNodesAreTheSource();
        assertThat(Files.size(cluster.www(1).resolve("live.log"))).isEqualTo(LOG_SIZE + 14);
        assertNoTempFiles();
        check().exits(0);
    }

    @Test
    void aNameThatIsNotUtf8ArrivesAsItsBytesIsShownEscapedAndCheckSaysInSync() throws Exception {
        Files.writeString(src.resolve("index.html"), "<p>home</p>\n");
        // A file, and a new directory with a file inside (the SCP stream's D line carries that name).
        Process p = new ProcessBuilder("sh", "-c", "printf 'x' > \"$(printf 'bad\\377name')\" && mkdir \"$(printf 'caf\\351')\""
                + " && printf 'y' > \"$(printf 'caf\\351')/in.txt\"").directory(src.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("sh makes the names").isTrue();

        Result plan = push("-n").exits(0);
        assertThat(plan.out()).contains("bad\\#377name", "caf\\#351/").doesNotContain("\uFFFD");
        Result r = push("--json", json().toString()).exits(0);
        assertNodeLines(r, "ok       created 4, updated [01], deleted 0, 14 B");
        assertThat(r.out() + r.err()).doesNotContain("not carried", "\uFFFD", "\tat ");
        JsonNode j = report();
        assertThat(j.get("outcome").asText()).isEqualTo("in_sync");
        for (JsonNode n : j.get("nodes")) {
            assertThat(n.get("not_carried")).isEmpty();
        }
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(ItSupport.byteNames(cluster.www(i))).as("node %d", i).isEqualTo(ItSupport.byteNames(src))
                    .contains("./bad\u00ffname", "./caf\u00e9/in.txt");
        }
        assertNoTempFiles();
        assertThat(push().exits(0).out()).contains("node1     ok       created 0, updated 0, deleted 0, 0 B");
        assertThat(check().exits(0).out()).contains("node1     in sync", "node2     in sync");

        // Changed and deleted by their bytes too.
        Files.delete(ItSupport.byteNamed(src, "caf\u00e9/in.txt"));
        Files.writeString(ItSupport.byteNamed(src, "bad\u00ffname"), "changed");
        Result again = push("--delete").exits(0);
        assertNodeLines(again, "ok       created 0, updated [1-3], deleted 1, 7 B");
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(ItSupport.byteNames(cluster.www(i))).isEqualTo(ItSupport.byteNames(src));
            assertThat(ItSupport.byteNamed(cluster.www(i), "bad\u00ffname")).hasContent("changed");
        }
    }
}
