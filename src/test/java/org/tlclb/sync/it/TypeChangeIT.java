package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, "a type change is a delete", through the launcher against two OpenSSH nodes: every
 * entry a push takes off a node to put another type of entry in its place counts for --max-delete
 * and the default guard; without --delete a directory that is not empty is not replaced (rsync's
 * "cannot delete non-empty directory": named, the node partial, exit 1); with backups, rollback
 * puts back every kind of type change, the tree as it was before the run (listing, content,
 * modes and mtimes, the directories' own included).
 */
class TypeChangeIT extends LabTestBase {
    static final Instant T1 = Instant.parse("2026-01-05T10:00:00Z");
    static final Instant T2 = Instant.parse("2026-02-05T10:00:00Z");
    static final Instant T3 = Instant.parse("2026-03-05T10:00:00Z");

    /** The issue's tree: {@code big/} of 40 files and {@code other/a}, every time fixed. */
    private void bigAndOther() throws Exception {
        for (int i = 1; i <= 40; i++) {
            ItSupport.write(src, "big/f" + i, i + "\n", "rw-r--r--", T1);
        }
        ItSupport.write(src, "other/a", "a\n", "rw-r--r--", T1);
        setTime(src.resolve("big"), T1);
        setTime(src.resolve("other"), T1);
        setTime(src, T1);
    }

    /** Replaces {@code S/big} by a link to {@code other} (or, with {@code file}, by a file). */
    private void replaceBig(boolean file) throws Exception {
        ItSupport.emptyDir(src.resolve("big"));
        Files.delete(src.resolve("big"));
        if (file) {
            ItSupport.write(src, "big", "file\n", "rw-r--r--", T2);
        } else {
            link(src.resolve("big"), "other", T2);
        }
        setTime(src, T2);
    }

    /** Everything under node i's destination but the state area: type, bytes, mode, mtime (links' own too). */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith(".tlclb-backup") || rel.startsWith(".tlclb-node")) {
                    continue;
                }
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.SECONDS);
                String what = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                        : "file " + HexFormat.of().formatHex(sha256(Files.readAllBytes(p)));
                out.put(rel.isEmpty() ? "." : rel, String.format("%s %o %d", what, mode, mtime));
            }
        }
        return out;
    }

    /** Both nodes' trees, keyed "node:path". */
    private static Map<String, String> nodes() throws IOException {
        Map<String, String> all = new TreeMap<>();
        for (int i = 1; i <= cluster.size(); i++) {
            int node = i;
            tree(cluster.www(i)).forEach((k, v) -> all.put(node + ":" + k, v));
        }
        return all;
    }

    private void assertNodesHoldTheSource() throws IOException {
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(tree(cluster.www(i))).as("node %d", i).isEqualTo(tree(src));
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setTime(Path p, Instant t) throws IOException {
        Files.setLastModifiedTime(p, FileTime.from(t));
    }

    /** A symlink with its own mtime (touch -h: Files would set the target's). */
    private static void link(Path at, String target, Instant t) throws Exception {
        Files.createSymbolicLink(at, Path.of(target));
        Process p = new ProcessBuilder("touch", "-h", "-d", "@" + t.getEpochSecond(), at.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("touch -h " + at).isTrue();
    }

    private static JsonNode node(JsonNode report, String name) {
        for (JsonNode n : report.get("nodes")) {
            if (n.get("node").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + report);
    }

    // ---- the delete guard ----

    @Test
    void aDirectoryReplacedByALinkPastMaxDeleteIsRefusedAndNoNodeChanges() throws Exception {
        bigAndOther();
        push("--backup").exits(0);
        Map<String, String> before = nodes();
        replaceBig(false);
        Launcher.Result dry = push("--backup", "--delete", "--max-delete=5", "-n").exits(2);
        assertThat(dry.out()).contains("would delete 41 entries (41 of them to put another type of entry in their"
                + " place), more than --max-delete 5; to allow it, run with --max-delete 41");
        Launcher.Result r = push("--backup", "--delete", "--max-delete=5", "--json", "-").exits(2);
        JsonNode report = r.json();
        assertThat(report.get("outcome").asText()).isEqualTo("refused");
        assertThat(report.get("exit_code").asInt()).isEqualTo(2);
        for (String n : List.of("node1", "node2")) {
            assertThat(node(report, n).get("error").asText()).as(n).isEqualTo("refused: " + DEST + " would delete 41"
                    + " entries (41 of them to put another type of entry in their place), more than --max-delete 5;"
                    + " to allow it, run with --max-delete 41 (or set MaxDelete)");
        }
        assertThat(nodes()).as("no node changed").isEqualTo(before);
        push("--backup", "--delete", "--max-delete=41").exits(0);
        assertNodesHoldTheSource();
    }

    @Test
    void aDirectoryReplacedByAFileCountsForTheDefaultGuard() throws Exception {
        bigAndOther();
        push().exits(0);
        Map<String, String> before = nodes();
        replaceBig(true);
        Launcher.Result r = push("--delete").exits(2);
        assertThat(r.out()).contains("would delete 41 of the node's 43 entries (more than half; 41 of them to put"
                + " another type of entry in their place); to allow it, run with --max-delete 41");
        assertThat(nodes()).as("no node changed").isEqualTo(before);
    }

    @Test
    void withoutDeleteANonEmptyDirectoryIsLeftAsItIsNamedAndTheNodesArePartial() throws Exception {
        bigAndOther();
        push("--backup").exits(0);
        replaceBig(false);
        ItSupport.write(src, "other/b", "b\n", "rw-r--r--", T2); // the rest of the push goes through
        setTime(src.resolve("other"), T2);
        Launcher.Result r = push("--backup", "--max-delete=5", "--json", "-").exits(1);
        JsonNode report = r.json();
        assertThat(report.get("outcome").asText()).isEqualTo("partial");
        String why = "big/ is a directory on the node that is not empty, and the source has a symlink there: cannot"
                + " delete non-empty directory without --delete, left as it is";
        for (String n : List.of("node1", "node2")) {
            JsonNode j = node(report, n);
            assertThat(j.get("status").asText()).as(n).isEqualTo("partial");
            assertThat(j.get("error").asText()).as(n).isEqualTo("left as it is: " + why);
            assertThat(j.get("deleted").asInt()).as(n).isZero();
        }
        for (int i = 1; i <= cluster.size(); i++) {
            Path www = cluster.www(i);
            assertThat(Files.isDirectory(www.resolve("big"), LinkOption.NOFOLLOW_LINKS)).isTrue();
            try (Stream<Path> s = Files.list(www.resolve("big"))) {
                assertThat(s.count()).as("node %d keeps big/'s files", i).isEqualTo(40);
            }
            assertThat(www.resolve("other/b")).hasContent("b");
        }
        // the text report names it too, on every run until it is removed or --delete given
        Launcher.Result again = push("--backup").exits(1);
        assertThat(again.out()).contains("PARTIAL", why);
    }

    @Test
    void withoutDeleteAnEmptyDirectoryGivesWayToAFileAsRsyncLetsIt() throws Exception {
        Files.createDirectories(src.resolve("empty"));
        ItSupport.write(src, "index.html", "hello\n", "rw-r--r--", T1);
        setTime(src.resolve("empty"), T1);
        push().exits(0);
        Files.delete(src.resolve("empty"));
        ItSupport.write(src, "empty", "now a file\n", "rw-r--r--", T2);
        setTime(src, T2);
        push("--max-delete=1").exits(0);
        assertNodesHoldTheSource();
    }

    // ---- backups and rollback ----

    /** A change made to the source between the two pushes. */
    interface SourceChange {
        void apply() throws Exception;
    }

    private Launcher.Result rollback(String... args) {
        List<String> a = new ArrayList<>(List.of("rollback", "-c", conf.toString(), "--dest", DEST));
        a.addAll(List.of(args));
        return launcher.run("tlclb", a.toArray(String[]::new));
    }

    /**
     * {@code site/} with a directory {@code d} (files and a subdirectory), a file {@code f} and a
     * link {@code l}, beside {@code keep}; every time fixed, the directories' own too.
     */
    private void site() throws Exception {
        ItSupport.write(src, "site/d/one", "one\n", "rw-r--r--", T1);
        ItSupport.write(src, "site/d/sub/two", "two\n", "rwxr-x---", T1);
        ItSupport.write(src, "site/f", "f\n", "rw-------", T1);
        link(src.resolve("site/l"), "f", T1);
        ItSupport.write(src, "keep", "keep\n", "rw-r--r--", T1);
        setTime(src.resolve("site/d/sub"), T1);
        setTime(src.resolve("site/d"), T1);
        setTime(src.resolve("site"), T1);
        setTime(src, T1);
    }

    /** Removes {@code site/NAME} from the source (a directory with all it holds). */
    private void removeFromSite(String name) throws IOException {
        Path p = src.resolve("site").resolve(name);
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            ItSupport.emptyDir(p);
        }
        Files.delete(p);
    }

    /** {@code site/NAME} becomes a directory holding a file and a subdirectory. */
    private void dirInSite(String name) throws Exception {
        removeFromSite(name);
        ItSupport.write(src, "site/" + name + "/new", "new\n", "rw-r--r--", T2);
        Files.createDirectories(src.resolve("site/" + name + "/empty"));
        setTime(src.resolve("site/" + name + "/empty"), T2);
        setTime(src.resolve("site/" + name), T2);
    }

    /**
     * The round trip of a type change: a push with backups, the change, a push with backups and
     * --delete (the nodes then hold the source), and rollback of that run: every node's tree is
     * exactly what it was before it (listing, bytes, modes, mtimes, the directories' own).
     */
    private void rollsBack(SourceChange change) throws Exception {
        push("--backup").exits(0);
        Map<String, String> before = nodes();
        change.apply();
        setTime(src.resolve("site"), T2);
        setTime(src, T2);
        Launcher.Result second = push("--backup", "--delete", "--max-delete=100", "--json", "-").exits(0);
        String run = second.json().get("run_id").asText();
        assertNodesHoldTheSource();
        assertThat(nodes()).isNotEqualTo(before);
        Launcher.Result r = rollback("-y", "--json", "-", run).exits(0);
        assertThat(r.json().get("nodes").findValuesAsText("status")).as(r.describe()).containsExactly("ok", "ok");
        assertThat(nodes()).as(r.describe()).isEqualTo(before);
        for (int i = 1; i <= cluster.size(); i++) {
            assertThat(ItSupport.tempFiles(cluster.www(i))).as("node %d", i).isEmpty();
            assertThat(cluster.www(i).resolve(".tlclb-backup/" + run)).as("the restored run's backup").doesNotExist();
        }
    }

    @Test
    void theIssuesDirectoryReplacedByALinkRollsBackWithItsFortyFiles() throws Exception {
        bigAndOther();
        push("--backup").exits(0);
        Map<String, String> before = nodes();
        replaceBig(false);
        String run = push("--backup", "--delete", "--max-delete=41", "--json", "-").exits(0).json().get("run_id")
                .asText();
        assertNodesHoldTheSource();
        for (int i = 1; i <= cluster.size(); i++) {
            Path kept = cluster.www(i).resolve(".tlclb-backup/" + run + "/big");
            try (Stream<Path> s = Files.list(kept)) {
                assertThat(s.count()).as("node %d's backup keeps big/ and its 40 files", i).isEqualTo(40);
            }
            assertThat(kept.resolve("f7")).hasContent("7");
        }
        Launcher.Result dry = rollback("-n", run).exits(0);
        assertThat(dry.out()).contains("  restore    big");
        assertNodesHoldTheSource();
        rollback("-y", run).exits(0);
        assertThat(nodes()).isEqualTo(before);
    }

    @Test
    void aDirectoryReplacedByALinkRollsBack() throws Exception {
        site();
        rollsBack(() -> {
            removeFromSite("d");
            link(src.resolve("site/d"), "f", T2);
        });
    }

    @Test
    void aDirectoryReplacedByAFileRollsBack() throws Exception {
        site();
        rollsBack(() -> {
            removeFromSite("d");
            ItSupport.write(src, "site/d", "d is a file now\n", "rwxr-xr-x", T2);
        });
    }

    @Test
    void aFileReplacedByADirectoryRollsBack() throws Exception {
        site();
        rollsBack(() -> dirInSite("f"));
    }

    @Test
    void aLinkReplacedByADirectoryRollsBack() throws Exception {
        site();
        rollsBack(() -> dirInSite("l"));
    }

    @Test
    void aFileReplacedByALinkRollsBack() throws Exception {
        site();
        rollsBack(() -> {
            removeFromSite("f");
            link(src.resolve("site/f"), "d/one", T2);
        });
    }

    @Test
    void aLinkReplacedByAFileRollsBack() throws Exception {
        site();
        rollsBack(() -> {
            removeFromSite("l");
            ItSupport.write(src, "site/l", "l is a file now\n", "rw-r-----", T2);
        });
    }

    @Test
    void everyKindOfTypeChangeInOneRunRollsBack() throws Exception {
        site();
        ItSupport.write(src, "site/f2", "f2\n", "rw-r--r--", T1);
        link(src.resolve("site/l2"), "keep", T1);
        ItSupport.write(src, "site/d2/x", "x\n", "rw-r--r--", T1);
        setTime(src.resolve("site/d2"), T1);
        rollsBack(() -> {
            removeFromSite("d");
            link(src.resolve("site/d"), "f2", T2);        // dir -> link
            removeFromSite("d2");
            ItSupport.write(src, "site/d2", "file\n", "rw-r--r--", T2); // dir -> file
            dirInSite("f");                              // file -> dir
            dirInSite("l");                              // link -> dir
            removeFromSite("f2");
            link(src.resolve("site/f2"), "keep", T2);     // file -> link
            removeFromSite("l2");
            ItSupport.write(src, "site/l2", "file\n", "rw-r--r--", T2); // link -> file
        });
    }

    // ---- where a node user can change the directory (see NodeUserRaceIT) ----

    /** A root-only directory outside the nodes' trees, which no run may touch; its snapshot. */
    private Map<String, String> victim(Path victim) throws IOException {
        Files.createDirectories(victim);
        for (int i = 1; i <= 5; i++) {
            Files.writeString(victim.resolve("f" + i), "victim " + i + "\n");
        }
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rwx------"));
        setTime(victim, T1);
        return NodeUserRaceIT.snapshot(victim);
    }

    /** {@code up/} with a directory, a file and a link, pushed with backups; then the node user's on every node. */
    private void firstPushInUp(NodeUser mallory) throws Exception {
        ItSupport.write(src, "up/d/one", "one\n", "rw-r--r--", T1);
        ItSupport.write(src, "up/f", "f\n", "rw-r--r--", T1);
        link(src.resolve("up/l"), "f", T1);
        setTime(src.resolve("up/d"), T1);
        setTime(src.resolve("up"), T1);
        setTime(src, T1);
        push("--backup").exits(0);
        for (int i = 1; i <= cluster.size(); i++) {
            mallory.chown(cluster.www(i).resolve("up"));
        }
    }

    /**
     * Each entry of {@code up/} given another type, pushed with backups and --delete.
     *
     * @return that run's id: its backup holds what the type changes removed
     */
    private String secondPushInUp() throws Exception {
        ItSupport.emptyDir(src.resolve("up/d"));
        Files.delete(src.resolve("up/d"));
        link(src.resolve("up/d"), "f", T2);                               // dir -> link
        Files.delete(src.resolve("up/f"));
        ItSupport.write(src, "up/f/new", "new\n", "rw-r--r--", T2);       // file -> dir
        setTime(src.resolve("up/f"), T2);
        Files.delete(src.resolve("up/l"));
        ItSupport.write(src, "up/l", "l\n", "rw-r--r--", T2);             // link -> file
        setTime(src.resolve("up"), T2);
        setTime(src, T2);
        String run = push("--backup", "--delete", "--max-delete=10", "--json", "-").exits(0).json().get("run_id")
                .asText();
        assertNodesHoldTheSource();
        return run;
    }

    /** Runs {@code script} as the node user in {@code dir}; asserts it worked. */
    private static void asUser(NodeUser user, Path dir, String script) throws Exception {
        Process p = new ProcessBuilder(user.as(List.of("sh", "-c", script))).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(script + ": " + out).isTrue();
    }

    /** Node 1's tree without the entries under {@code aside} (what the node user moved away). */
    private static Map<String, String> nodeOneWithout(String aside) throws IOException {
        Map<String, String> t = tree(cluster.www(1));
        t.keySet().removeIf(k -> k.equals(aside) || k.startsWith(aside + "/"));
        return t;
    }

    private static Map<String, String> nodeOne(Map<String, String> nodes) {
        Map<String, String> t = new TreeMap<>();
        nodes.forEach((k, v) -> {
            if (k.startsWith("1:")) {
                t.put(k.substring(2), v);
            }
        });
        return t;
    }

    @Test
    void inADirectoryANodeUserOwnsALinkSwappedForTheRunsDirectoryIsRemovedNotFollowed() throws Exception {
        Path victim = tmp.resolve("victim");
        Map<String, String> victimBefore = victim(victim);
        try (NodeUser mallory = NodeUser.create()) {
            firstPushInUp(mallory);
            Map<String, String> before = nodes();
            String run = secondPushInUp();
            // The node user moves the run's new directory up/f away and puts a link to the victim there.
            asUser(mallory, cluster.www(1).resolve("up"), "mv f f.run && ln -s '" + victim + "' f");
            Launcher.Result r = rollback("-y", run).exits(0);
            assertThat(NodeUserRaceIT.snapshot(victim)).as("the root-only directory outside the tree")
                    .isEqualTo(victimBefore);
            assertThat(nodeOneWithout("up/f.run")).as(r.describe()).isEqualTo(nodeOne(before));
            Map<String, String> two = new TreeMap<>(before);
            two.keySet().removeIf(k -> k.startsWith("1:"));
            Map<String, String> nodesNow = nodes();
            nodesNow.keySet().removeIf(k -> k.startsWith("1:"));
            assertThat(nodesNow).as("node 2, rolled back through the held up/").isEqualTo(two);
        }
    }

    @Test
    void aDirectoryOfTheNodeUsersInTheWayIsSetAsideNotWalkedAndNamed() throws Exception {
        Path victim = tmp.resolve("victim");
        Map<String, String> victimBefore = victim(victim);
        try (NodeUser mallory = NodeUser.create()) {
            firstPushInUp(mallory);
            Map<String, String> before = nodes();
            String run = secondPushInUp();
            // Their own directory where the run made up/f, with a link to the victim inside.
            asUser(mallory, cluster.www(1).resolve("up"), "mv f f.run && mkdir f f/in && ln -s '" + victim
                    + "' f/in/v");
            Launcher.Result r = rollback("-y", "--json", "-", run).exits(1);
            JsonNode one = node(r.json(), "node1");
            assertThat(one.get("status").asText()).isEqualTo("partial");
            assertThat(one.get("error").asText()).startsWith("restored up/f, but what the run had put there is left in ")
                    .contains(": users other than root and the login can change ").endsWith(", so it is not walked;"
                            + " remove it on the node");
            assertThat(node(r.json(), "node2").get("status").asText()).isEqualTo("ok");
            assertThat(NodeUserRaceIT.snapshot(victim)).isEqualTo(victimBefore);
            assertThat(nodeOneWithout("up/f.run")).isEqualTo(nodeOne(before)); // the tree is back all the same
        }
    }
}
