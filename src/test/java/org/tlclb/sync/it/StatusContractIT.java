package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.it.Launcher.Result;

/**
 * The cluster remembered between runs (issue 24): a push records what each node holds, {@code tlclb
 * status} tells it without contacting a node, and {@code --catch-up} sends to the nodes that missed
 * a run, alone, as long as the source is still what the others hold. tlclb status reads this
 * machine's record only: its runs here go on with a node stopped.
 */
@Contract("status")
class StatusContractIT extends LabTestBase {
    private static final Instant T1 = Instant.ofEpochSecond(1_767_607_200L);
    private static final Instant T2 = Instant.ofEpochSecond(1_767_610_800L);
    private static final Instant T3 = Instant.ofEpochSecond(1_767_614_400L);

    @Test
    @Exercises(value = {"--dest", "--json", "-c"}, exits = {0, 1, 3})
    void aNodeThatMissedARunIsBehindUntilACatchUpSendsToItAlone() throws Exception {
        Result none = status().exits(3);
        assertThat(none.out()).startsWith(DEST + ": no push recorded (")
                .contains("  node1  never pushed\n", "  node2  never pushed\n",
                        "0 of 2 nodes current, 2 never pushed (a push with --catch-up sends to those alone)\n");

        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        push("-q").exits(0);
        Result current = status().exits(0);
        assertThat(current.out()).contains("  node1  current (run ", "  node2  current (run ")
                .endsWith("2 of 2 nodes current\n");

        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        cluster.stop(2);
        try {
            Result partial = push("--partial-ok", "--json", "-").exits(1);
            assertThat(partial.json().get("behind")).extracting(JsonNode::asText).containsExactly("node2");
            assertThat(partial.err()).contains("behind: node2 (tlclb status shows since when; --catch-up brings them in)");
            String generation = partial.json().get("generation").asText();
            assertThat(generation).matches("[0-9a-f]{64}");
            JsonNode first = partial.json().get("nodes").get(0);
            JsonNode second = partial.json().get("nodes").get(1);
            assertThat(first.get("generation").asText()).isEqualTo(generation);
            assertThat(first.get("behind").asBoolean()).isFalse();
            assertThat(second.get("generation").isNull()).isTrue();
            assertThat(second.get("behind").asBoolean()).isTrue();

            Result behind = status("--json", "-").exits(1);
            JsonNode doc = behind.json();
            assertThat(doc.get("generation").asText()).isEqualTo(generation);
            assertThat(doc.get("exit_code").asInt()).isEqualTo(1);
            assertThat(doc.get("current")).extracting(JsonNode::asText).containsExactly("node1");
            assertThat(doc.get("behind")).extracting(JsonNode::asText).containsExactly("node2");
            JsonNode node2 = doc.get("nodes").get(1);
            assertThat(node2.get("standing").asText()).isEqualTo("behind");
            assertThat(node2.get("runs_missed").asInt()).isEqualTo(1);
            assertThat(node2.get("failure").asText()).isNotEmpty();
            assertThat(behind.err()).contains("  node2  behind since ", ", 1 run missed; last in sync ", "; last error ")
                    .contains("1 of 2 nodes current, 1 behind");
        } finally {
            cluster.start(2);
        }
        Instant node1Dir = Files.getLastModifiedTime(cluster.www(1).resolve("index.html")).toInstant();
        Result caughtUp = push("--catch-up", "--json", "-").exits(0);
        assertThat(caughtUp.json().get("nodes")).extracting(n -> n.get("node").asText()).containsExactly("node2");
        assertThat(caughtUp.json().get("behind")).isEmpty();
        assertThat(cluster.www(2).resolve("index.html")).hasContent("v2");
        assertThat(Files.getLastModifiedTime(cluster.www(1).resolve("index.html")).toInstant()).isEqualTo(node1Dir);
        status().exits(0);

        Path json = tmp.resolve("nothing.json");
        Result nothing = push("--catch-up", "--json", json.toString()).exits(0);
        assertThat(nothing.out()).startsWith("nothing to catch up: all 2 nodes hold generation ");
        JsonNode skipped = launcherJson(json);
        assertThat(skipped.get("exit_code").asInt()).isEqualTo(0);
        assertThat(skipped.get("nodes")).extracting(n -> n.get("status").asText()).containsExactly("skipped", "skipped");
    }

    @Test
    @Exercises(value = {"--catch-up", "--any-source", "-x"}, exits = {0, 2}, command = "content-sync")
    void aCatchUpFromAChangedSourceIsRefusedUnlessAnySourceIsGiven() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        push("-q").exits(0);
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        push("-q", "-x", "node2").exits(0);
        status().exits(1);

        ItSupport.write(src, "index.html", "v3", "rw-r--r--", T3);
        Result refused = push("--catch-up").exits(2);
        assertThat(refused.err()).startsWith("tlclb_content_sync: --catch-up: the source is no longer generation ")
                .contains("that the current nodes hold (run ", "push to every node (without --catch-up)",
                        "--any-source");
        assertThat(refused.err().lines().count()).isEqualTo(1);
        assertThat(cluster.www(1).resolve("index.html")).hasContent("v2");
        assertThat(cluster.www(2).resolve("index.html")).hasContent("v1");

        push("-q", "--catch-up", "--any-source").exits(0);
        assertThat(cluster.www(1).resolve("index.html")).hasContent("v2");
        assertThat(cluster.www(2).resolve("index.html")).hasContent("v3");
        Result split = status().exits(1);
        assertThat(split.out()).contains("  node1  behind since ").contains("  node2  current (run ");

        push("-q").exits(0);
        status().exits(0);
        assertThat(push("--any-source").exits(2).err())
                .isEqualTo("tlclb_content_sync: --any-source goes with --catch-up (a push without it sends any source"
                        + " already)\n");
    }

    @Test
    @Exercises(value = {"--dest"}, exits = 2)
    void aStoreThatCannotBeReadStopsThePushBeforeAnyNodeAndIsNeverReset() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        push("-q").exits(0);
        Path record = recordFile();
        assertThat(Files.readString(record)).startsWith("# tlclb-sync cluster state").contains("\nnode\tnode1\t");
        Files.writeString(record, "garbage\n");
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        Result push = push().exits(2);
        assertThat(push.err()).startsWith("tlclb_content_sync: the cluster's state store cannot be used: " + record
                + " is not a state record this version can read");
        assertThat(push.err().lines().count()).isEqualTo(1);
        assertThat(cluster.www(1).resolve("index.html")).hasContent("v1");
        assertThat(status().exits(2).err()).contains(record.toString());
        assertThat(Files.readString(record)).isEqualTo("garbage\n");
    }

    @Test
    @Exercises(value = {"-h", "--help", "-V", "--version"}, exits = 0)
    void helpAndVersion() {
        Result help = launcher.run("tlclb", "status", "--help").exits(0);
        assertThat(help.out()).startsWith("Usage: tlclb status ").contains("--config-tree", "--json", "-w", "-x")
                .doesNotContain("--delete", "--parallel", "--identity");
        assertThat(launcher.run("tlclb", "status", "-h").exits(0).out()).isEqualTo(help.out());
        assertThat(launcher.run("tlclb", "status", "-V").exits(0).out())
                .isEqualTo(launcher.run("tlclb", "status", "--version").exits(0).out()).startsWith("tlclb-sync ");
    }

    @Test
    @Exercises(value = {"-w", "--servers", "-x", "--exclude-servers", "--config", "--config-tree", "--dest"},
            exits = {0, 1, 2, 3})
    void theNodesAskedAboutAndTheDestinationChooseTheLines() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        push("-q", "-x", "node2").exits(0);
        assertThat(status("-w", "node1").exits(0).out()).contains("  node1  current").doesNotContain("node2")
                .endsWith("1 of 1 node current\n");
        assertThat(status("--servers", "node2").exits(3).out()).contains("  node2  never pushed");
        assertThat(status("-x", "node2").exits(0).out()).doesNotContain("node2");
        assertThat(status("--exclude-servers", "node1").exits(3).out()).doesNotContain("node1");
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        push("-q").exits(0);
        ItSupport.write(src, "index.html", "v3", "rw-r--r--", T3);
        push("-q", "-x", "node1").exits(0);
        assertThat(status().exits(1).out()).contains("  node1  behind since ");

        Result config = launcher.run("tlclb", "status", "--config", conf.toString(), "--config-tree").exits(3);
        assertThat(config.out()).startsWith("/etc/clusterserver").contains(": no push recorded (");
        Result both = launcher.run("tlclb", "status", "-c", conf.toString(), "--config-tree", "--dest", DEST).exits(2);
        assertThat(both.err()).isEqualTo("tlclb status: --dest and --config-tree name different destinations: give"
                + " one\n");
        assertThat(launcher.run("tlclb", "status", "-c", conf.toString(), "--dest", "/srv/other").exits(3).out())
                .startsWith("/srv/other: no push recorded (");
    }

    @Test
    @Exercises(value = {"--min-nodes", "--partial-ok"}, exits = {0, 1, 2, 3}, command = "content-sync")
    void minNodesCommitsWhenEnoughNodesStagedAndTheOthersAreBehind() throws Exception {
        try (OpenSshCluster four = OpenSshCluster.start(tmp.resolve("four"), 4)) {
            Path fourConf = ItSupport.writeConf(four, tmp.resolve("four.conf"), "MinNodes 3\n");
            ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
            push(fourConf).exits(0);
            ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
            four.stop(4);
            Result three = push(fourConf, "--json", "-").exits(1);
            assertThat(three.json().get("behind")).extracting(JsonNode::asText).containsExactly("node4");
            for (int i = 1; i <= 3; i++) {
                assertThat(four.www(i).resolve("index.html")).hasContent("v2");
            }
            assertThat(four.www(4).resolve("index.html")).hasContent("v1");
            Result behind = launcher.run("tlclb", "status", "-c", fourConf.toString(), "--dest", DEST).exits(1);
            assertThat(behind.out()).contains("  node4  behind since ").endsWith("3 of 4 nodes current, 1 behind (a push"
                    + " with --catch-up sends to those alone)\n");

            ItSupport.write(src, "index.html", "v3", "rw-r--r--", T3);
            four.stop(3);
            Result tooFew = push(fourConf).exits(3);
            assertThat(tooFew.out()).contains("2 of 4 nodes staged, fewer than MinNodes 3 (3): nothing was committed");
            assertThat(four.www(1).resolve("index.html")).hasContent("v2");
            Result half = push(fourConf, "--min-nodes", "50%").exits(1);
            assertThat(half.out()).doesNotContain("fewer than MinNodes");
            assertThat(four.www(1).resolve("index.html")).hasContent("v3");
            assertThat(four.www(3).resolve("index.html")).hasContent("v2");
            four.start(3);
            four.start(4);
            push(fourConf, "--catch-up").exits(0);
            for (int i = 1; i <= 4; i++) {
                assertThat(four.www(i).resolve("index.html")).hasContent("v3");
            }
            assertThat(push(fourConf, "--min-nodes", "1", "--partial-ok").exits(2).err())
                    .isEqualTo("tlclb_content_sync: --partial-ok is --min-nodes 1: give one of them\n");
            assertThat(push(fourConf, "--min-nodes", "150%").exits(2).err()).isEqualTo("tlclb_content_sync:"
                    + " --min-nodes must be N (1 or more) or P% (1% to 100%), not '150%'\n");
            Path bad = ItSupport.writeConf(four, tmp.resolve("bad.conf"), "MinNodes 0\n");
            assertThat(push(bad).exits(2).err()).contains("MinNodes: bad value '0' (expected MinNodes N (1 or more) or"
                    + " P% (1% to 100%))");
        }
    }

    @Test
    @Exercises(value = {"--rebuild", "-c"}, exits = 1)
    void theNodesOwnRecordsRebuildTheStoreAsItWas() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        String run1 = push("-q", "--json", "-").exits(0).json().get("run_id").asText();
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        JsonNode second = push("-q", "-x", "node2", "--json", "-").exits(0).json();
        String run2 = second.get("run_id").asText();
        Path marker1 = cluster.www(1).resolve(".tlclb-backup/generation");
        assertThat(marker1).content().startsWith("tlclb-sync generation 1\ngeneration "
                + second.get("generation").asText() + "\nrun " + run2 + "\n");
        assertThat(cluster.www(2).resolve(".tlclb-backup/generation")).content().contains("\nrun " + run1 + "\n");
        Path record = recordFile();
        String before = Files.readString(record);
        String shown = status().exits(1).out();

        Files.delete(record);
        Result rebuilt = status("--rebuild").exits(1);
        assertThat(rebuilt.out()).isEqualTo(shown);
        assertThat(Files.readString(record)).isEqualTo(before);

        Files.writeString(record, "garbage\n");
        Result repaired = status("--rebuild").exits(1);
        assertThat(repaired.err()).contains("is not a state record this version can read", "rebuilding it from the"
                + " nodes alone");
        assertThat(Files.readString(record)).isEqualTo(before);

        FileTime written = Files.getLastModifiedTime(marker1);
        String text = Files.readString(marker1);
        Thread.sleep(1100);
        push("-q", "-x", "node2").exits(0);
        assertThat(Files.getLastModifiedTime(marker1)).as("a push that changed nothing leaves the marker").isEqualTo(written);
        assertThat(marker1).hasContent(text);
        assertThat(status().exits(1).out()).contains("  node1  current (run " + run2 + ", ");
    }

    @Test
    @Exercises(value = {"--live", "--dest", "-c"}, exits = {0, 1, 3})
    void liveChecksTheTreesBesideTheRecordAndNamesANodeWhoseTreeIsNotWhatTheRecordSays() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        Path withSource = ItSupport.writeConf(cluster, tmp.resolve("live.conf"), "ContentDir " + src + "\n");
        launcher.run("tlclb_content_sync", "-c", withSource.toString(), "-y", "-q", "--dest", DEST).exits(0);
        Result fine = launcher.run("tlclb", "status", "-c", withSource.toString(), "--dest", DEST, "--live").exits(0);
        assertThat(fine.out()).contains("  node1  current (run ", "; live: the tree is the source's\n")
                .endsWith("2 of 2 nodes current\n");

        Path planted = cluster.www(2).resolve("index.html");
        Files.writeString(planted, "edited by hand");
        Files.setLastModifiedTime(planted, FileTime.from(T2));
        Result edited = launcher.run("tlclb", "status", "-c", withSource.toString(), "--dest", DEST, "--live",
                "--json", "-").exits(1);
        assertThat(edited.err()).contains("  node2  current (run ", "; live: the record says current, but the tree"
                + " differs from the source (1 entry to change)\n").endsWith("2 of 2 nodes current; live: 1 differ from"
                + " the source\n");
        JsonNode node2 = edited.json().get("nodes").get(1);
        assertThat(node2.get("live").get("finding").asText()).isEqualTo("differs");
        assertThat(node2.get("live").get("changes").asInt()).isEqualTo(1);
        assertThat(planted).hasContent("edited by hand");

        cluster.stop(1);
        try {
            Result down = launcher.run("tlclb", "status", "-c", withSource.toString(), "--dest", DEST, "--live")
                    .exits(3);
            assertThat(down.out()).contains("  node1  current (run ", "; live: not checked (");
        } finally {
            cluster.start(1);
        }
    }

    @Test
    @Exercises(value = {"--dest"}, exits = 0)
    void aPushKilledWithSigkillWhileStagingLeavesTheRecordAsItWasAndTheNextPushRecordsIt() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        push("-q").exits(0);
        Path record = recordFile();
        String before = Files.readString(record);
        Files.write(src.resolve("big.bin"), new byte[1024 * 1024]);
        RunningLauncher slow = launcher.spawn("tlclb_content_sync", "-c", conf.toString(), "-y", "--bwlimit", "100K",
                "--dest", DEST, src.toString());
        Contracts.awaitTempFile(cluster.www(1), 30);
        slow.signal("KILL");
        slow.await().exits(137);
        assertThat(Files.readString(record)).as("the killed run wrote nothing of the record").isEqualTo(before);
        assertThat(status().exits(0).out()).endsWith("2 of 2 nodes current\n");
        String last = push("-q", "--json", "-").exits(0).json().get("run_id").asText();
        assertThat(status().exits(0).out()).contains("  node1  current (run " + last + ", ");
        assertThat(cluster.www(2).resolve("big.bin")).hasSize(1024 * 1024);
    }

    /** The destination's record in the launcher's state directory. */
    private Path recordFile() throws Exception {
        try (var files = Files.list(launcher.stateDir())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tsv")).findFirst().orElseThrow();
        }
    }

    private Result push(Path config, String... extra) {
        List<String> args = new ArrayList<>(List.of("-c", config.toString(), "-y", "--dest", DEST));
        args.addAll(List.of(extra));
        args.add(src.toString());
        return launcher.run("tlclb_content_sync", args.toArray(String[]::new));
    }

    private Result status(String... extra) {
        List<String> args = new ArrayList<>(List.of("status", "-c", conf.toString(), "--dest", DEST));
        args.addAll(List.of(extra));
        return launcher.run("tlclb", args.toArray(String[]::new));
    }

    private static JsonNode launcherJson(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }
}
