package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.run.TreeAssert;

/**
 * Issue 14, deletes and what a run reports, through the launcher against OpenSSH nodes: the
 * delete guard (an empty source, more than half, --max-delete, MaxDelete, config sync's default
 * delete); a node without SFTP that could not delete is not in sync, and one whose SFTP server fails is a
 * failed node, not a full SCP copy; a directory holding excluded
 * files is not replaced by a file, and re-runs converge without leftovers; a commit that stops
 * halfway is reported as partial with what changed; a file from before 1970 arrives with its time, and
 * an unreadable file is named as not carried and makes the nodes partial, never a failed node.
 */
class DeletesAndReportsIT extends LabTestBase {
    static final Instant T1 = Instant.parse("2026-01-05T10:00:00Z");
    static final Instant T2 = Instant.parse("2026-02-05T10:00:00Z");
    static int scpOnly;
    static int brokenSftp;

    @BeforeAll
    static void addTheNodesWithoutSftp() throws Exception {
        scpOnly = cluster.addNodeWithoutSftp();
        brokenSftp = cluster.addNodeWithSftpServer("/bin/false");
    }

    @BeforeEach
    void emptyTheNodesWithoutSftp() throws Exception {
        ItSupport.emptyDir(cluster.www(scpOnly));
        ItSupport.emptyDir(cluster.www(brokenSftp));
    }

    private void files(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ItSupport.write(src, "f" + i + ".txt", "file " + i, "rw-r--r--", T1);
        }
    }

    private static Map<String, String> nodes() throws Exception {
        Map<String, String> all = new java.util.TreeMap<>();
        for (int i = 1; i <= cluster.size(); i++) {
            int node = i;
            TreeAssert.describe(cluster.www(i)).forEach((k, v) -> all.put(node + ":" + k, v));
        }
        return all;
    }

    @Test
    void anEmptySourceWithDeleteIsRefusedBeforeAnythingIsStaged() throws Exception {
        files(30);
        push().exits(0);
        Map<String, String> before = nodes();
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        for (String dry : List.of("-n", "-y")) {
            Launcher.Result r = launcher.run("tlclb_content_sync", "-c", conf.toString(), dry, "--delete", "--dest",
                    DEST, empty.toString()).exits(2);
            assertThat(r.out()).contains("the source is empty (or not mounted)")
                    .contains("would lose all 30 of its entries").contains("--max-delete 30");
            assertThat(nodes()).isEqualTo(before);
        }
        // Allowed explicitly, it goes ahead.
        launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "--delete", "--max-delete", "30", "--dest",
                DEST, empty.toString()).exits(0);
        assertThat(Contracts.files(cluster.www(1))).isEmpty();
    }

    @Test
    void deletingMoreThanHalfIsRefusedUnlessMaxDeleteAllowsIt() throws Exception {
        files(30);
        push().exits(0);
        for (int i = 5; i < 30; i++) {
            Files.delete(src.resolve("f" + i + ".txt"));
        }
        Map<String, String> before = nodes();
        Launcher.Result r = push("--delete").exits(2);
        assertThat(r.out()).contains("would delete 25 of the node's 30 entries (more than half)");
        assertThat(nodes()).isEqualTo(before);
        // MaxDelete in sync.conf: 10 is not enough for 25.
        conf = ItSupport.writeConf(cluster, tmp.resolve("max.conf"), "MaxDelete 10\n");
        assertThat(push("--delete").exits(2).out()).contains("would delete 25 entries, more than --max-delete 10");
        push("--delete", "--max-delete", "25").exits(0);
        assertThat(Contracts.files(cluster.www(2))).hasSize(5);
        // Up to 20 deletes are never refused by the default rule.
        conf = ItSupport.writeConf(cluster, tmp.resolve("sync.conf"), "");
        Files.delete(src.resolve("f4.txt"));
        push("--delete").exits(0);
    }

    @Test
    void configSyncDeletesByDefaultAndIsGuarded() throws Exception {
        // The source's /etc/clusterserver is the test's own directory, in the launcher's own mount
        // namespace; each node's is its private directory.
        Path etc = Files.createDirectories(tmp.resolve("etc-src"));
        for (int i = 0; i < 25; i++) {
            ItSupport.write(etc, "conf" + i, "x", "rw-r--r--", T1);
        }
        launcher.mounting(etc, "/etc/clusterserver");
        Path c = ItSupport.writeConf(cluster, tmp.resolve("config.conf"), "ConfigDir /etc/clusterserver\n");
        launcher.run("tlclb_config_sync", "-c", c.toString(), "-y", "-w", "node1").exits(0);
        assertThat(cluster.etc(1).resolve("conf24")).hasContent("x");
        for (int i = 0; i < 25; i++) {
            Files.delete(etc.resolve("conf" + i));
        }
        Launcher.Result r = launcher.run("tlclb_config_sync", "-c", c.toString(), "-y", "-w", "node1").exits(2);
        assertThat(r.out()).contains("refused").contains("--max-delete");
        assertThat(cluster.etc(1).resolve("conf24")).hasContent("x");
    }

    @Test
    void aNodeWithoutSftpThatCouldNotDeleteIsNotInSync() throws Exception {
        ItSupport.write(src, "keep.txt", "kept", "rw-r--r--", T1);
        ItSupport.write(src, "gone.txt", "deleted at the source later", "rw-r--r--", T1);
        Path c = ItSupport.writeConf(cluster, tmp.resolve("scp.conf"), "");
        String text = Files.readString(c).replace("EndServers",
                "  Server old " + cluster.address(scpOnly) + " direct\nEndServers");
        Files.writeString(c, text);
        launcher.run("tlclb_content_sync", "-c", c.toString(), "-y", "-w", "node1,old", "--dest", DEST,
                src.toString()).exits(0);
        assertThat(cluster.www(scpOnly).resolve("gone.txt")).exists();
        Files.delete(src.resolve("gone.txt"));
        Launcher.Result r = launcher.run("tlclb_content_sync", "-c", c.toString(), "-y", "-w", "node1,old",
                "--delete", "--json", "-", "--dest", DEST, src.toString()).exits(1);
        JsonNode old = node(r.json(), "old");
        assertThat(old.get("status").asText()).isEqualTo("partial");
        assertThat(old.get("error").asText()).contains("no SFTP").contains("could not be deleted");
        assertThat(node(r.json(), "node1").get("status").asText()).isEqualTo("ok");
        assertThat(r.json().get("exit_code").asInt()).isEqualTo(1);
        assertThat(cluster.www(1).resolve("gone.txt")).doesNotExist();
    }

    /**
     * Issue 29, part 6: only a node whose sshd refuses the SFTP subsystem gets the full SCP copy. One that accepts
     * it and whose SFTP server then ends (a broken sftp-server) fails with the reason, and nothing is copied to it.
     */
    @Test
    void aNodeWhoseSftpServerFailsIsAFailedNodeNotAFullScpCopy() throws Exception {
        ItSupport.write(src, "index.html", "hello", "rw-r--r--", T1);
        Path c = ItSupport.writeConf(cluster, tmp.resolve("broken.conf"), "");
        Files.writeString(c, Files.readString(c).replace("EndServers",
                "  Server broken " + cluster.address(brokenSftp) + " direct\nEndServers"));
        Launcher.Result r = launcher.run("tlclb_content_sync", "-c", c.toString(), "-y", "-w", "node1,broken",
                "--json", "-", "--dest", DEST, src.toString()).exits(3); // all-or-nothing: nobody changed
        JsonNode broken = node(r.json(), "broken");
        assertThat(broken.get("status").asText()).as(r.out()).isEqualTo("failed");
        assertThat(broken.get("error").asText()).contains("cannot open SFTP")
                .contains("the node's SFTP server ended before answering");
        assertThat(broken.get("mode").asText()).isNotEqualTo("scp");
        assertThat(cluster.www(1).resolve("index.html")).doesNotExist();
        try (var s = Files.list(cluster.www(brokenSftp))) { // the node lock's state area may have been made meanwhile
            assertThat(s.filter(p -> !p.getFileName().toString().equals(".tlclb-backup")).toList())
                    .as("nothing copied to the node by SCP").isEmpty();
        }
    }

    @Test
    void aDirectoryHoldingExcludedFilesIsNotReplacedByAFileAndRerunsConverge() throws Exception {
        Path www = cluster.www(1);
        ItSupport.write(www, "stickydir/keep.swp", "editor swap", "rw-r--r--", T1);
        ItSupport.write(www, "stickydir/other.txt", "other", "rw-r--r--", T1);
        ItSupport.write(src, "stickydir", "now a file", "rw-r--r--", T1);
        ItSupport.write(src, "index.html", "hello", "rw-r--r--", T1);
        for (int run = 0; run < 2; run++) {
            Launcher.Result r = push("-w", "node1", "--exclude", "*.swp").exits(1);
            assertThat(r.out()).contains("PARTIAL").contains("stickydir/ is a directory on the node that holds"
                    + " excluded files");
            assertThat(www.resolve("stickydir/keep.swp")).hasContent("editor swap");
            assertThat(www.resolve("stickydir/other.txt")).hasContent("other");
            assertThat(www.resolve("index.html")).hasContent("hello");
            assertThat(ItSupport.tempFiles(www)).as("run %d leaves no temporary file", run).isEmpty();
        }
    }

    @Test
    void aCommitThatStopsHalfwayIsPartialAndSaysWhatChanged() throws Exception {
        ItSupport.write(src, "locked.txt", "v1", "rw-r--r--", T1);
        Files.setLastModifiedTime(src, FileTime.from(T1));
        push("-w", "node1").exits(0);
        Path locked = cluster.www(1).resolve("locked.txt");
        sh("chattr +i " + locked);
        try {
            ItSupport.write(src, "locked.txt", "v2", "rw-r--r--", T2);
            ItSupport.write(src, "new.txt", "new", "rw-r--r--", T2);
            Files.setLastModifiedTime(src, FileTime.from(T1)); // the root's own mtime stays: only two files change
            Path json = tmp.resolve("report.json");
            Launcher.Result r = push("-w", "node1", "--json", json.toString()).exits(1);
            JsonNode report = new ObjectMapper().readTree(json.toFile());
            assertThat(report.get("exit_code").asInt()).isEqualTo(1);
            assertThat(report.get("outcome").asText()).isEqualTo("partial");
            assertThat(report.get("changed").toString()).isEqualTo("[\"node1\"]");
            JsonNode n = node(report, "node1");
            assertThat(n.get("status").asText()).isEqualTo("partial");
            assertThat(n.get("created").asInt()).isEqualTo(1);
            assertThat(n.get("updated").asInt()).isZero();
            assertThat(n.get("error").asText()).contains("cannot replace locked.txt");
            assertThat(r.out()).contains("PARTIAL").contains("changed: node1");
            assertThat(locked).hasContent("v1");
            assertThat(cluster.www(1).resolve("new.txt")).hasContent("new");
        } finally {
            sh("chattr -i " + locked);
        }
    }

    @Test
    void aFileFromBefore1970ArrivesWithItsTime() throws Exception {
        ItSupport.write(src, "index.html", "hello", "rw-r--r--", T1);
        Instant sixtyNine = Instant.parse("1969-06-01T00:00:00Z");
        ItSupport.write(src, "old.txt", "from the sixties", "rw-r--r--", sixtyNine);
        push().exits(0); // once named as not carried (issue 29); carried since issue 31 (CarryContractIT)
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.www(i).resolve("index.html")).hasContent("hello");
            assertThat(cluster.www(i).resolve("old.txt")).hasContent("from the sixties");
            assertThat(Files.getLastModifiedTime(cluster.www(i).resolve("old.txt")).toInstant()).isEqualTo(sixtyNine);
        }
    }

    @Test
    void anUnreadableSourceFileMakesTheNodesPartialAndNoFileIsDeleted() throws Exception {
        try (NodeUser user = NodeUser.create()) {
            Path userSrc = Files.createDirectories(tmp.resolve("user-src"));
            user.chown(tmp);
            ItSupport.write(userSrc, "ok.txt", "readable", "rw-r--r--", T1);
            ItSupport.write(userSrc, "secret.txt", "root only", "rw-------", T1); // root's, 0600
            user.chown(userSrc);
            user.chown(userSrc.resolve("ok.txt"));
            ItSupport.write(cluster.www(1), "extra.txt", "not in the source", "rw-r--r--", T1);
            Path key = Files.copy(cluster.clientKey(), tmp.resolve("key"));
            Path known = Files.copy(cluster.knownHosts(), tmp.resolve("known_hosts"));
            user.chown(key);
            user.chown(known);
            Path c = tmp.resolve("user.conf");
            Files.writeString(c, "Servers\n  Server node1 " + cluster.address(1) + " direct\nEndServers\n"
                    + "IdentityFile " + key + "\nKnownHosts " + known + "\nHostKeyPolicy strict\nConnectTimeout 5\n");
            user.chown(c);
            Launcher.Result r = launcher.as(user).run("tlclb_content_sync", "-c", c.toString(), "-y", "--delete",
                    "--dest", DEST, userSrc.toString()).exits(1);
            assertThat(r.out()).contains("secret.txt: could not read it: permission denied")
                    .contains("no file is deleted on any node this run");
            assertThat(cluster.www(1).resolve("ok.txt")).hasContent("readable");
            assertThat(cluster.www(1).resolve("extra.txt")).exists();
            assertThat(cluster.www(1).resolve("secret.txt")).doesNotExist();
        }
    }

    private static JsonNode node(JsonNode report, String name) {
        for (JsonNode n : report.get("nodes")) {
            if (n.get("node").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + report);
    }

    private static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(command + ": " + out).isZero();
    }
}
