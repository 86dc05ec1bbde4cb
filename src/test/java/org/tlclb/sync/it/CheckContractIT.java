package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
 * tlclb check through scripts/ against two OpenSSH nodes: read-only, and the text, the JSON and the
 * exit code of one verdict (0 in sync, 1 drift, 3 not checked); it takes no push option.
 */
@Contract("check")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckContractIT extends LabTestBase {
    @BeforeEach
    void setUp() throws Exception {
        for (int i = 1; i <= cluster.size(); i++) {
            cluster.start(i);
        }
        Contracts.tree(src);
    }

    /** The nodes in sync with the source: the state each check test starts from. */
    private void pushed() {
        push("-q").exits(0);
    }

    private Result check(String... args) {
        List<String> a = new ArrayList<>(List.of("check", "-c", conf.toString()));
        a.addAll(List.of(args));
        a.addAll(List.of("--dest", DEST, src.toString()));
        return launcher.run("tlclb", a.toArray(String[]::new));
    }

    /** Writes a file on a node and puts the directory's mtime back, so that only the file differs. */
    private void plant(int node, String rel, String content) throws Exception {
        Path dir = cluster.www(node).resolve(rel).getParent();
        FileTime mtime = Files.getLastModifiedTime(dir);
        ItSupport.write(cluster.www(node), rel, content, "rw-r--r--", Contracts.T0);
        Files.setLastModifiedTime(dir, mtime);
    }

    @Test
    @Exercises(value = {"-h", "--help", "-V", "--version"}, exits = 0)
    void helpAndVersion() throws Exception {
        Result help = launcher.run("tlclb", "check", "--help").exits(0);
        assertThat(help.out()).startsWith("Usage: tlclb check ").contains("--config-tree", "Exit codes:")
                .doesNotContain("--post-sync", "--chown", "--bwlimit", "--[no-]backup", "--yes", "--max-delete");
        Contracts.assertHelpFits(help.out(), Main.model("tlclb").getSubcommands().get("check"));
        assertThat(launcher.run("tlclb", "check", "-h").exits(0).out()).isEqualTo(help.out());
        Contracts.assertVersion(launcher, "tlclb", "check");
    }

    @Test
    @Exercises(value = {"--json", "-q", "--quiet", "-c", "--dest"}, exits = {0, 1})
    void textJsonAndExitCodeComeFromOneVerdictAndALeftoverAloneIsDrift() throws Exception {
        pushed();
        Result ok = check().exits(0);
        assertThat(ok.out()).contains("node1     in sync\n", "node2     in sync\n",
                "check: 2 of 2 nodes in sync, 0 drifted, 0 not checked");
        JsonNode okJson = check("--json", "-").exits(0).json();
        assertThat(okJson.get("outcome").asText()).isEqualTo("check_in_sync");
        assertThat(okJson.get("exit_code").asInt()).isZero();
        assertThat(okJson.get("dry_run").asBoolean()).isTrue();

        plant(1, ".tlclb.abcdefghijklmnop.tmp", "left by a killed run");
        Result drift = check().exits(1);
        assertThat(drift.out()).contains("node1     DRIFT    0 to create, 0 to update, 0 to delete, 1 leftover"
                + " temporary file(s) of an interrupted run", "node2     in sync",
                "check: 1 of 2 nodes in sync, 1 drifted, 0 not checked");
        assertThat(drift.out()).doesNotContain("node1     in sync");
        Result json = check("--json", "-").exits(1);
        JsonNode j = json.json();
        assertThat(j.get("exit_code").asInt()).isEqualTo(1);
        assertThat(j.get("outcome").asText()).isEqualTo("drift");
        assertThat(j.get("nodes").get(0).get("leftovers").asInt()).isEqualTo(1);
        assertThat(j.get("nodes").get(1).get("leftovers").asInt()).isZero();
        assertThat(json.err()).contains("node1     DRIFT");
        Result quiet = check("-q").exits(1);
        assertThat(quiet.out()).isEmpty();
        assertThat(quiet.err()).isEqualTo("drift on node1 (without -q: what differs)\n");
        Result quietOk = check("--quiet", "-w", "node2").exits(0);
        assertThat(quietOk.out() + quietOk.err()).isEmpty();
        assertThat(cluster.www(1).resolve(".tlclb.abcdefghijklmnop.tmp")).exists(); // check changes nothing
    }

    @Test
    @Exercises(value = {"--delete", "--no-delete"}, exits = {0, 1})
    void nodeOnlyFilesAreDriftUnlessNoDelete() throws Exception {
        pushed();
        plant(2, "extra.html", "only here\n");
        assertThat(check().exits(1).out()).contains("node2     DRIFT    0 to create, 0 to update, 1 to delete");
        check("--delete").exits(1);
        assertThat(check("--no-delete").exits(0).out()).contains("node2     in sync");
    }

    @Test
    @Exercises(value = {"-C", "--checksum", "--exclude", "-v", "--verbose"}, exits = {0, 1})
    void checksumSeesHiddenChangesAndExcludedPathsAreNotDrift() throws Exception {
        pushed();
        Path a = cluster.www(1).resolve("sub/a.txt");
        FileTime mtime = Files.getLastModifiedTime(a);
        Files.writeString(a, "Z\n");
        Files.setLastModifiedTime(a, mtime);
        check().exits(0);
        Result sums = check("-C").exits(1);
        assertThat(sums.out()).as("one line per drifted node; -v itemizes").contains("node1     DRIFT    0 to create,"
                + " 1 to update").doesNotContain("node1: /var/www/html\n", "sub/a.txt");
        check("--checksum", "--exclude", "sub/a.txt").exits(0);
        Result verbose = check("--checksum", "-v").exits(1);
        assertThat(verbose.out()).contains("node1: /var/www/html\n", "  <fc........ sub/a.txt\n");
        assertThat(check("--verbose").exits(0).out()).contains("node1     in sync");
    }

    @Test
    @Exercises(value = {"--retries", "--connect-timeout", "-q"}, exits = 3)
    void aNodeThatCannotBeCheckedIsExit3() throws Exception {
        pushed();
        cluster.stop(2);
        Result r = check("--retries", "0", "--connect-timeout", "3").exits(3);
        assertThat(r.out()).contains("node1     in sync", "node2     FAILED   cannot connect",
                "check: 1 of 2 nodes in sync, 0 drifted, 1 not checked");
        Result q = check("-q", "--retries", "0").exits(3);
        assertThat(q.err()).startsWith("node2: cannot connect to " + cluster.address(2));
        assertThat(q.out()).isEmpty();
    }

    @Test
    @Exercises(value = "-e", exits = 2)
    void pushOptionsAreRefusedAndMinusEGetsItsHint() {
        Result one = launcher.run("tlclb", "check", "-c", conf.toString(), "--post-sync", "true").exits(2);
        assertThat(one.err()).isEqualTo("tlclb check: Unknown option: '--post-sync'\n"
                + "Try 'tlclb check --help' for more information.\n");
        String[] refused = {"-y", "-n", "--dry-run", "--chown", "1:1", "--bwlimit", "1M", "--backup", "--no-backup",
            "--partial-ok", "--max-delete", "1"};
        List<String> argv = new ArrayList<>(List.of("check", "-c", conf.toString()));
        argv.addAll(List.of(refused));
        Result all = launcher.run("tlclb", argv.toArray(String[]::new)).exits(2);
        assertThat(all.err()).startsWith("tlclb check: Unknown options: '-y', '-n', '--dry-run',")
                .endsWith("\nTry 'tlclb check --help' for more information.\n");
        for (String option : refused) {
            if (option.startsWith("-")) {
                assertThat(all.err()).contains("'" + option + "'");
            }
        }
        Result e = check("-e", "ssh").exits(2);
        assertThat(e.err()).startsWith("tlclb check: -e is rsync's remote shell and is not an option here");
    }

    @Test
    @Exercises(value = {"-w", "--servers", "-x", "--exclude-servers", "-j", "--parallel", "-i", "--identity",
        "--known-hosts", "--host-key-policy", "--log-file"}, exits = {0, 3})
    void nodesKeysAndTrustFromTheCommandLine() throws Exception {
        pushed();
        Path bare = Contracts.bareConf(cluster, tmp.resolve("bare.conf"));
        Path log = tmp.resolve("check.log");
        Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
        String[] common = {"--dest", DEST, src.toString()};
        Result strict = launcher.run("tlclb", concat(new String[] {"check", "-c", bare.toString(), "-i",
            cluster.clientKey().toString(), "--known-hosts", empty.toString(), "--host-key-policy", "strict"}, common))
                .exits(3);
        assertThat(strict.out()).contains("the host is not in");
        Result ok = launcher.run("tlclb", concat(new String[] {"check", "-c", bare.toString(), "--identity",
            cluster.clientKey().toString(), "--known-hosts", cluster.knownHosts().toString(), "-w", "node1,node2",
            "-x", "node2", "-j", "1", "--log-file", log.toString()}, common)).exits(0);
        assertThat(ok.out()).contains("node1     in sync").doesNotContain("node2");
        assertThat(Files.readString(log)).contains("tlclb check (dry run) sources=" + src + " nodes=1 exit=0");
        Path list = Files.writeString(tmp.resolve("list"), "node1\nnode2\n");
        Result two = launcher.run("tlclb", concat(new String[] {"check", "-c", bare.toString(), "-i",
            cluster.clientKey().toString(), "--known-hosts", cluster.knownHosts().toString(), "--servers", "@" + list,
            "--exclude-servers", "node1", "--parallel", "2"}, common)).exits(0);
        assertThat(two.out()).contains("node2     in sync").doesNotContain("node1");
    }

    @Test
    @Exercises(value = "--config-tree", exits = {0, 1})
    void configTreeChecksConfigDirAndTheLicenseFiles() throws Exception {
        Path etc = tmp.resolve("src-etc");
        Path lic = tmp.resolve("src-lic");
        Launcher inNs = Contracts.withConfigSources(tmp.resolve("state"), etc, lic, "x\n");
        Path cfg = ItSupport.writeConf(cluster, tmp.resolve("cfg.conf"), Contracts.CONFIG_SOURCES);
        inNs.run("tlclb_config_sync", "-c", cfg.toString(), "-y", "-q", "--no-backup").exits(0);
        Result ok = inNs.run("tlclb", "check", "-c", cfg.toString(), "--config-tree").exits(0);
        assertThat(ok.out()).contains("check: 2 of 2 nodes in sync");
        FileTime mtime = Files.getLastModifiedTime(cluster.lic(2));
        Files.writeString(cluster.lic(2).resolve("license.key"), "TAMPERED\n");
        Files.setLastModifiedTime(cluster.lic(2), mtime);
        Result drift = inNs.run("tlclb", "check", "-v", "-c", cfg.toString(), "--config-tree").exits(1);
        assertThat(drift.out()).contains("node2: /etc/tlclb/license.key\n",
                "node2     DRIFT    0 to create, 1 to update");
    }

    private static String[] concat(String[] a, String[] b) {
        List<String> out = new ArrayList<>(List.of(a));
        out.addAll(List.of(b));
        return out.toArray(String[]::new);
    }
}
