package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
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
}
