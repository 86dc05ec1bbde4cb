package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.it.Launcher.Result;

/**
 * --rolling through the launcher (issue 25): out-of-range values are refused with the range before
 * any node is contacted, -n lists the batches and the hooks it would run, and a rolling push of two
 * healthy nodes commits both. RollingPushIT has the rollouts that stop and roll back.
 */
@Contract("content-sync")
class RollingContractIT extends LabTestBase {
    private static final Instant T1 = Instant.ofEpochSecond(1_767_607_200L);

    @Test
    @Exercises(value = {"--rolling", "-n"}, exits = {0, 2})
    void badValuesAreRefusedTheDryRunShowsTheBatchesAndAPushCommitsThemAll() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        for (String bad : new String[] {"0", "-1", "150%", "0%", "x"}) {
            Result r = push("--rolling", bad).exits(2);
            assertThat(r.err()).isEqualTo("tlclb_content_sync: --rolling must be N (1 or more) or P% (1% to 100%),"
                    + " not '" + bad + "'\n");
        }
        assertThat(cluster.www(1).resolve("index.html")).doesNotExist();

        Path log = tmp.resolve("hooks.log");
        conf = ItSupport.writeConf(cluster, tmp.resolve("sync.conf"), "Drain \"echo drain %n >> " + log + "\"\n"
                + "Undrain \"echo undrain %n >> " + log + "\"\nHealthCheck local \"true\"\nDrainWait 1\n");
        Result dry = push("-n", "--rolling", "1").exits(0);
        assertThat(dry.out()).contains(
                "rollout would run: batch 1 of 2: node1: drain: echo drain %n >> " + log + " (here) -> wait 1 s"
                        + " -> commit -> health check: true (here), every 2 s for up to 30 s -> undrain: echo undrain %n"
                        + " >> " + log + " (here)",
                "rollout would run: batch 2 of 2: node2: ");
        assertThat(log).doesNotExist();
        assertThat(cluster.www(1).resolve("index.html")).doesNotExist();

        Result r = push("--rolling", "100%").exits(0);
        assertThat(r.out()).contains("rollout: batch 1 node1: drain ok", "rollout: batch 1 node2: undrain ok");
        assertThat(Files.readAllLines(log)).containsExactlyInAnyOrder("drain node1", "drain node2", "undrain node1",
                "undrain node2");
        assertThat(cluster.www(1).resolve("index.html")).hasContent("v1");
        assertThat(cluster.www(2).resolve("index.html")).hasContent("v1");
    }

    @Test
    @Exercises(value = {"--rolling"}, exits = {2}, command = "config-sync")
    void configSyncRefusesABadRollingBeforeContactingANode() throws Exception {
        Path srcEtc = Files.createDirectories(tmp.resolve("src-etc"));
        ItSupport.write(srcEtc, "clusterserver.conf", "x\n", "rw-r--r--", T1);
        Path c = ItSupport.writeConf(cluster, tmp.resolve("config.conf"), "ConfigDir /etc/clusterserver\n");
        Result r = launcher.mounting(srcEtc, "/etc/clusterserver")
                .run("tlclb_config_sync", "-c", c.toString(), "-y", "--rolling", "150%").exits(2);
        assertThat(r.err()).isEqualTo("tlclb_config_sync: --rolling must be N (1 or more) or P% (1% to 100%),"
                + " not '150%'\n");
        assertThat(cluster.etc(1).resolve("clusterserver.conf")).doesNotExist();
    }
}
