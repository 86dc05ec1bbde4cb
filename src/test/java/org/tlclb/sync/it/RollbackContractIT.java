package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.it.Contracts.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tlclb.sync.cli.Main;
import org.tlclb.sync.it.Launcher.Result;

/**
 * tlclb rollback through scripts/ against two OpenSSH nodes: the options it offers (and none of a
 * push's), the question, the JSON report, the lock. What a rollback restores, and that a run id is
 * never a path, is BackupSafetyIT's (issue 14).
 */
@Contract("rollback")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RollbackContractIT extends LabTestBase {
    /** The run that replaced v1 of index.html with v2 (its backup holds v1). */
    String second;

    @BeforeEach
    void setUp() throws Exception {
        for (int i = 1; i <= cluster.size(); i++) {
            cluster.start(i);
        }
        Contracts.tree(src);
    }

    /** Two pushes with backups: the first writes v1, the second ({@link #second}) replaces it with v2. */
    private void twoRuns() throws Exception {
        backupPush().exits(0);
        Files.writeString(src.resolve("index.html"), "v2\n");
        second = backupPush().exits(0).json().get("run_id").asText();
        assertNodesHold("v2");
    }

    /** A push that keeps backups; its JSON report on stdout. */
    private Result backupPush() {
        return push("--backup", "--json", "-");
    }

    private Result rollback(String... args) {
        List<String> a = new ArrayList<>(List.of("rollback", "-c", conf.toString(), "--dest", DEST));
        a.addAll(List.of(args));
        return launcher.run("tlclb", a.toArray(String[]::new));
    }

    private void assertNodesHold(String index) throws Exception {
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(cluster.www(i).resolve("index.html")).as("node %d", i).hasContent(index);
        }
    }

    @Test
    @Exercises(value = {"-h", "--help", "-V", "--version"}, exits = 0)
    void helpAndVersion() throws Exception {
        Result help = launcher.run("tlclb", "rollback", "--help").exits(0);
        assertThat(help.out()).startsWith("Usage: tlclb rollback ").contains("[RUN]", "--config-tree", "Exit codes:")
                .doesNotContain("--post-sync", "--chown", "--bwlimit", "--[no-]backup", "--[no-]delete", "--checksum");
        Contracts.assertHelpFits(help.out(), Main.model("tlclb").getSubcommands().get("rollback"));
        assertThat(launcher.run("tlclb", "rollback", "-h").exits(0).out()).isEqualTo(help.out());
        Contracts.assertVersion(launcher, "tlclb", "rollback");
    }

    @Test
    @Exercises(value = {"-c", "--dest", "-y", "--yes", "--json", "--quiet"}, exits = 0)
    void aNamedRunIsPutBackAndTheJsonSaysSo() throws Exception {
        twoRuns();
        Result r = rollback("-y", "--json", "-", second).exits(0);
        JsonNode j = r.json();
        assertThat(j.get("command").asText()).isEqualTo("tlclb rollback");
        assertThat(j.get("exit_code").asInt()).isZero();
        assertThat(j.get("nodes").findValuesAsText("status")).containsExactly("ok", "ok");
        assertThat(j.get("changed").size()).isEqualTo(2);
        assertNodesHold("<h1>hello</h1>");
        Files.writeString(src.resolve("index.html"), "v3\n");
        String third = backupPush().exits(0).json().get("run_id").asText();
        assertNodesHold("v3");
        Result quiet = rollback("--yes", "--quiet", third).exits(0);
        assertThat(quiet.out() + quiet.err()).isEmpty();
        assertNodesHold("<h1>hello</h1>"); // what the third run replaced
    }

    @Test
    @Exercises(value = {"-n", "--dry-run", "-v", "--verbose"}, exits = 0)
    void aDryRunListsWhatWouldComeBackAndChangesNothing() throws Exception {
        twoRuns();
        Result dry = rollback("-n").exits(0);
        assertThat(dry.out()).contains("node1: /var/www/html run " + second, "  restore    index.html",
                "node2: /var/www/html run " + second);
        assertNodesHold("v2");
        assertThat(rollback("--dry-run", "-v", second).exits(0).out()).contains("  restore    index.html");
        assertThat(rollback("-y", "--verbose").exits(0).out()).contains("node1 ", "node2 ");
        assertNodesHold("<h1>hello</h1>");
    }

    @Test
    @Exercises(exits = {5, 0})
    void onATerminalItAsksFirstAndNoChangesNothing() throws Exception {
        twoRuns();
        Result no = launcher.runOnTerminal("n\n", "tlclb", "rollback", "-c", conf.toString(), "--dest", DEST)
                .exits(5);
        assertThat(no.out()).contains("Restore run " + second + " on node1, node2", "? [y/N]",
                "declined: nothing was changed");
        assertNodesHold("v2");
        launcher.runOnTerminal("y\n", "tlclb", "rollback", "-c", conf.toString(), "--dest", DEST).exits(0);
        assertNodesHold("<h1>hello</h1>");
    }

    @Test
    @Exercises(exits = 2)
    void pushOptionsAreRefused() {
        String[] refused = {"--delete", "--no-delete", "--backup", "--no-backup", "--post-sync", "--chown", "1:1",
            "--bwlimit", "1M", "--partial-ok", "-C", "--exclude", "x", "--max-delete", "1", "-e", "ssh"};
        List<String> argv = new ArrayList<>(List.of("rollback", "-c", conf.toString()));
        argv.addAll(List.of(refused));
        Result r = launcher.run("tlclb", argv.toArray(String[]::new)).exits(2);
        assertThat(r.err()).startsWith("tlclb rollback: Unknown options: '--delete', '--no-delete', '--backup',")
                .endsWith("\nTry 'tlclb rollback --help' for more information.\n");
        for (String option : refused) {
            if (option.startsWith("-")) {
                assertThat(r.err()).contains("'" + option + "'");
            }
        }
        assertThat(r.out()).isEmpty();
    }

    @Test
    @Exercises(value = {"-w", "--servers", "-x", "--exclude-servers", "-j", "--parallel", "-i", "--identity",
        "--known-hosts", "--host-key-policy", "--connect-timeout", "--retries", "--log-file"}, exits = {0, 3})
    void nodesKeysAndTrustFromTheCommandLine() throws Exception {
        twoRuns();
        Path bare = Contracts.bareConf(cluster, tmp.resolve("bare.conf"));
        Path log = tmp.resolve("rollback.log");
        Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
        Result strict = launcher.run("tlclb", "rollback", "-c", bare.toString(), "--dest", DEST, "-y", "-i",
                cluster.clientKey().toString(), "--known-hosts", empty.toString(), "--host-key-policy", "strict",
                "--connect-timeout", "5", "--retries", "0").exits(3);
        assertThat(strict.out()).contains("the host is not in", "no node was changed");
        assertNodesHold("v2");

        launcher.run("tlclb", "rollback", "-c", bare.toString(), "--dest", DEST, "-y", "--identity",
                cluster.clientKey().toString(), "--known-hosts", cluster.knownHosts().toString(), "-w", "node1,node2",
                "-x", "node2", "-j", "1", "--log-file", log.toString()).exits(0);
        assertThat(cluster.www(1).resolve("index.html")).hasContent("<h1>hello</h1>");
        assertThat(cluster.www(2).resolve("index.html")).hasContent("v2");
        assertThat(Files.readString(log)).contains("tlclb rollback sources=" + DEST + " nodes=1 exit=0");
        launcher.run("tlclb", "rollback", "-c", bare.toString(), "--dest", DEST, "-y", "-i",
                cluster.clientKey().toString(), "--known-hosts", cluster.knownHosts().toString(),
                "--servers", "node1,node2", "--exclude-servers", "node1", "--parallel", "2").exits(0);
        assertNodesHold("<h1>hello</h1>");
    }

    @Test
    @Exercises(value = "-q", exits = 4)
    void aPushHoldingTheDestinationKeepsRollbackOut() throws Exception {
        twoRuns();
        Files.write(src.resolve("big.bin"), new byte[1024 * 1024]);
        RunningLauncher slow = launcher.spawn("tlclb_content_sync", "-c", conf.toString(), "-y", "--bwlimit", "100K",
                "--dest", DEST, src.toString());
        Contracts.awaitTempFile(cluster.www(1), 30);
        Result locked = rollback("-y", "-q").exits(4);
        assertThat(locked.err()).startsWith("tlclb rollback: another run holds the lock (pid " + slow.pid());
        slow.signal("TERM");
        slow.await().exits(5);
        assertNodesHold("v2");
    }

    @Test
    @Exercises(value = "--config-tree", exits = 0)
    void configTreeRollsBackConfigDir() throws Exception {
        Path etc = tmp.resolve("src-etc");
        Path lic = tmp.resolve("src-lic");
        Launcher inNs = Contracts.withConfigSources(tmp.resolve("state"), etc, lic, "version 1\n");
        Path cfg = ItSupport.writeConf(cluster, tmp.resolve("cfg.conf"), Contracts.CONFIG_SOURCES);
        inNs.run("tlclb_config_sync", "-c", cfg.toString(), "-y", "-q").exits(0);
        ItSupport.write(etc, "clusterserver.conf", "version 2\n", "rw-r--r--", Contracts.T0.plusSeconds(60));
        inNs.run("tlclb_config_sync", "-c", cfg.toString(), "-y", "-q").exits(0);
        assertThat(cluster.etc(1).resolve("clusterserver.conf")).hasContent("version 2");
        Result r = inNs.run("tlclb", "rollback", "-c", cfg.toString(), "--config-tree", "-y").exits(0);
        assertThat(r.out()).contains("node1 ", "node2 ");
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.etc(i).resolve("clusterserver.conf")).hasContent("version 1");
            assertThat(files(cluster.lic(i))).contains("license.key");
        }
    }
}
