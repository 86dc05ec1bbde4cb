package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.it.Contracts.files;
import static org.tlclb.sync.it.ItSupport.count;
import static org.tlclb.sync.it.ItSupport.tempFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tlclb.sync.cli.Main;
import org.tlclb.sync.it.Launcher.Result;
import org.tlclb.sync.it.Launcher.Tty;
import org.tlclb.sync.run.TreeAssert;

/**
 * tlclb_content_sync as its --help, the README and SPEC promise it, run through scripts/ against
 * two real OpenSSH nodes: every option, every exit code it can produce, the cron line, the
 * terminal (question, progress), the log and the JSON report.
 */
@Contract("content-sync")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContentSyncContractIT extends LabTestBase {
    @BeforeEach
    void setUp() throws Exception {
        for (int i = 1; i <= cluster.size(); i++) {
            cluster.start(i); // a test may have stopped one
        }
        Contracts.tree(src);
    }

    /** tlclb_content_sync -c CONF ARGS... --dest /var/www/html SRC (no -y unless given). */
    private Result sync(String... args) {
        return launcher.run("tlclb_content_sync", argv(args));
    }

    private String[] argv(String... args) {
        List<String> a = new ArrayList<>(List.of("-c", conf.toString()));
        a.addAll(List.of(args));
        a.addAll(List.of("--dest", DEST, src.toString()));
        return a.toArray(String[]::new);
    }

    private void assertNodesAreTheSource() throws IOException {
        for (int i = 1; i <= cluster.size(); i++) {
            TreeAssert.assertSameTree(src, cluster.www(i));
            assertThat(tempFiles(cluster.www(i))).isEmpty();
        }
    }

    private void assertNodesEmpty() throws IOException {
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(files(cluster.www(i))).as("node %d", i).isEmpty();
        }
    }

    // ------------------------------------------------------------------ help, version, names

    @Test
    @Exercises(value = {"-h", "--help"}, exits = 0)
    void helpFitsEightyColumnsNamesTheCommandAsTypedAndEndsWithTheExitCodes() {
        Result r = launcher.run("tlclb_content_sync", "--help").exits(0);
        assertThat(r.out()).startsWith("Usage: tlclb_content_sync ").contains("--bwlimit=RATE", "--log-file=FILE",
                "--max-delete=N", "--chown=USER:GROUP", "Exit codes:", "  6   internal error");
        assertThat(r.out()).doesNotContain("-e=", "-e, ");
        Contracts.assertHelpFits(r.out(), Main.model("tlclb_content_sync"));
        Result sub = launcher.run("tlclb", "content-sync", "-h").exits(0);
        assertThat(sub.out()).startsWith("Usage: tlclb content-sync ");
    }

    @Test
    @Exercises(value = {"-V", "--version"}, exits = 0)
    void versionIsTheRelease() throws IOException {
        String version = Contracts.releaseVersion();
        assertThat(version).doesNotContain("SNAPSHOT");
        String line = "tlclb-sync " + version + "\n";
        assertThat(launcher.run("tlclb_content_sync", "--version").exits(0).out()).isEqualTo(line);
        assertThat(launcher.run("tlclb_content_sync", "-V").exits(0).out()).isEqualTo(line);
    }

    @Test
    @Exercises(exits = 2)
    void errorsAndTheirHelpHintUseTheNameTyped() {
        Result typed = launcher.run("tlclb_content_sync", "--bogus").exits(2);
        assertThat(typed.err()).isEqualTo("tlclb_content_sync: Unknown option: '--bogus'\n"
                + "Try 'tlclb_content_sync --help' for more information.\n");
        Result sub = launcher.run("tlclb", "content-sync", "--bogus").exits(2);
        assertThat(sub.err()).isEqualTo("tlclb content-sync: Unknown option: '--bogus'\n"
                + "Try 'tlclb content-sync --help' for more information.\n");
        Result relative = launcher.run("tlclb_content_sync", "-c", conf.toString(), "--dest", "var/www", src.toString())
                .exits(2);
        assertThat(relative.err()).isEqualTo("tlclb_content_sync: --dest must be an absolute path, not 'var/www'\n");
        assertThat(relative.out()).isEmpty();
    }

    /**
     * Issue 29, part 7: a destination written with '.', '..' or a doubled slash, inside a state area, or holding
     * another destination (here ContentDir, /var/www/html) is refused before anything is contacted: exit 2, one
     * line on stderr with the form to type instead, the nodes untouched.
     */
    @Test
    @Exercises(value = {"-y", "-c", "--dest", "--delete"}, exits = 2)
    void destinationsThatReachOutsideTheirTreeAreRefusedWithTheFormToType() throws IOException {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("/var/www/../www/html", "--dest '/var/www/../www/html' has a '..' component: type --dest"
                + " /var/www/html");
        refusals.put("/var/www/./html", "--dest '/var/www/./html' has a '.' component: type --dest /var/www/html");
        refusals.put("/var/www//html", "--dest '/var/www//html' has a doubled slash: type --dest /var/www/html");
        refusals.put("/var/www/html/.tlclb-backup/old", "--dest /var/www/html/.tlclb-backup/old is inside the state"
                + " area of /var/www/html (its backups and node lock): push to a directory outside it; to put a"
                + " backup back, run tlclb rollback --dest /var/www/html");
        refusals.put("/var/www", "destination /var/www contains /var/www/html, whose state area"
                + " /var/www/html/.tlclb-backup (backups and node lock) it must not reach: push to /var/www/html"
                + " itself, or to a directory that holds no other destination");
        for (Map.Entry<String, String> e : refusals.entrySet()) {
            Result r = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--delete", "--dest", e.getKey(),
                    src.toString()).exits(2);
            assertThat(r.err()).as(e.getKey()).isEqualTo("tlclb_content_sync: " + e.getValue() + "\n");
            assertThat(r.out()).isEmpty();
        }
        assertNodesEmpty();
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(cluster.www(i).resolve(".tlclb-backup")).as("no node lock taken on node %d", i).doesNotExist();
        }
    }

    // ------------------------------------------------------------------ cron and JSON

    @Test
    @Exercises(value = {"-y", "-q", "--json", "-c", "--dest"}, exits = 0)
    void theCronLineWritesTheJsonFileSaysNothingAndExitsZero() throws Exception {
        Path json = tmp.resolve("reports/last.json");
        Files.createDirectories(json.getParent());
        Result r = sync("-y", "-q", "--json", json.toString()).exits(0);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertNodesAreTheSource();
        JsonNode j = new Result(0, Files.readString(json), "").json();
        assertThat(j.get("exit_code").asInt()).isZero();
        assertThat(j.get("outcome").asText()).isEqualTo("in_sync");
        assertThat(j.get("command").asText()).isEqualTo("tlclb_content_sync");
        assertThat(j.get("nodes").findValuesAsText("status")).containsExactly("ok", "ok");
        assertThat(j.get("nodes").get(0).get("created").asInt()).isEqualTo(5); // index, sub, a, b, private.key
        assertThat(files(json.getParent())).containsExactly("last.json"); // no temporary file left beside it

        Result again = sync("-y", "-q", "--json", json.toString()).exits(0);
        assertThat(again.out() + again.err()).isEmpty();
    }

    @Test
    @Exercises(value = "--json", exits = {0, 2})
    void jsonOnStdoutIsAloneThereAndTheTextGoesToStderr() throws Exception {
        Result r = sync("-y", "--json", "-").exits(0);
        JsonNode j = r.json(); // the whole of stdout is one document
        assertThat(j.get("exit_code").asInt()).isZero();
        assertThat(j.get("changed").size()).isEqualTo(2);
        assertThat(r.err()).contains("node1     ok       created 5", "total: 2 of 2 nodes in sync");
        Process jq = new ProcessBuilder("jq", "-e", ".exit_code == 0 and (.nodes | length) == 2").start();
        jq.getOutputStream().write(r.out().getBytes(StandardCharsets.UTF_8));
        jq.getOutputStream().close();
        assertThat(jq.waitFor()).as("jq accepts stdout").isZero();

        Result missingDir = sync("-y", "--json", tmp.resolve("no/such/dir/r.json").toString()).exits(2);
        assertThat(missingDir.err()).contains("cannot write in " + tmp.resolve("no/such/dir"));
        Result isDir = sync("-y", "--json", tmp.toString()).exits(2);
        assertThat(isDir.err()).contains("is a directory");
    }

    // ------------------------------------------------------------------ plans

    @Test
    @Exercises(value = {"-n", "--dry-run"}, exits = 0)
    void aDryRunPrintsEachDistinctPlanOnceWithItsNodesAndChangesNothing() throws Exception {
        Result same = sync("-n").exits(0);
        assertThat(count(same.out(), "node1, node2: /var/www/html\n")).isEqualTo(1);
        assertThat(same.out()).contains("  <f+++++++++ index.html\n", "  cd+++++++++ sub/\n",
                "  <f+++++++++ sub/a.txt\n",
                "  5 created, 0 updated, 0 deleted", "dry run: 2 of 2 nodes planned");
        assertNodesEmpty();

        ItSupport.write(cluster.www(2), "index.html", "<h1>hello</h1>\n", "rw-r--r--", Contracts.T0);
        Contracts.resetMtime(cluster.www(2));
        Result differ = sync("--dry-run").exits(0);
        assertThat(count(differ.out(), "node1: /var/www/html\n")).isEqualTo(1);
        assertThat(count(differ.out(), "node2: /var/www/html\n")).isEqualTo(1);
        assertThat(count(differ.out(), "<f+++++++++ index.html")).isEqualTo(1);
        assertThat(files(cluster.www(1))).isEmpty();
    }

    @Test
    @Exercises(value = {"-v", "--verbose", "--log-file"}, exits = 0)
    void verboseShowsWhatIsPushedItemizedAndLogsItPerFile() throws Exception {
        Path log = tmp.resolve("own-log/push.log");
        Result r = sync("-y", "-v", "--log-file", log.toString()).exits(0);
        assertThat(r.out()).contains("node1, node2: /var/www/html\n", "  <f+++++++++ sub/b.txt\n");
        assertNodesAreTheSource();
        String text = Files.readString(log);
        assertThat(text).contains("[DEBUG] node1 <f+++++++++ sub/b.txt", "[INFO ] run ", "node node2 ok created=5");
        assertThat(launcher.logFile()).doesNotExist(); // --log-file replaced the default
        Files.writeString(src.resolve("index.html"), "<h1>changed</h1>\n");
        Files.setLastModifiedTime(src.resolve("index.html"), FileTime.from(Contracts.T0.plusSeconds(99)));
        assertThat(sync("-y", "--verbose", "--log-file", log.toString()).exits(0).out())
                .contains("  <f.st...... index.html\n");
    }

    // ------------------------------------------------------------------ what a push may do

    @Test
    @Exercises(value = {"--delete", "--no-delete", "--max-delete"}, exits = {0, 2})
    void deleteRemovesWhatTheSourceLacksWithinTheLimit() throws Exception {
        sync("-y").exits(0);
        ItSupport.write(cluster.www(1), "stale.html", "old\n", "rw-r--r--", Contracts.T0);
        ItSupport.write(cluster.www(1), "sub/stale2.html", "old\n", "rw-r--r--", Contracts.T0);
        sync("-y").exits(0);
        assertThat(cluster.www(1).resolve("stale.html")).exists(); // content: delete is off by default
        sync("-y", "--no-delete").exits(0);
        assertThat(cluster.www(1).resolve("stale.html")).exists();

        Result refused = sync("-y", "--delete", "--max-delete", "1").exits(2);
        assertThat(refused.out() + refused.err()).contains("node1", "--max-delete");
        assertThat(cluster.www(1).resolve("stale.html")).exists();
        assertThat(tempFiles(cluster.www(1))).isEmpty();

        Result r = sync("-y", "--delete", "--max-delete", "2").exits(0);
        assertThat(r.out()).contains("node1     ok       created 0, updated 0, deleted 2");
        assertNodesAreTheSource();
    }

    @Test
    @Exercises(value = {"-C", "--checksum"}, exits = 0)
    void checksumFindsTheChangeSizeAndMtimeHide() throws Exception {
        sync("-y").exits(0);
        Path planted = cluster.www(2).resolve("sub/a.txt");
        Files.writeString(planted, "X\n"); // same size, same mtime, other bytes
        Files.setLastModifiedTime(planted, FileTime.from(Contracts.T0.plusSeconds(1)));
        Contracts.resetMtime(cluster.www(2).resolve("sub"));
        Files.setLastModifiedTime(cluster.www(2).resolve("sub"), Files.getLastModifiedTime(src.resolve("sub")));
        assertThat(sync("-y").exits(0).out()).contains("node2     ok       created 0, updated 0");
        assertThat(planted).hasContent("X");
        assertThat(sync("-y", "-C").exits(0).out()).contains("node2     ok       created 0, updated 1");
        assertThat(planted).hasContent("a");
        assertThat(sync("-y", "--checksum").exits(0).out()).contains("node2     ok       created 0, updated 0");
    }

    @Test
    @Exercises(value = {"--exclude", "-e"}, exits = {0, 2})
    void excludeLeavesPathsAloneAndMinusEIsRefusedWithAHint() throws Exception {
        ItSupport.write(src, "cache/x.tmp", "t\n", "rw-r--r--", Contracts.T0);
        Result hint = launcher.run("tlclb_content_sync", "-e", "ssh -p 2222", src.toString()).exits(2);
        assertThat(hint.err()).isEqualTo("tlclb_content_sync: -e is rsync's remote shell and is not an option here:"
                + " use --exclude PATTERN to leave paths alone, or ~/.ssh/config for ssh options\n");
        assertNodesEmpty();

        sync("-y", "--exclude", "cache/", "--exclude", "*.key").exits(0);
        assertThat(files(cluster.www(1))).containsExactly("index.html", "sub", "sub/a.txt", "sub/b.txt");
    }

    @Test
    @Exercises(value = {"--backup", "--no-backup"}, exits = 0)
    void backupKeepsWhatAPushReplacedUnderTheRunsId() throws Exception {
        sync("-y", "--no-backup").exits(0);
        assertThat(files(cluster.www(1).resolve(".tlclb-backup"))).as("no backup: the node's marker alone")
                .containsExactly("generation");
        Files.writeString(src.resolve("index.html"), "<h1>v2</h1>\n");
        Result r = sync("-y", "--backup", "--json", "-").exits(0);
        String run = r.json().get("run_id").asText();
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.www(i).resolve(".tlclb-backup/" + run + "/index.html")).hasContent("<h1>hello</h1>");
            assertThat(cluster.www(i).resolve("index.html")).hasContent("<h1>v2</h1>");
        }
        Files.writeString(src.resolve("index.html"), "<h1>v3</h1>\n");
        sync("-y", "--no-backup").exits(0);
        assertThat(files(cluster.www(1).resolve(".tlclb-backup"))).containsExactly(run, run + "/index.html",
                "generation");
    }

    @Test
    @Exercises(value = {"--post-sync", "--quiet"}, exits = {0, 1})
    void postSyncRunsWhereSomethingChangedAndUnderQuietAFailureShowsStatusAndOutput() throws Exception {
        Path marks = tmp.resolve("hook-marks");
        Files.createDirectories(marks);
        String hook = "ls /var/www/html > " + marks + "/$(echo $SSH_CONNECTION | cut -d' ' -f3)-$$.txt";
        sync("-y", "--post-sync", hook).exits(0);
        assertThat(files(marks)).hasSize(2);
        sync("-y", "--post-sync", hook).exits(0); // nothing changed: the command does not run
        assertThat(files(marks)).hasSize(2);

        Files.writeString(src.resolve("index.html"), "<h1>v2</h1>\n");
        Result r = sync("-y", "--quiet", "--post-sync", "echo reloading; echo broken >&2; exit 7").exits(1);
        assertThat(r.out()).isEmpty();
        String failed = "post-sync 'echo reloading; echo broken >&2; exit 7' exited 7: reloading | broken";
        assertThat(r.err()).contains("node1: " + failed, "node2: " + failed);
        assertThat(cluster.www(1).resolve("index.html")).hasContent("<h1>v2</h1>");
    }

    @Test
    @Exercises(value = {"--partial-ok", "-q", "--retries"}, exits = {1, 3})
    void allOrNothingUnderQuietSaysNoNodeChangedAndPartialOkCommitsWhereStagingWorked() throws Exception {
        cluster.stop(2);
        Result aborted = sync("-y", "-q", "--retries", "0").exits(3);
        assertThat(aborted.out()).isEmpty();
        assertThat(aborted.err()).contains("node2: cannot connect to " + cluster.address(2))
                .contains("all-or-nothing: node2 failed before commit, so no node was changed");
        assertNodesEmpty();

        Result partial = sync("-y", "-q", "--partial-ok", "--retries", "1").exits(1);
        assertThat(partial.err()).contains("node2: cannot connect", "changed: node1; not (fully) changed: node2");
        TreeAssert.assertSameTree(src, cluster.www(1));
        assertThat(files(cluster.www(2))).isEmpty();
    }

    @Test
    @Exercises(value = "--chown", exits = {0, 2})
    void chownNamesAreResolvedOnTheNode() throws Exception {
        int uid = Contracts.id("-u", "daemon");
        int gid = Contracts.id("-g", "daemon");
        sync("-y", "--chown", "daemon:daemon").exits(0);
        for (int i = 1; i <= 2; i++) {
            for (String f : List.of("index.html", "sub", "sub/a.txt")) {
                Path p = cluster.www(i).resolve(f);
                assertThat(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(p.toString())
                        .isEqualTo(uid);
                assertThat(Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(p.toString())
                        .isEqualTo(gid);
            }
        }
        Result bad = sync("-y", "--chown", "1:2:3").exits(2);
        assertThat(bad.err()).contains("--chown", "1:2:3", "USER:GROUP");
        Result unknown = sync("-y", "--chown", "no-such-user-xyz").exits(3);
        assertThat(unknown.out() + unknown.err()).contains("no-such-user-xyz");
    }

    @Test
    @Exercises(value = {"-j", "--parallel", "--retries", "--connect-timeout", "--chown", "--bwlimit", "--max-delete"},
            exits = {0, 2})
    void valuesOutOfRangeAreRefusedWithTheRangeBeforeAnythingIsContacted() throws Exception {
        String[][] cases = {
            {"-j", "0", "-j/--parallel must be 1..1024, not 0"},
            {"-j", "-1", "-j/--parallel must be 1..1024, not -1"},
            {"--parallel", "1025", "-j/--parallel must be 1..1024, not 1025"},
            {"--retries", "-1", "--retries must be 0..20, not -1"},
            {"--connect-timeout", "0", "--connect-timeout must be 1..86400, not 0"},
            {"--max-delete", "-1", "--max-delete must be 0 or more, not -1"},
            {"--chown", "1:2:3", "--chown: bad value '1:2:3'"},
            {"--bwlimit", "99999999999999999999G", "(1 byte/s to 1T: a number with K, M, G or T"},
            {"--bwlimit", "2T", "--bwlimit 2T is out of range (1 byte/s to 1T"},
        };
        for (String[] c : cases) {
            Result r = sync("-y", c[0], c[1]).exits(2);
            assertThat(r.err()).as(String.join(" ", c)).startsWith("tlclb_content_sync: ").contains(c[2]);
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        }
        assertNodesEmpty();
        sync("-y", "-j", "1", "--retries", "0", "--connect-timeout", "3", "--bwlimit", "50M").exits(0);
        assertNodesAreTheSource();
    }

    // ------------------------------------------------------------------ nodes and trust

    @Test
    @Exercises(value = {"-w", "--servers", "-x", "--exclude-servers"}, exits = 0)
    void serversFromAFileOneLineEachAndExcludedServers() throws Exception {
        Path list = tmp.resolve("servers.txt");
        Files.writeString(list, "# the web tier\nnode1\n\nnode2\n");
        Result r = sync("-y", "-w", "@" + list).exits(0);
        assertThat(r.out()).contains("node1     ok", "node2     ok");
        assertNodesAreTheSource();

        ItSupport.wipe(cluster);
        Result one = sync("-y", "--servers", "@" + list, "-x", "node2").exits(0);
        assertThat(one.out()).contains("node1     ok").doesNotContain("node2");
        assertThat(files(cluster.www(2))).isEmpty();
        sync("-y", "--exclude-servers", "node1", "-w", "node1,node2").exits(0);
        TreeAssert.assertSameTree(src, cluster.www(2));
    }

    @Test
    @Exercises(value = {"-i", "--identity", "--known-hosts", "--host-key-policy"}, exits = {0, 3})
    void keysAndHostKeysNamedOnTheCommandLine() throws Exception {
        Path bare = Contracts.bareConf(cluster, tmp.resolve("bare.conf"));
        Path known = tmp.resolve("known_hosts");
        Files.writeString(known, "");
        List<String> base = List.of("-c", bare.toString(), "-y", "--dest", DEST, src.toString());

        Result strict = launcher.run("tlclb_content_sync", with(base, "-i", cluster.clientKey().toString(),
                "--known-hosts", known.toString(), "--host-key-policy", "strict")).exits(3);
        assertThat(strict.out() + strict.err()).contains("the host is not in");
        assertThat(Files.readString(known)).isEmpty();

        launcher.run("tlclb_content_sync", with(base, "--identity", cluster.clientKey().toString(),
                "--known-hosts", known.toString(), "--host-key-policy", "accept-new")).exits(0);
        assertNodesAreTheSource();
        assertThat(Files.readString(known)).contains(cluster.address(1) + " ", cluster.address(2) + " ");
        Files.writeString(src.resolve("index.html"), "v2\n");
        launcher.run("tlclb_content_sync", with(base, "-i", cluster.clientKey().toString(), "--known-hosts",
                known.toString(), "--host-key-policy", "strict")).exits(0);
        assertThat(cluster.www(2).resolve("index.html")).hasContent("v2");
        Result bad = launcher.run("tlclb_content_sync", with(base, "--host-key-policy", "trusting")).exits(2);
        assertThat(bad.err()).contains("--host-key-policy takes strict, ask or accept-new, not 'trusting'");
    }

    private static String[] with(List<String> base, String... more) {
        List<String> a = new ArrayList<>(List.of(more));
        a.addAll(base);
        return a.toArray(String[]::new);
    }

    // ------------------------------------------------------------------ the terminal

    @Test
    @Exercises(exits = {5, 0})
    void theQuestionIsAskedOnTheTerminalEvenWithStdoutPipedAndNoChangesNothing() throws Exception {
        Path out = tmp.resolve("piped-stdout.txt");
        Result no = launcher.runOnTerminal(Tty.stdoutPipedTo(out), "n\n", "tlclb_content_sync", argv()).exits(5);
        assertThat(no.out()).contains("node1, node2 will change /var/www/html: 10 created, 0 updated, 0 deleted",
                "(2 of 2 nodes)", "Push now? [y/N]");
        assertThat(Files.readString(out)).isEqualTo("declined: nothing was changed\n");
        assertNodesEmpty();

        Path out2 = tmp.resolve("piped-stdout-2.txt");
        launcher.runOnTerminal(Tty.stdoutPipedTo(out2), "y\n", "tlclb_content_sync", argv()).exits(0);
        assertThat(Files.readString(out2)).contains("total: 2 of 2 nodes in sync");
        assertNodesAreTheSource();
    }

    @Test
    @Exercises(value = {"--bwlimit", "-y"}, exits = 0)
    void progressIsDrawnOnlyWhenStderrIsATerminal() throws Exception {
        Random random = new Random(1);
        byte[] big = new byte[200 * 1024];
        random.nextBytes(big);
        Files.write(src.resolve("big.bin"), big);
        for (int i = 0; i < 30; i++) {
            byte[] page = new byte[16 * 1024];
            random.nextBytes(page);
            Files.write(src.resolve("page-" + i + ".html"), page);
        }
        long t0 = System.nanoTime();
        Result tty = launcher.runOnTerminal("", "tlclb_content_sync", argv("-y", "--bwlimit", "256K")).exits(0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(seconds).as("680 KiB at 256 KiB/s per node").isGreaterThan(2.0);
        String drawn = tty.out();
        assertThat(drawn).contains("\rconnect", "\rstage  ", " files  ", "KiB/s", "nodes 0/2").contains("\r");
        assertThat(drawn).containsPattern(
                "\rstage +[0-9,]+/[0-9,]+ files +[0-9.]+ (B|KiB|MiB)/[0-9.]+ (KiB|MiB) +[0-9.]+ (B|KiB|MiB)/s +nodes [0-2]/2");
        // the file count advances file by file while the nodes stage, not only when a node is through
        Matcher counts = Pattern.compile("\rstage +([0-9,]+)/([0-9,]+) files").matcher(drawn);
        Set<Integer> inBetween = new TreeSet<>();
        while (counts.find()) {
            int done = Integer.parseInt(counts.group(1).replace(",", ""));
            int total = Integer.parseInt(counts.group(2).replace(",", ""));
            assertThat(total).as("files to send to both nodes").isGreaterThanOrEqualTo(62);
            if (done > 0 && done < total) {
                inBetween.add(done);
            }
        }
        assertThat(inBetween).as("file counts drawn between none and all").hasSizeGreaterThanOrEqualTo(3);
        assertThat(drawn).contains("total: 2 of 2 nodes in sync");
        assertNodesAreTheSource();

        ItSupport.wipe(cluster);
        Path err = tmp.resolve("stderr.log");
        Result redirected = launcher.runOnTerminal(Tty.stderrTo(err), "", "tlclb_content_sync",
                argv("-y", "--bwlimit", "1M")).exits(0);
        assertThat(Files.readString(err)).isEmpty(); // no progress, no escape codes, no \r
        assertThat(redirected.out()).doesNotContain("stage ").contains("total: 2 of 2 nodes in sync");
        ItSupport.wipe(cluster);
        Result cron = sync("-y", "--bwlimit", "2M").exits(0);
        assertThat(cron.out() + cron.err()).doesNotContain("\r").doesNotContain("\u001b");
    }

    // ------------------------------------------------------------------ lock, interrupt, internal error

    @Test
    @Exercises(value = "--bwlimit", exits = {4, 5})
    void aSecondRunFindsTheLockHeldAndCtrlCDuringStagingChangesNothing() throws Exception {
        byte[] big = new byte[1024 * 1024];
        Files.write(src.resolve("big.bin"), big);
        RunningLauncher slow = launcher.spawn("tlclb_content_sync", argv("-y", "--bwlimit", "100K"));
        Contracts.awaitTempFile(cluster.www(1), 30);

        Result locked = sync("-y").exits(4);
        assertThat(locked.err()).startsWith("tlclb_content_sync: another run holds the lock (pid " + slow.pid());
        assertThat(locked.out()).isEqualTo("another run on this machine holds the lock, so no node was contacted;"
                + " try again when it ends\n");

        slow.signal("INT");
        Result interrupted = slow.await().exits(5);
        assertThat(interrupted.out()).isEqualTo("interrupted before commit: what was staged was removed, nothing was"
                + " changed\n");
        assertThat(interrupted.err()).contains("interrupted: stopping before commit");
        for (int i = 1; i <= 2; i++) {
            assertThat(files(cluster.www(i))).as("node %d", i).isEmpty();
        }
    }

    @Test
    @Exercises(exits = {0, 6})
    void aTreeTooBigForTheHeapIsAnInternalErrorExit6ThatNeverHangsAndTheNextRunConverges() throws Exception {
        launcher.env("TLCLB_JAVA_OPTS", "-Xms10m -Xmx10m -Xmn3m"); // enough for a small tree, not for 10,000 names
        sync("-y", "-q").exits(0);
        assertNodesAreTheSource();
        for (int d = 0; d < 20; d++) {
            Path dir = Files.createDirectories(src.resolve("many/" + d));
            for (int f = 0; f < 500; f++) {
                Files.createFile(dir.resolve("file-with-a-longish-name-" + f + ".txt"));
            }
        }
        Result r = sync("-y").exits(6); // before the fix, a pool thread dying of it left the run waiting forever
        // Where it strikes decides where it is said: the report (a node's thread) or the one line on stderr.
        assertThat(r.out() + r.err()).contains("internal error").containsPattern("out of memory|OutOfMemoryError")
                .doesNotContain("\tat ");
        for (int i = 1; i <= 2; i++) {
            assertThat(files(cluster.www(i)).stream().filter(f -> f.equals("many") || f.startsWith("many/")))
                    .as("node %d", i).isEmpty();
        }
        ItSupport.emptyDir(src.resolve("many"));
        Files.delete(src.resolve("many"));
        launcher.env("TLCLB_JAVA_OPTS", null);
        sync("-y", "-q").exits(0);
        assertNodesAreTheSource(); // and no temporary file left behind
    }

    // ------------------------------------------------------------------ sync.conf's Validate, the log

    @Test
    @Exercises(exits = {2, 0})
    void validateContentRunsInTheSourceBeforeAnyPush() throws Exception {
        Path failing = ItSupport.writeConf(cluster, tmp.resolve("v1.conf"),
                "Validate content \"test -f index.html && echo checked $(pwd) && exit 3\"\n");
        Result r = launcher.run("tlclb_content_sync", "-c", failing.toString(), "-y", "--json", "-", "--dest", DEST,
                src.toString()).exits(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("checked " + src + "\n").contains("tlclb_content_sync: Validate content"
                + " \"test -f index.html && echo checked $(pwd) && exit 3\" exited 3: nothing was pushed");
        assertNodesEmpty();
        Path passing = ItSupport.writeConf(cluster, tmp.resolve("v2.conf"),
                "Validate content \"test -f index.html\"\n");
        launcher.run("tlclb_content_sync", "-c", passing.toString(), "-y", "--dest", DEST, src.toString()).exits(0);
        assertNodesAreTheSource();
    }

    @Test
    @Exercises(value = "--log-file", exits = {0, 3})
    void theLogRotatesIntoACompleteGzipAndFailuresAreWarnings() throws Exception {
        Path log = launcher.logFile();
        StringBuilder old = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            old.append("2026-01-01 00:00:00.000 [INFO ] old line ").append(i).append('\n');
        }
        Files.writeString(log, old);
        Instant twoDaysAgo = Instant.now().minusSeconds(2 * 86_400);
        Files.setLastModifiedTime(log, FileTime.from(twoDaysAgo));
        sync("-y").exits(0);
        String date = LocalDate.ofInstant(twoDaysAgo, ZoneId.systemDefault()).toString();
        Path gz = log.resolveSibling("sync.log." + date + ".0.gz");
        assertThat(files(log.getParent())).containsExactly("sync.log", "sync.log." + date + ".0.gz");
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(old.toString());
        }
        Process zcat = new ProcessBuilder("zcat", gz.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(zcat.waitFor()).as("zcat reads it").isZero();
        assertThat(Files.readString(log)).contains("[INFO ] run ").doesNotContain("old line");

        cluster.stop(2);
        sync("-y", "--retries", "0").exits(3);
        String text = Files.readString(log);
        assertThat(Contracts.linesWith(text, "node node2 failed")).singleElement().asString().contains("[WARN ]");
        assertThat(Contracts.linesWith(text, "outcome=aborted")).singleElement().asString().contains("[WARN ]");
        cluster.start(2);

        Path open = Files.createDirectories(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Result refused = sync("-y", "--log-file", open.resolve("sync.log").toString()).exits(0);
        assertThat(count(refused.err(), "warning:")).isEqualTo(1);
        assertThat(refused.err()).startsWith("tlclb_content_sync: warning: the log directory " + open
                + " can be written by other users; this run is not logged");
        assertThat(open.resolve("sync.log")).doesNotExist();
        Result notDir = sync("-y", "--log-file", conf.resolve("sync.log").toString()).exits(0);
        assertThat(notDir.err()).isEqualTo("tlclb_content_sync: warning: cannot use the log file "
                + conf.resolve("sync.log") + " (" + conf + " is not a directory); this run is not logged (set"
                + " LogFile or --log-file to a file in a directory only you can write)\n");
    }
}
