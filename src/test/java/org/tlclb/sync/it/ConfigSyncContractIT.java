package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.it.Contracts.files;
import static org.tlclb.sync.it.ItSupport.count;
import static org.tlclb.sync.it.ItSupport.tempFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tlclb.sync.cli.Main;
import org.tlclb.sync.it.Launcher.Result;
import org.tlclb.sync.it.Launcher.Tty;
import org.tlclb.sync.run.TreeAssert;

/**
 * tlclb_config_sync through scripts/ against two OpenSSH nodes, as installed: ConfigDir
 * /etc/clusterserver (holding sync.conf itself) and LicenseFile /etc/tlclb/license.key. The
 * launcher runs in a mount namespace of its own where those two directories are the test's
 * sources ({@link Launcher#bind}); the nodes have their own. The machine's are never touched.
 */
@Contract("config-sync")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigSyncContractIT extends LabTestBase {
    static final String CONF = "/etc/clusterserver/sync.conf";

    Path etc;
    Path lic;

    @BeforeEach
    void setUp() throws Exception {
        for (int i = 1; i <= cluster.size(); i++) {
            cluster.start(i);
        }
        etc = Files.createDirectories(tmp.resolve("src-etc-clusterserver"));
        lic = Files.createDirectories(tmp.resolve("src-etc-tlclb"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(lic, PosixFilePermissions.fromString("rwxr-xr-x"));
        ItSupport.write(etc, "clusterserver.conf", "Servers\nEndServers\n", "rw-r--r--", Contracts.T0);
        ItSupport.write(etc, "conf.d/secret.conf", "password=x\n", "rw-------", Contracts.T0.plusSeconds(1));
        ItSupport.write(lic, "license.key", "TLCLB-LICENSE-0001\n", "rw-------", Contracts.T0.plusSeconds(2));
        ItSupport.write(lic, "not-a-license.txt", "stays here\n", "rw-r--r--", Contracts.T0);
        writeConf("");
        launcher = Contracts.withConfigSources(tmp.resolve("state"), etc, lic);
    }

    /** sync.conf in ConfigDir, as installed: it is pushed with the rest. */
    private void writeConf(String extra) throws IOException {
        ItSupport.writeConf(cluster, etc.resolve("sync.conf"),
                "ConfigDir /etc/clusterserver\nLicenseFile /etc/tlclb/license.key\n" + extra);
        Files.setLastModifiedTime(etc.resolve("sync.conf"), FileTime.from(Contracts.T0));
    }

    private Result configSync(String... args) {
        List<String> a = new ArrayList<>(List.of("-c", CONF));
        a.addAll(List.of(args));
        return launcher.run("tlclb_config_sync", a.toArray(String[]::new));
    }

    private void assertNodesHoldTheConfiguration() throws IOException {
        for (int i = 1; i <= cluster.size(); i++) {
            TreeAssert.assertSameTree(etc, cluster.etc(i));
            assertThat(files(cluster.lic(i))).as("node %d /etc/tlclb", i).containsExactly("license.key");
            assertThat(cluster.lic(i).resolve("license.key")).hasContent("TLCLB-LICENSE-0001");
            assertThat(tempFiles(cluster.etc(i))).isEmpty();
        }
    }

    private void assertNodesUnchanged() throws IOException {
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(files(cluster.etc(i))).as("node %d", i).isEmpty();
            assertThat(files(cluster.lic(i))).as("node %d", i).isEmpty();
        }
    }

    @Test
    @Exercises(value = {"--catch-up", "--any-source", "--min-nodes"}, exits = {0, 1, 2})
    void aCatchUpSendsTheConfigurationToTheNodeThatMissedIt() throws IOException {
        cluster.stop(2);
        try {
            assertThat(configSync("-y", "--min-nodes", "50%").exits(1).out())
                    .contains("behind: node2 (tlclb status shows since when; --catch-up brings them in)");
        } finally {
            cluster.start(2);
        }
        Result behind = launcher.run("tlclb", "status", "-c", CONF, "--config-tree").exits(3);
        assertThat(behind.out()).startsWith("/etc/clusterserver + /etc/tlclb: generation ")
                .contains("  node2  never pushed; last error ", "cannot connect");
        Result caughtUp = configSync("-y", "--catch-up", "--json", "-").exits(0);
        assertThat(caughtUp.json().get("nodes")).extracting(n -> n.get("node").asText()).containsExactly("node2");
        assertNodesHoldTheConfiguration();
        launcher.run("tlclb", "status", "-c", CONF, "--config-tree").exits(0);
        assertThat(configSync("-y", "--catch-up", "--any-source").exits(0).out())
                .startsWith("nothing to catch up: all 2 nodes hold generation ");
        assertThat(configSync("-y", "--any-source").exits(2).err()).contains("--any-source goes with --catch-up");
    }

    @Test
    @Exercises(value = {"-h", "--help", "-V", "--version"}, exits = 0)
    void helpAndVersion() throws IOException {
        Result help = launcher.run("tlclb_config_sync", "--help").exits(0);
        assertThat(help.out()).startsWith("Usage: tlclb_config_sync ").contains("Validates first; delete and backup"
                + " are on by default.", "Exit codes:").doesNotContain("--dest");
        Contracts.assertHelpFits(help.out(), Main.model("tlclb_config_sync"));
        assertThat(launcher.run("tlclb_config_sync", "-h").exits(0).out()).isEqualTo(help.out());
        Contracts.assertVersion(launcher, "tlclb_config_sync");
    }

    @Test
    @Exercises(value = {"-c", "-y", "-q", "--json"}, exits = 0)
    void theReadmesCronLineExitsZeroSilentlyAndDeletesWithABackupByDefault() throws Exception {
        ItSupport.write(cluster.etc(1), "stale.conf", "old\n", "rw-r--r--", Contracts.T0);
        Path json = tmp.resolve("log/last.json");
        Files.createDirectories(json.getParent());
        Result r = configSync("-y", "-q", "--json", json.toString()).exits(0);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertNodesHoldTheConfiguration();
        JsonNode j = new Result(0, Files.readString(json), "").json();
        assertThat(j.get("exit_code").asInt()).isZero();
        assertThat(j.get("command").asText()).isEqualTo("tlclb_config_sync");
        assertThat(j.get("sources").toString()).isEqualTo("[\"/etc/clusterserver\",\"/etc/tlclb\"]");
        String run = j.get("run_id").asText();
        assertThat(cluster.etc(1).resolve(".tlclb-backup/" + run + "/stale.conf")).hasContent("old");
        assertThat(files(json.getParent())).containsExactly("last.json");
    }

    @Test
    @Exercises(value = {"--no-hard-links", "--hard-links", "-H"}, exits = 0)
    void namesOfOneConfigurationFileAreLinkedUnlessToldNotTo() throws Exception {
        Path a = ItSupport.write(etc, "conf.d/a.conf", "shared=1\n", "rw-r--r--", Contracts.T0);
        Files.createLink(etc.resolve("b.conf"), a);
        Files.setLastModifiedTime(etc.resolve("conf.d"), FileTime.from(Contracts.T0));
        configSync("-y", "--no-hard-links").exits(0);
        assertNodesHoldTheConfiguration();
        assertThat(Files.getAttribute(cluster.etc(1).resolve("b.conf"), "unix:nlink")).isEqualTo(1);
        // With hard links (and the backup config sync keeps by default), conf.d/a.conf becomes a link to b.conf,
        // the lowest of the file's names, and the file it was is kept in the backup.
        Result linked = configSync("-y", "--hard-links", "--json", "-").exits(0);
        assertThat(linked.json().get("nodes").get(0).get("updated").asLong()).as(linked.describe()).isEqualTo(1);
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(Files.getAttribute(cluster.etc(i).resolve("b.conf"), "unix:ino"))
                    .isEqualTo(Files.getAttribute(cluster.etc(i).resolve("conf.d/a.conf"), "unix:ino"));
            String run = linked.json().get("run_id").asText();
            assertThat(cluster.etc(i).resolve(".tlclb-backup/" + run + "/conf.d/a.conf")).hasContent("shared=1\n");
        }
        Result again = configSync("-y", "-H", "--json", "-").exits(0);
        for (JsonNode n : again.json().get("nodes")) {
            assertThat(n.get("created").asLong() + n.get("updated").asLong() + n.get("deleted").asLong()).isZero();
        }
    }

    @Test
    @Exercises(value = {"--delete", "--no-delete", "--backup", "--no-backup"}, exits = 0)
    void deleteAndBackupCanBeTurnedOffAndOn() throws Exception {
        ItSupport.write(cluster.etc(1), "stale.conf", "old\n", "rw-r--r--", Contracts.T0);
        configSync("-y", "--no-delete", "--no-backup").exits(0);
        assertThat(cluster.etc(1).resolve("stale.conf")).exists();
        assertThat(files(cluster.etc(1).resolve(".tlclb-backup"))).as("no backup: the node's marker alone")
                .containsExactly("generation");
        configSync("-y", "--delete", "--no-backup").exits(0);
        assertThat(cluster.etc(1).resolve("stale.conf")).doesNotExist();
        assertThat(files(cluster.etc(1).resolve(".tlclb-backup"))).as("no backup: the node's marker alone")
                .containsExactly("generation");
        ItSupport.write(cluster.etc(2), "stale2.conf", "old\n", "rw-r--r--", Contracts.T0);
        configSync("-y", "--backup").exits(0);
        assertThat(files(cluster.etc(2).resolve(".tlclb-backup"))).anyMatch(f -> f.endsWith("/stale2.conf"));
        assertNodesHoldTheConfiguration();
    }

    @Test
    @Exercises(exits = 2)
    void aConfigurationThatDoesNotValidateIsNeverPushed() throws Exception {
        writeConf("Validate config \"grep -q EndServers clusterserver.conf && echo 'config is broken' && exit 4\"\n");
        Result r = configSync("-y").exits(2);
        assertThat(r.err()).contains("config is broken\n", "tlclb_config_sync: Validate config \"grep -q EndServers"
                + " clusterserver.conf && echo 'config is broken' && exit 4\" exited 4: nothing was pushed");
        assertNodesUnchanged();

        writeConf("LicenseFile /etc/tlclb/missing.key\n");
        Result missing = configSync("-y").exits(2);
        assertThat(missing.err()).isEqualTo("tlclb_config_sync: LicenseFile /etc/tlclb/missing.key does not exist or"
                + " is not readable; nothing was pushed\n");
        assertNodesUnchanged();
    }

    @Test
    @Exercises(value = {"-n", "--dry-run", "-v", "--verbose"}, exits = 0)
    void aDryRunShowsOnePlanForBothNodesAndVerboseShowsThePushedFiles() throws Exception {
        Result dry = configSync("-n").exits(0);
        assertThat(count(dry.out(), "node1, node2: /etc/clusterserver\n")).isEqualTo(1);
        assertThat(count(dry.out(), "node1, node2: /etc/tlclb/license.key\n")).isEqualTo(1);
        assertThat(dry.out()).contains("  <f+++++++++ sync.conf\n", "  <f+++++++++ conf.d/secret.conf\n",
                "  <f+++++++++ license.key\n").doesNotContain("not-a-license.txt");
        assertNodesUnchanged();
        assertThat(configSync("--dry-run", "-v").exits(0).out()).contains("node1, node2: /etc/clusterserver\n");
        assertNodesUnchanged();
        Result pushed = configSync("-y", "--verbose").exits(0);
        assertThat(pushed.out()).contains("  <f+++++++++ clusterserver.conf\n", "total: 2 of 2 nodes in sync");
        assertNodesHoldTheConfiguration();
    }

    @Test
    @Exercises(value = "--json", exits = 0)
    void jsonOnStdoutIsAlone() throws Exception {
        Result r = configSync("-y", "--json", "-").exits(0);
        assertThat(r.json().get("outcome").asText()).isEqualTo("in_sync");
        assertThat(r.err()).contains("total: 2 of 2 nodes in sync");
    }

    @Test
    @Exercises(exits = {5, 0})
    void theQuestionNamesBothDestinationsAndTheNodes() throws Exception {
        Path out = tmp.resolve("out.txt");
        Result no = launcher.runOnTerminal(Tty.stdoutPipedTo(out), "n\n", "tlclb_config_sync", "-c", CONF).exits(5);
        assertThat(no.out())
                .contains("node1, node2 will change /etc/clusterserver and /etc/tlclb/license.key: 10 created");
        assertThat(Files.readString(out)).isEqualTo("declined: nothing was changed\n");
        assertNodesUnchanged();
        launcher.runOnTerminal("yes\n", "tlclb_config_sync", "-c", CONF).exits(0);
        assertNodesHoldTheConfiguration();
    }

    @Test
    @Exercises(value = {"--partial-ok", "--quiet", "--retries"}, exits = {3, 1})
    void aNodeDownAbortsEverywhereUnlessPartialOk() throws Exception {
        cluster.stop(2);
        Result aborted = configSync("-y", "--quiet", "--retries", "0").exits(3);
        assertThat(aborted.err()).contains("node2: cannot connect", "so no node was changed");
        assertNodesUnchanged();
        Result partial = configSync("-y", "--quiet", "--partial-ok", "--retries", "0").exits(1);
        assertThat(partial.err()).contains("changed: node1; not (fully) changed: node2");
        TreeAssert.assertSameTree(etc, cluster.etc(1));
    }

    @Test
    @Exercises(value = {"-w", "-x", "-j", "--connect-timeout", "--retries", "-i", "--known-hosts", "--host-key-policy",
        "--bwlimit", "--chown", "--post-sync", "--log-file", "-C", "--exclude", "--max-delete"}, exits = 0)
    void theSharedOptionsApplyToTheConfigurationToo() throws Exception {
        ItSupport.write(etc, "old.bak", "backup copy\n", "rw-r--r--", Contracts.T0);
        Contracts.resetMtime(etc);
        Path marks = Files.createDirectories(tmp.resolve("marks"));
        Path log = tmp.resolve("cfg.log");
        configSync("-y", "-w", "node1,node2", "-x", "node2", "-j", "1", "--connect-timeout", "4", "--retries", "0",
                "-i", cluster.clientKey().toString(), "--known-hosts", cluster.knownHosts().toString(),
                "--host-key-policy", "strict", "--bwlimit", "10M", "--chown", "daemon:daemon",
                "--post-sync", "touch " + marks + "/ran-$$", "--log-file", log.toString(), "-C",
                "--exclude", "*.bak", "--max-delete", "0").exits(0);
        assertThat(files(cluster.etc(1))).contains("sync.conf", "conf.d/secret.conf").doesNotContain("old.bak");
        assertThat(files(cluster.etc(2))).isEmpty();
        int uid = Contracts.id("-u", "daemon");
        Path secret = cluster.etc(1).resolve("conf.d/secret.conf");
        assertThat(Files.getAttribute(secret, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(uid);
        assertThat(Files.getAttribute(cluster.lic(1).resolve("license.key"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(uid);
        assertThat(files(marks)).hasSize(1);
        assertThat(Files.readString(log)).contains("tlclb_config_sync sources=/etc/clusterserver,/etc/tlclb nodes=1"
                + " exit=0");
    }

    @Test
    @Exercises(value = {"-e", "--max-delete", "--servers", "--exclude-servers", "--parallel", "--identity",
        "--checksum"}, exits = {0, 2})
    void minusEAndTheDeleteGuardAreRefusedBeforeStaging() throws Exception {
        Result e = configSync("-y", "-e", "ssh").exits(2);
        assertThat(e.err()).startsWith("tlclb_config_sync: -e is rsync's remote shell");
        for (String f : List.of("a", "b", "c")) {
            ItSupport.write(cluster.etc(1), "stale-" + f + ".conf", "old\n", "rw-r--r--", Contracts.T0);
        }
        Result refused = configSync("-y", "--max-delete", "2", "--servers", "node1,node2",
                "--exclude-servers", "node2", "--parallel", "2", "--identity", cluster.clientKey().toString(),
                "--checksum").exits(2);
        assertThat(refused.out() + refused.err()).contains("node1", "--max-delete");
        assertThat(files(cluster.etc(1))).containsExactly("stale-a.conf", "stale-b.conf", "stale-c.conf");
        assertThat(files(cluster.etc(2))).isEmpty();
        configSync("-y", "--max-delete", "3").exits(0);
        assertNodesHoldTheConfiguration();
    }
}
