package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tlclb.sync.it.Launcher.Result;

/**
 * Issue 31 (and issue 32's times), through scripts/ against real OpenSSH nodes: every entry arrives
 * as it is on the source (content, type, mode, time to the second, link count and which names are
 * one file, a symlink's own time), a second push finds nothing to do (exit 0), and check says in sync.
 * Times before 1970 and from 2106 on, which SFTP v3 cannot carry, go through the node's shell; names
 * of one file are sent once and linked. A node without SFTP gets the times too (SCP's T lines, the
 * shell for those before 1970) and names the hard links it cannot make as not carried.
 */
@Contract("content-sync")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CarryContractIT extends LabTestBase {
    static final long SIXTIES = -315619200L;     // 1960-01-01
    static final long FAR = 7258118400L;         // 2200-01-01
    static final long FIRST_PAST_32 = 1L << 32;  // 2106-02-07T06:28:16Z
    static final long LAST_32 = (1L << 32) - 1;
    static final long ROOT_TIME = 1500000000L;
    static final long Y2040 = 2200000000L;       // 2039-09-20: past 2^31, within 2^32
    static int scpOnly;

    @BeforeAll
    static void addTheNodeWithoutSftp() throws Exception {
        scpOnly = cluster.addNodeWithoutSftp();
    }

    @BeforeEach
    void emptyTheNodeWithoutSftp() throws Exception {
        ItSupport.emptyDir(cluster.www(scpOnly));
    }

    /** A push to the two SFTP nodes. */
    private Result sync(String... extra) {
        List<String> a = new ArrayList<>(List.of("-c", conf.toString(), "-y", "-w", "node1,node2", "--dest", DEST));
        a.addAll(List.of(extra));
        a.add(src.toString());
        return launcher.run("tlclb_content_sync", a.toArray(String[]::new));
    }

    private Result check(String... extra) {
        List<String> a = new ArrayList<>(List.of("check", "-c", conf.toString(), "-w", "node1,node2", "--dest", DEST));
        a.addAll(List.of(extra));
        a.add(src.toString());
        return launcher.run("tlclb", a.toArray(String[]::new));
    }

    /** Sets a time as the shell does ({@code touch -h}: a link's own; Java's setter cannot, nor a negative fraction). */
    static void touch(Path p, String seconds) throws IOException, InterruptedException {
        Process t = new ProcessBuilder("touch", "-h", "-d", "@" + seconds, p.toString()).redirectErrorStream(true).start();
        String out = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(t.waitFor()).as(out).isZero();
    }

    static void touch(Path p, long seconds) throws IOException, InterruptedException {
        touch(p, Long.toString(seconds));
    }

    static Path file(Path root, String rel, String content, long seconds) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        touch(p, seconds);
        return p;
    }

    static long lmtime(Path p) throws IOException {
        return Math.floorDiv(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis(), 1000L);
    }

    /**
     * Every entry of a tree: type, mode, mtime (seconds, floored; a link's own), content hash, link
     * count and the lowest name of its file in the tree (so names linked alike compare equal).
     */
    static Map<String, String> describe(Path root, boolean linkTimes) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Map<Object, String> firstName = new HashMap<>();
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted().toList();
        }
        for (Path p : all) {
            String rel = root.relativize(p).toString();
            if (rel.startsWith(".tlclb-backup")) {
                continue;
            }
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,nlink,ino,dev", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode") & 07777;
            if (Files.isSymbolicLink(p)) {
                out.put(rel, "link " + Files.readSymbolicLink(p) + (linkTimes ? " " + lmtime(p) : ""));
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                out.put(rel, String.format("dir %o %d", mode, lmtime(p)));
            } else {
                String first = firstName.computeIfAbsent(List.of(a.get("dev"), a.get("ino")), k -> rel);
                out.put(rel, String.format("file %o %d %s links %d name %s", mode, lmtime(p), sha(p), a.get("nlink"),
                        first));
            }
        }
        return out;
    }

    private static String sha(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertNodesAreTheSource(int... nodes) throws IOException {
        for (int i : nodes) {
            assertThat(describe(cluster.www(i), true)).as("node %d", i).isEqualTo(describe(src, true));
        }
    }

    /** A push that found nothing to do: exit 0, nothing created, updated, deleted or sent on any node. */
    private void assertNothingToDo(Result r) {
        r.exits(0);
        JsonNode json = r.json();
        assertThat(json.get("outcome").asText()).isEqualTo("in_sync");
        for (JsonNode n : json.get("nodes")) {
            assertThat(n.get("created").asLong() + n.get("updated").asLong() + n.get("deleted").asLong())
                    .as(r.describe()).isZero();
            assertThat(n.get("bytes").asLong()).isZero();
            assertThat(n.get("not_carried")).isEmpty();
        }
    }

    /** The tree of times: before 1970, the edges of 32 bits, after 2106, sub-second, on files, directories and links. */
    private void timesTree() throws Exception {
        file(src, "sixties/old.txt", "from the sixties", SIXTIES);
        file(src, "sixties/just-before.txt", "one second before the epoch", -1);
        file(src, "epoch.txt", "the epoch itself", 0);
        file(src, "last32.txt", "the last second SFTP carries", LAST_32);
        file(src, "first-past-32.txt", "the first second it cannot", FIRST_PAST_32);
        file(src, "future/far.txt", "from 2200", FAR);
        file(src, "fraction.txt", "a time with nanoseconds", 0);
        touch(src.resolve("fraction.txt"), "1700000000.987654321");
        Files.createSymbolicLink(src.resolve("link-old"), Path.of("sixties/old.txt"));
        Files.createSymbolicLink(src.resolve("link-far"), Path.of("future/far.txt"));
        Files.createSymbolicLink(src.resolve("link-now"), Path.of("epoch.txt"));
        touch(src.resolve("link-old"), SIXTIES);
        touch(src.resolve("link-far"), FAR);
        touch(src.resolve("link-now"), 1600000000L);
        touch(src.resolve("sixties"), "-0.25");       // 1969-12-31T23:59:59.75Z: -1 to the second
        touch(src.resolve("future"), FAR);
        file(src, "y2040/page.html", "from 2040", Y2040);
        touch(src.resolve("y2040"), Y2040); // set by SFTP (unsigned: past 2^31 seconds)
        touch(src, ROOT_TIME);
    }

    // ------------------------------------------------------------------ times

    @Test
    @Exercises(value = {"--json"}, exits = 0)
    void everyTimeAFilesystemHoldsArrivesAsItIsAndASecondPushDoesNothing() throws Exception {
        timesTree();
        Result first = sync("--json", "-").exits(0);
        assertThat(first.json().get("outcome").asText()).as(first.describe()).isEqualTo("in_sync");
        assertNodesAreTheSource(1, 2);
        // Spelled out, for the reader: what the node's filesystem now holds.
        Path www = cluster.www(1);
        assertThat(lmtime(www.resolve("sixties/old.txt"))).isEqualTo(SIXTIES);
        assertThat(lmtime(www.resolve("sixties/just-before.txt"))).isEqualTo(-1);
        assertThat(lmtime(www.resolve("sixties"))).isEqualTo(-1);
        assertThat(lmtime(www.resolve("first-past-32.txt"))).isEqualTo(FIRST_PAST_32);
        assertThat(lmtime(www.resolve("future/far.txt"))).isEqualTo(FAR);
        assertThat(lmtime(www.resolve("future"))).isEqualTo(FAR);
        assertThat(lmtime(www.resolve("link-old"))).isEqualTo(SIXTIES);
        assertThat(lmtime(www.resolve("link-far"))).isEqualTo(FAR);
        assertThat(lmtime(www.resolve("link-now"))).isEqualTo(1600000000L);
        // Whole seconds on both sides of the quick check: the node has the second the source's time is in.
        assertThat(Files.getLastModifiedTime(www.resolve("fraction.txt")).to(TimeUnit.SECONDS)).isEqualTo(1700000000L);
        assertThat(lmtime(www.resolve("y2040"))).isEqualTo(Y2040);
        assertThat(lmtime(www)).isEqualTo(ROOT_TIME);

        assertNothingToDo(sync("--json", "-"));
        assertNothingToDo(sync("--json", "-")); // and stays so
        assertThat(check().exits(0).out()).contains("2 of 2 nodes in sync");
    }

    @Test
    @Exercises(value = {"-n"}, exits = 0)
    void aTimeChangedOnTheNodeBeyondWhatSftpCarriesIsSeenAndPutBack() throws Exception {
        timesTree();
        sync().exits(0);
        Path www = cluster.www(1);
        // The same low 32 bits as the source's time, 136 years apart: what an SFTP listing cannot tell apart.
        touch(www.resolve("future/far.txt"), FAR - (1L << 32));
        touch(www.resolve("sixties"), -1 + (1L << 32));
        touch(www.resolve("link-old"), SIXTIES + (1L << 32));
        Result drift = check("-v").exits(1);
        assertThat(drift.out()).contains("node1", "DRIFT").contains("future/far.txt", "sixties/", "link-old");
        Result dry = sync("-n").exits(0);
        assertThat(dry.out()).contains("<f..t...... future/far.txt").contains(".d..t...... sixties/")
                .contains(".L..t...... link-old");
        sync().exits(0);
        assertNodesAreTheSource(1, 2);
        assertNothingToDo(sync("--json", "-"));
        check().exits(0);
    }

    @Test
    @Exercises(value = {"-C", "--checksum"}, exits = 0)
    void aFileFromBeforeNineteenSeventyWhoseContentChangedIsSeenByChecksum() throws Exception {
        file(src, "sixties/old.txt", "version one", SIXTIES);
        touch(src.resolve("sixties"), SIXTIES);
        sync().exits(0);
        assertNodesAreTheSource(1, 2);
        assertNothingToDo(sync("--json", "-"));
        // New content of the same size, and the same time.
        file(src, "sixties/old.txt", "version two", SIXTIES);
        touch(src.resolve("sixties"), SIXTIES);
        // Size and time are the same: the quick check sees nothing (as rsync's), --checksum does.
        check().exits(0);
        Result drift = check("-C", "-v").exits(1);
        assertThat(drift.out()).contains("DRIFT").contains("<fc........ sixties/old.txt");
        sync("--checksum").exits(0);
        assertThat(cluster.www(1).resolve("sixties/old.txt")).hasContent("version two");
        assertNodesAreTheSource(1, 2);
        check("-C").exits(0);
        assertNothingToDo(sync("-C", "--json", "-"));
    }

    // ------------------------------------------------------------------ hard links

    /** Three names of one file across two directories, a pair, and a file alone. */
    private void linksTree() throws Exception {
        Path one = file(src, "a/one.html", "shared by three names", 1600000000L);
        Files.createDirectories(src.resolve("b"));
        Files.createLink(src.resolve("b/two.html"), one);
        Files.createLink(src.resolve("three.html"), one);
        Path p = file(src, "pair-1", "two names", 1600000100L);
        Files.createLink(src.resolve("pair-2"), p);
        file(src, "alone", "one name", 1600000200L);
        touch(src.resolve("a"), 1600000000L);
        touch(src.resolve("b"), 1600000000L);
        touch(src, ROOT_TIME);
    }

    private static Object inode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private static int links(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    @Exercises(value = {"-H"}, exits = 0)
    void namesOfOneFileStayOneFileSentOnceAndAChangeThroughOneNameReachesThemAll() throws Exception {
        linksTree();
        Result first = sync("-H", "--json", "-").exits(0);
        long once = "shared by three names".length() + "two names".length() + "one name".length();
        for (JsonNode n : first.json().get("nodes")) {
            assertThat(n.get("bytes").asLong()).as("each file once, whatever its names").isEqualTo(once);
            assertThat(n.get("created").asLong()).isEqualTo(8); // 2 dirs, 3 files sent, 3 names linked
        }
        assertNodesAreTheSource(1, 2);
        Path www = cluster.www(2);
        assertThat(links(www.resolve("b/two.html"))).isEqualTo(3);
        assertThat(inode(www.resolve("three.html"))).isEqualTo(inode(www.resolve("a/one.html")));
        assertNothingToDo(sync("--json", "-"));

        // A change through one name is a change of every name (they are one file on the source).
        Files.writeString(src.resolve("b/two.html"), "changed through b/two.html");
        touch(src.resolve("b/two.html"), 1700000000L);
        Result change = sync("--json", "-").exits(0);
        for (JsonNode n : change.json().get("nodes")) {
            assertThat(n.get("bytes").asLong()).isEqualTo("changed through b/two.html".length());
            assertThat(n.get("updated").asLong()).isEqualTo(3);
        }
        assertNodesAreTheSource(1, 2);
        for (String name : List.of("a/one.html", "b/two.html", "three.html")) {
            assertThat(www.resolve(name)).hasContent("changed through b/two.html");
        }
        assertThat(links(www.resolve("a/one.html"))).isEqualTo(3);
        assertNothingToDo(sync("--json", "-"));
        check().exits(0);
    }

    @Test
    @Exercises(value = {"--hard-links"}, exits = 0)
    void namesTheNodeHasApartAreDriftAndOnePushLinksThem() throws Exception {
        linksTree();
        sync().exits(0);
        // On node 1, three.html becomes a copy of its own (same content, size, time, mode).
        Path www = cluster.www(1);
        Path copy = www.resolve("copy.tmp");
        Files.copy(www.resolve("three.html"), copy);
        touch(copy, 1600000000L);
        Files.move(copy, www.resolve("three.html"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(links(www.resolve("a/one.html"))).isEqualTo(2);
        Result drift = check("-v").exits(1);
        assertThat(drift.out()).contains("node1", "DRIFT").contains("hf......... three.html => a/one.html")
                .containsPattern("node2 +in sync");
        sync("--hard-links").exits(0);
        assertNodesAreTheSource(1, 2);
        assertThat(inode(www.resolve("three.html"))).isEqualTo(inode(www.resolve("a/one.html")));
        assertNothingToDo(sync("--json", "-"));
        check().exits(0);
    }

    @Test
    @Exercises(value = {"--no-hard-links"}, exits = 0)
    void noHardLinksSendsEachNameAsAFileOfItsOwnAndThatToo() throws Exception {
        linksTree();
        Result r = sync("--no-hard-links", "--json", "-").exits(0);
        long each = 3L * "shared by three names".length() + 2L * "two names".length() + "one name".length();
        assertThat(r.json().get("nodes").get(0).get("bytes").asLong()).isEqualTo(each);
        Map<String, String> node = describe(cluster.www(1), true);
        for (String name : List.of("a/one.html", "b/two.html", "three.html", "pair-1", "pair-2")) {
            assertThat(links(cluster.www(1).resolve(name))).as(name).isEqualTo(1);
            assertThat(node.get(name)).endsWith("links 1 name " + name);
        }
        assertThat(cluster.www(1).resolve("three.html")).hasContent("shared by three names");
        assertNothingToDo(sync("--no-hard-links", "--json", "-"));
        // Then with hard links (the default): the names become one file on the node.
        sync().exits(0);
        assertNodesAreTheSource(1, 2);
        assertNothingToDo(sync("--json", "-"));
    }

    @Test
    @Exercises(value = {"-H", "--hard-links", "--no-hard-links"}, command = "check", exits = {0, 1})
    void checkComparesWhichNamesAreOneFileUnlessToldNotTo() throws Exception {
        linksTree();
        sync("--no-hard-links").exits(0);
        assertThat(check("--no-hard-links").exits(0).out()).contains("2 of 2 nodes in sync");
        Result drift = check("--hard-links", "-v").exits(1);
        assertThat(drift.out()).contains("hf......... b/two.html => a/one.html", "hf......... three.html => a/one.html",
                "hf......... pair-2 => pair-1");
        check("-H").exits(1);
        sync().exits(0);
        check("-H").exits(0);
        check().exits(0);
    }

    // ------------------------------------------------------------------ a node without SFTP

    @Test
    @Exercises(value = "--json", exits = 0)
    void aSourceThatIsASymlinkToADirectoryPushesWhatItPointsToAndSaysSo() throws Exception {
        Path release = Files.createDirectories(tmp.resolve("releases/7"));
        file(release, "index.html", "release 7", 1_700_000_000L);
        Path current = Files.createSymbolicLink(tmp.resolve("current"), Path.of("releases/7"));
        Result r = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "-w", "node1,node2", "--dest", DEST,
                "--json", "-", current.toString()).exits(0);
        String said = "source " + current + " is a symlink to " + release.toRealPath()
                + ": the directory it points to was pushed (as rsync does with " + current + "/)";
        assertThat(r.json().get("warnings")).extracting(JsonNode::asText).containsExactly(said);
        assertThat(r.err()).contains("warning: " + said);
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.www(i).resolve("index.html")).hasContent("release 7");
            assertThat(Files.isSymbolicLink(cluster.www(i))).isFalse();
        }
        assertThat(describe(cluster.www(1), false)).isEqualTo(describe(release, false));
    }

    private Result syncScpOnly(String... extra) throws IOException {
        Path c = tmp.resolve("scp.conf");
        Files.writeString(c, Files.readString(conf).replace("EndServers",
                "  Server old " + cluster.address(scpOnly) + " direct\nEndServers"));
        List<String> a = new ArrayList<>(List.of("-c", c.toString(), "-y", "-w", "old", "--dest", DEST));
        a.addAll(List.of(extra));
        a.add(src.toString());
        return launcher.run("tlclb_content_sync", a.toArray(String[]::new));
    }

    @Test
    @Exercises(exits = {0, 1})
    void aNodeWithoutSftpGetsEveryTimeAndNamesTheHardLinksItCannotMake() throws Exception {
        file(src, "sixties/old.txt", "from the sixties", SIXTIES);
        file(src, "future/far.txt", "from 2200", FAR);
        file(src, "first-past-32.txt", "2106", FIRST_PAST_32);
        file(src, "fraction.txt", "a fraction", 0);
        touch(src.resolve("fraction.txt"), "1700000000.5");
        touch(src.resolve("sixties"), SIXTIES);
        touch(src.resolve("future"), FAR);
        touch(src, ROOT_TIME);
        Result r = syncScpOnly("--json", "-").exits(0);
        assertThat(r.json().get("nodes").get(0).get("mode").asText()).isEqualTo("scp");
        assertThat(describe(cluster.www(scpOnly), true)).isEqualTo(describe(src, true));
        // A full copy again (nothing can list the node), which keeps it the same.
        syncScpOnly().exits(0);
        assertThat(describe(cluster.www(scpOnly), true)).isEqualTo(describe(src, true));

        // Hard links: each name arrives with its content, and the links are named as not carried.
        Path one = file(src, "one", "shared", 1600000000L);
        Files.createLink(src.resolve("two"), one);
        Result linked = syncScpOnly("--json", "-").exits(1);
        JsonNode node = linked.json().get("nodes").get(0);
        assertThat(node.get("status").asText()).isEqualTo("partial");
        assertThat(node.get("not_carried")).hasSize(1);
        assertThat(node.get("not_carried").get(0).get("path").asText()).isEqualTo(DEST + "/two");
        assertThat(node.get("not_carried").get(0).get("why").asText()).contains("a hard link of one", "no SFTP");
        assertThat(cluster.www(scpOnly).resolve("two")).hasContent("shared");
        assertThat(lmtime(cluster.www(scpOnly).resolve("two"))).isEqualTo(1600000000L);
        // Asked to send each name as a file of its own, the node has everything.
        syncScpOnly("--no-hard-links").exits(0);
    }
}
