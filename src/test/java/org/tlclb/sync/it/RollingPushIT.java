package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling pushes (issue 25) through the launcher, on four OpenSSH nodes: batch by batch, each node
 * drained, committed, post-synced, health-checked and undrained; a node that fails its check is
 * rolled back to what it had, undrained only once healthy again, and the rollout stops there. The
 * hooks write each call to a file on this host (the nodes share its /tmp), so the order they ran
 * in is what the test reads.
 */
class RollingPushIT {
    private static final String DEST = "/var/www/html";
    private static final Instant T1 = Instant.ofEpochSecond(1_767_607_200L);
    private static final Instant T2 = Instant.ofEpochSecond(1_767_610_800L);

    @TempDir
    static Path shared;
    static OpenSshCluster four;

    @TempDir
    Path tmp;
    Path src;
    Path log;
    Launcher launcher;

    @BeforeAll
    static void startCluster() throws Exception {
        OpenSshCluster.assumeAvailable();
        four = OpenSshCluster.start(shared.resolve("four"), 4);
    }

    @AfterAll
    static void stopCluster() {
        if (four != null) {
            four.close();
            four = null;
        }
    }

    @BeforeEach
    void freshNodes() throws Exception {
        ItSupport.wipe(four);
        src = Files.createDirectories(tmp.resolve("src"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        log = tmp.resolve("hooks.log");
        Files.writeString(log, "");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
        launcher = Launcher.in(tmp.resolve("state"));
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        ItSupport.write(src, "about.html", "about v1", "rw-r--r--", T1);
        push(ItSupport.writeConf(four, tmp.resolve("plain.conf"), "")).exits(0);
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        ItSupport.write(src, "about.html", "about v2", "rw-r--r--", T2);
        ItSupport.write(src, "news/today.html", "new in v2", "rw-r--r--", T2);
    }

    @Test
    void aNodeThatFailsItsCheckGetsItsOldTreeBackIsUndrainedOnceThatPassesAndTheRolloutStops() throws Exception {
        // node3 is healthy only with the old version: its check fails after the commit, passes after the rollback
        Path conf = conf("Rolling 1\n"
                + "Drain \"echo drain %n >> " + log + "\"\n"
                + "Undrain \"echo undrain %n >> " + log + "\"\n"
                + "HealthCheck \"echo check %n $(cat /var/www/html/index.html) >> " + log
                + "; test %n != node3 || grep -qx v1 /var/www/html/index.html\"\n"
                + "HealthTimeout 2\nHealthInterval 1\n");
        Launcher.Result r = push(conf, "--json", "-").exits(1);

        for (int i : new int[] {1, 2}) {
            assertThat(four.www(i).resolve("index.html")).as("node" + i).hasContent("v2");
            assertThat(four.www(i).resolve("about.html")).as("node" + i).hasContent("about v2");
        }
        assertThat(four.www(3).resolve("index.html")).as("node3 rolled back").hasContent("v1");
        assertThat(four.www(3).resolve("about.html")).as("node3 rolled back").hasContent("about v1");
        assertThat(four.www(3).resolve("news")).as("what v2 created is taken away again").doesNotExist();
        assertThat(four.www(2).resolve("news/today.html")).hasContent("new in v2");
        assertThat(four.www(4).resolve("news")).doesNotExist();
        assertThat(four.www(4).resolve("index.html")).as("node4 untouched").hasContent("v1");
        assertThat(four.www(4).resolve("about.html")).as("node4 untouched").hasContent("about v1");
        for (int i = 1; i <= 4; i++) {
            assertThat(ItSupport.tempFiles(four.www(i))).as("node" + i + " staged files").isEmpty();
        }

        List<String> calls = Files.readAllLines(log);
        assertThat(calls.subList(0, 7)).as(String.join("\n", calls)).containsExactly(
                "drain node1", "check node1 v2", "undrain node1",
                "drain node2", "check node2 v2", "undrain node2",
                "drain node3");
        List<String> node3 = calls.subList(7, calls.size());
        assertThat(node3).as(String.join("\n", calls)).hasSizeGreaterThanOrEqualTo(3).startsWith("check node3 v2")
                .endsWith("check node3 v1", "undrain node3");
        assertThat(node3.subList(0, node3.size() - 2)).as("every check before the rollback saw the new version")
                .containsOnly("check node3 v2");
        assertThat(calls).noneMatch(l -> l.contains("node4"));

        JsonNode doc = r.json();
        assertThat(doc.get("exit_code").asInt()).isEqualTo(1);
        assertThat(doc.get("outcome").asText()).isEqualTo("partial");
        assertThat(doc.get("nodes")).extracting(n -> n.get("status").asText())
                .containsExactly("ok", "ok", "rolled_back", "aborted");
        assertThat(doc.get("nodes")).extracting(n -> n.get("rollout").get("state").asText())
                .containsExactly("committed", "committed", "rolled_back", "untouched");
        assertThat(doc.get("nodes")).extracting(n -> n.get("rollout").get("batch").asInt())
                .containsExactly(1, 2, 3, 4);
        assertThat(doc.get("nodes").get(2).get("error").asText()).startsWith("health check failed (exit 1")
                .endsWith("rolled back: it holds what it had before the run");
        assertThat(doc.get("rollout").get("batch_size").asInt()).isEqualTo(1);
        assertThat(doc.get("rollout").get("batches").asInt()).isEqualTo(4);
        assertThat(doc.get("rollout").get("stopped_at_batch").asInt()).isEqualTo(3);
        assertThat(doc.get("behind")).extracting(JsonNode::asText).containsExactly("node3", "node4");
        assertThat(r.err()).contains("rollout stopped at batch 3 of 4");
    }

    @Test
    void aNodeThatNeverPassesIsLeftDrainedAndItsBatchMateStaysCommitted() throws Exception {
        Path conf = conf("Rolling content 50%\n"
                + "Drain content \"echo drain %n >> " + log + "\"\n"
                + "Undrain \"echo undrain %n >> " + log + "\"\n"
                + "HealthCheck local \"test %n != node2\"\n"
                + "HealthTimeout 1\n");
        Launcher.Result r = push(conf, "--json", "-").exits(1);
        assertThat(four.www(1).resolve("index.html")).hasContent("v2");
        for (int i = 2; i <= 4; i++) {
            assertThat(four.www(i).resolve("index.html")).as("node" + i).hasContent("v1");
        }
        List<String> calls = Files.readAllLines(log);
        assertThat(calls).as("batch 1 is node1 and node2, at once").containsExactlyInAnyOrder("drain node1",
                "drain node2", "undrain node1");
        assertThat(r.json().get("nodes")).extracting(n -> n.get("rollout").get("state").asText())
                .containsExactly("committed", "rolled_back", "untouched", "untouched");
        assertThat(r.json().get("nodes").get(1).get("warnings")).extracting(JsonNode::asText)
                .contains("left drained: not healthy after the rollback");
    }

    @Test
    void everyNodeHealthyGetsTheNewTreeOneAtATimeWithDrainAndUndrainPaired() throws Exception {
        Path conf = conf("Rolling 1\n"
                + "Drain \"echo drain %n >> " + log + "\"\n"
                + "Undrain \"echo undrain %n >> " + log + "\"\n"
                + "HealthCheck local \"echo check %n >> " + log + "\"\n");
        Launcher.Result r = push(conf, "--json", "-").exits(0);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            assertThat(four.www(i).resolve("index.html")).as("node" + i).hasContent("v2");
            expected.addAll(List.of("drain node" + i, "check node" + i, "undrain node" + i));
        }
        assertThat(Files.readAllLines(log)).containsExactlyElementsOf(expected);
        assertThat(r.json().get("rollout").get("stopped_at_batch").isNull()).isTrue();
        assertThat(r.json().get("behind")).isEmpty();
    }

    @Test
    void aConfigSyncWithRollingConfigOneRunsOnePostSyncAtATime() throws Exception {
        Path srcEtc = Files.createDirectories(tmp.resolve("src-etc"));
        Path srcLic = Files.createDirectories(tmp.resolve("src-lic"));
        ItSupport.write(srcEtc, "clusterserver.conf", "weight=1\n", "rw-r--r--", T2);
        ItSupport.write(srcLic, "license.key", "TLCLB-LICENSE-0001\n", "rw-------", T2);
        // the node's address is the third word of SSH_CONNECTION; each run says when it starts and ends
        String stamp = "set -- $SSH_CONNECTION; echo %s $3 $(date +%%s%%N) >> " + log;
        Path conf = ItSupport.writeConf(four, tmp.resolve("config.conf"),
                "ConfigDir /etc/clusterserver\nLicenseFile /etc/tlclb/license.key\nRolling config 1\n"
                        + "PostSync config \"" + String.format(stamp, "start") + "; sleep 1; "
                        + String.format(stamp, "end") + "\"\n");
        launcher.mounting(srcEtc, "/etc/clusterserver").mounting(srcLic, "/etc/tlclb").timeout(Duration.ofSeconds(120))
                .run("tlclb_config_sync", "-c", conf.toString(), "-y").exits(0);
        List<String[]> runs = Files.readAllLines(log).stream().map(l -> l.split(" ")).toList();
        assertThat(runs).hasSize(8);
        for (int i = 0; i < 4; i++) {
            String[] start = runs.get(2 * i);
            String[] end = runs.get(2 * i + 1);
            assertThat(start[0]).isEqualTo("start");
            assertThat(end[0]).isEqualTo("end");
            assertThat(end[1]).as("the run that started is the one that ends next").isEqualTo(start[1])
                    .isEqualTo(four.address(i + 1));
            if (i > 0) {
                assertThat(Long.parseLong(start[2])).as("starts after the previous node's post-sync ended")
                        .isGreaterThanOrEqualTo(Long.parseLong(runs.get(2 * i - 1)[2]));
            }
            assertThat(four.etc(i + 1).resolve("clusterserver.conf")).hasContent("weight=1");
        }
    }

    private Path conf(String extra) throws IOException {
        return ItSupport.writeConf(four, tmp.resolve("rolling.conf"), extra);
    }

    private Launcher.Result push(Path conf, String... extra) {
        List<String> args = new ArrayList<>(List.of("-c", conf.toString(), "-y", "--dest", DEST));
        args.addAll(List.of(extra));
        args.add(src.toString());
        return launcher.timeout(Duration.ofSeconds(120)).run("tlclb_content_sync", args.toArray(String[]::new));
    }
}
