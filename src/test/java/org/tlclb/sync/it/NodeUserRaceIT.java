package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.run.TreeAssert;

/**
 * Issue 29, parts 1 and 2, through the launcher against OpenSSH nodes: a node user (a real
 * unprivileged user, as a compromised web application's would be) who owns a directory of the
 * docroot and swaps entries in it for links to a root-only directory, before the run, while it
 * stages, while it commits and while it deletes, never gets the run to create, replace, delete or
 * chmod anything there. A link of theirs on the destination's own path is refused; a root-owned
 * link (a release switch) is followed and the report says where it led.
 */
class NodeUserRaceIT extends LabTestBase {
    static final Instant T1 = Instant.parse("2026-01-05T10:00:00Z");
    static final Instant T2 = Instant.parse("2026-02-05T10:00:00Z");
    static final int FILES = 400;
    NodeUser mallory;
    Path victim;
    Map<String, String> victimBefore;

    @BeforeEach
    void aNodeUserAndAVictim() throws Exception {
        mallory = NodeUser.create();
        // A root-only directory outside every node's tree (the nodes share this machine's filesystem).
        victim = Files.createDirectories(tmp.resolve("victim"));
        for (int i = 1; i <= 20; i++) {
            Files.writeString(victim.resolve("f" + i + ".txt"), "victim " + i + "\n");
        }
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rwx------"));
        Files.setLastModifiedTime(victim, FileTime.from(T1));
        victimBefore = snapshot(victim);
    }

    @AfterEach
    void removeTheUser() throws Exception {
        mallory.close();
    }

    /** Entries, contents, modes and mtimes of a directory and what is in it (links not followed). */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (var s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String kind = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : Files.readString(p);
                out.put(dir.relativize(p).toString(), kind + " " + Files.getAttribute(p, "unix:mode",
                        LinkOption.NOFOLLOW_LINKS) + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)
                        + " " + Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            }
        }
        return out;
    }

    private void assertVictimUntouched() throws IOException {
        assertThat(snapshot(victim)).as("the root-only directory outside the tree").isEqualTo(victimBefore);
    }

    private Path up(int node) {
        return cluster.www(node).resolve("up");
    }

    /** Runs {@code script} as the node user, in the background, with its working directory {@code dir}. */
    private Process asMallory(Path dir, String script) throws IOException {
        return new ProcessBuilder(mallory.as(List.of("sh", "-c", script))).directory(dir.toFile())
                .redirectErrorStream(true).start();
    }

    private static String awaitOutput(Process p) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the node user's script ended").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void aNodeUsersLinkOnTheDestinationPathIsRefusedAndNothingIsWrittenWhereItPoints() throws Exception {
        ItSupport.write(src, "index.html", "hello", "rw-r--r--", T1);
        for (int i = 1; i <= 2; i++) {
            Files.createDirectories(up(i));
            mallory.chown(up(i));
            assertThat(asMallory(up(i), "ln -s '" + victim + "' site").waitFor()).isZero();
        }
        Path report = tmp.resolve("report.json");
        Launcher.Result r = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--delete", "--json",
                report.toString(), "--dest", DEST + "/up/site", src.toString()).exits(2);
        assertThat(r.out()).contains("refusing the destination /var/www/html/up/site")
                .contains("/var/www/html/up is owned by uid " + mallory.uid()).contains("no node was changed");
        assertThat(json(report).get("outcome").asText()).isEqualTo("refused");
        assertThat(json(report).get("exit_code").asInt()).isEqualTo(2);
        assertVictimUntouched();
    }

    @Test
    void aRootOwnedReleaseLinkIsFollowedAndTheReportSaysWhereItLed() throws Exception {
        ItSupport.write(src, "index.html", "release 42", "rw-r--r--", T1);
        for (int i = 1; i <= 2; i++) {
            Files.createDirectories(cluster.www(i).resolve("releases/42"));
            Files.createSymbolicLink(cluster.www(i).resolve("live"), Path.of("releases/42"));
        }
        Path report = tmp.resolve("report.json");
        Launcher.Result r = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--json",
                report.toString(), "--dest", DEST + "/live", src.toString()).exits(0);
        assertThat(r.out()).contains("/var/www/html/live is /var/www/html/releases/42 on this node");
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, cluster.www(i).resolve("releases/42"));
            assertThat(Files.isSymbolicLink(cluster.www(i).resolve("live"))).isTrue();
        }
        for (JsonNode n : json(report).get("nodes")) {
            assertThat(n.get("destinations").get(0).asText()).isEqualTo("/var/www/html/releases/42");
        }
        Launcher.Result again = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--dest",
                DEST + "/live", src.toString()).exits(0);
        assertThat(again.out()).contains("0 created, 0 updated, 0 deleted");
    }

    /**
     * The destination itself belongs to the node user: everything in it is reached through the
     * directories the node's shell holds, and backups and rollback work there too.
     */
    @Test
    void aDestinationOwnedByANodeUserIsPushedBackedUpAndRolledBack() throws Exception {
        ItSupport.write(src, "index.html", "v1", "rw-r--r--", T1);
        ItSupport.write(src, "pages/a.html", "a", "rw-r--r--", T1);
        Files.createSymbolicLink(src.resolve("home.html"), Path.of("index.html"));
        for (int i = 1; i <= 2; i++) {
            Files.createDirectories(up(i));
            mallory.chown(up(i));
        }
        String dest = DEST + "/up";
        launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--delete", "--dest", dest, src.toString())
                .exits(0);
        Map<String, String> first = TreeAssert.describe(up(1));
        ItSupport.write(src, "index.html", "v2", "rw-r--r--", T2);
        Files.delete(src.resolve("pages/a.html"));
        Launcher.Result r = launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--delete", "--backup",
                "--dest", dest, src.toString()).exits(0);
        assertThat(r.out()).contains("2 of 2 nodes in sync");
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, up(i));
            assertThat(Files.getAttribute(up(i), "unix:uid")).isEqualTo(mallory.uid());
        }
        launcher.run("tlclb", "check", "-c", conf.toString(), "--dest", dest, src.toString()).exits(0);
        launcher.run("tlclb", "rollback", "-c", conf.toString(), "-y", "--dest", dest).exits(0);
        for (int i = 1; i <= 2; i++) {
            assertThat(TreeAssert.describe(up(i))).isEqualTo(first);
        }
        assertVictimUntouched();
    }

    /** A docroot with the node user's up/ holding the run's own up/sub/ of FILES files. */
    private void pushedTree() throws Exception {
        ItSupport.write(src, "index.html", "hello", "rw-r--r--", T1);
        for (int k = 1; k <= FILES; k++) {
            ItSupport.write(src, "up/sub/f" + k + ".txt", "file " + k + "\n", "rw-r--r--", T1);
        }
        push("--delete").exits(0);
        for (int i = 1; i <= 2; i++) {
            mallory.chown(up(i));
        }
        // The next push deletes f1..f20 (the victim's names) and changes f100..f119.
        for (int k = 1; k <= 20; k++) {
            Files.delete(src.resolve("up/sub/f" + k + ".txt"));
            ItSupport.write(src, "up/sub/f" + (99 + k) + ".txt", "changed " + (99 + k) + "\n", "rw-r--r--", T2);
        }
    }

    /** The swap, as the node user: the run's directory moved aside and a link to the victim in its place. */
    private String swap() {
        return "mv sub sub.real && ln -s '" + victim + "' sub && echo swapped";
    }

    private void assertNodeHasTheSourcesFilesIn(int i, Path dir) throws IOException {
        for (int k = 21; k <= FILES; k++) {
            String expected = k >= 100 && k < 120 ? "changed " + k + "\n" : "file " + k + "\n";
            assertThat(dir.resolve("f" + k + ".txt")).hasContent(expected);
        }
        for (int k = 1; k <= 20; k++) {
            assertThat(dir.resolve("f" + k + ".txt")).doesNotExist();
        }
    }

    @Test
    void aLinkSwappedInBeforeTheListingIsReplacedNotWrittenThrough() throws Exception {
        for (int round = 0; round < 3; round++) {
            ItSupport.wipe(cluster);
            ItSupport.emptyDir(src);
            pushedTree();
            for (int i = 1; i <= 2; i++) {
                assertThat(awaitOutput(asMallory(up(i), swap()))).contains("swapped");
            }
            Launcher.Result r = push("--delete", "--max-delete", "1000").exits(0);
            assertThat(r.out()).contains("2 of 2 nodes in sync");
            for (int i = 1; i <= 2; i++) {
                assertThat(Files.isDirectory(up(i).resolve("sub"), LinkOption.NOFOLLOW_LINKS)).isTrue();
                assertNodeHasTheSourcesFilesIn(i, up(i).resolve("sub"));
                assertThat(up(i).resolve("sub.real")).doesNotExist(); // the source lacks it: deleted, inside the tree
            }
            assertVictimUntouched();
        }
    }

    @Test
    void aSwapWhileTheRunStagesFailsTheNodeBeforeAnythingChanges() throws Exception {
        for (int round = 0; round < 2; round++) {
            ItSupport.wipe(cluster);
            ItSupport.emptyDir(src);
            pushedTree();
            // A large file beside the root makes staging last; the node user sees its temporary name
            // appear in the docroot (which they can read) and swaps up/sub at once.
            byte[] big = new byte[3 * 1024 * 1024];
            Files.write(src.resolve("big.bin"), big);
            List<Process> swappers = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                swappers.add(asMallory(up(i), "while ! ls -a .. | grep -q '^.tlclb\\..*\\.tmp$'; do :; done; "
                        + swap()));
            }
            Launcher.Result r = push("--delete", "--bwlimit", "1M").exits(3);
            for (Process p : swappers) {
                assertThat(awaitOutput(p)).contains("swapped");
            }
            assertThat(r.out()).contains("up/sub changed while the run was working").contains("no node was changed");
            for (int i = 1; i <= 2; i++) {
                assertThat(cluster.www(i).resolve("big.bin")).doesNotExist();
                assertThat(ItSupport.tempFiles(cluster.www(i))).isEmpty();
                assertThat(up(i).resolve("sub.real/f1.txt")).hasContent("file 1\n"); // nothing was committed
            }
            assertVictimUntouched();
        }
    }

    @Test
    void aSwapWhileTheRunCommitsOrDeletesNeverReachesOutsideTheTree() throws Exception {
        // Once the run has renamed its first changed file in (commit), or deleted its first file (delete).
        List<String> triggers = List.of(
                "until [ \"$(cat sub/f100.txt 2>/dev/null)\" = 'changed 100' ]; do :; done; ",
                "while [ -e sub/f1.txt ]; do :; done; ");
        for (String trigger : triggers) {
            for (int round = 0; round < 3; round++) {
                ItSupport.wipe(cluster);
                ItSupport.emptyDir(src);
                pushedTree();
                List<Process> swappers = new ArrayList<>();
                for (int i = 1; i <= 2; i++) {
                    swappers.add(asMallory(up(i), trigger + swap()));
                }
                Launcher.Result r = push("--delete").exits(0);
                for (Process p : swappers) {
                    assertThat(awaitOutput(p)).contains("swapped");
                }
                assertThat(r.out()).contains("2 of 2 nodes in sync");
                for (int i = 1; i <= 2; i++) {
                    // The run worked in the directory it had checked, wherever the node user moved it.
                    assertNodeHasTheSourcesFilesIn(i, up(i).resolve("sub.real"));
                    assertThat(Files.isSymbolicLink(up(i).resolve("sub"))).isTrue();
                }
                assertVictimUntouched();
            }
        }
    }
}
