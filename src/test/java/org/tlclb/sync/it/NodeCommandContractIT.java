package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.cli.Main;
import org.tlclb.sync.it.Launcher.Result;
import org.tlclb.sync.run.TreeAssert;

/**
 * tlclb node (SPEC section 9) and the top command tlclb, through scripts/: an embedded node rooted
 * at a directory that a push reaches like any SSH node, until it is stopped. No OpenSSH here: the
 * node is the product.
 */
@Contract("node")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeCommandContractIT {
    /** The node's first line: where it listens and its host key. */
    static final Pattern LISTENING = Pattern.compile("node listening on 127\\.0\\.0\\.1:(\\d+) root (\\S+) hostkey"
            + " (SHA256:\\S+)\n");

    @TempDir
    Path tmp;
    Launcher launcher;
    Path key;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        launcher = Launcher.in(tmp.resolve("state"));
        key = tmp.resolve("keys/id_ed25519");
        Files.createDirectories(key.getParent());
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "node-test", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        src = Contracts.tree(tmp.resolve("src"));
    }

    private Result pushTo(int port, Path knownHosts) {
        return launcher.run("tlclb_content_sync", "-y", "-w", "root@127.0.0.1:" + port, "-i", key.toString(),
                "--known-hosts", knownHosts.toString(), "--host-key-policy", "accept-new", "--dest", "/var/www/html",
                src.toString());
    }

    @Test
    @Exercises(value = {"-h", "--help", "-V", "--version"}, exits = 0)
    void helpAndVersion() throws Exception {
        Result help = launcher.run("tlclb", "node", "--help").exits(0);
        assertThat(help.out()).startsWith("Usage: tlclb node ").contains("--root=DIR", "--authorized-keys=FILE",
                "Exit codes:");
        Contracts.assertHelpFits(help.out(), Main.model("tlclb").getSubcommands().get("node"));
        assertThat(launcher.run("tlclb", "node", "-h").exits(0).out()).isEqualTo(help.out());
        Contracts.assertVersion(launcher, "tlclb", "node");
    }

    @Test
    @Exercises({"--root", "--port", "--host", "--authorized-keys", "--state-dir"}) // ends by a signal: 143, no row
    void aNodeServesItsRootToAPushUntilStopped() throws Exception {
        Path root = tmp.resolve("node-root");
        Path state = tmp.resolve("node-state");
        Path authorized = Files.writeString(tmp.resolve("authorized_keys"), Files.readString(Path.of(key + ".pub")));
        RunningLauncher node = launcher.spawn("tlclb", "node", "--root", root.toString(), "--port", "0", "--host",
                "127.0.0.1", "--authorized-keys", authorized.toString(), "--state-dir", state.toString());
        Matcher m = node.awaitOut(LISTENING);
        int port = Integer.parseInt(m.group(1));
        assertThat(m.group(2)).isEqualTo(root.toString());

        Path known = tmp.resolve("known_hosts");
        pushTo(port, known).exits(0);
        TreeAssert.assertSameTree(src, root.resolve("var/www/html"));
        assertThat(Files.readString(known)).startsWith("[127.0.0.1]:" + port + " ssh-");
        assertThat(Contracts.files(state)).isNotEmpty(); // the host key lives there, outside what clients see
        assertThat(Contracts.files(root)).allMatch(f -> f.startsWith("var"));

        node.signal("TERM");
        node.await().exits(143); // stopped by a signal, as a foreground server is
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).as("the port is free again").isEqualTo(port);
        }
    }

    /**
     * A node with no shell (this one) holds the node lock as a lease file: {@code --chown} still
     * works there (the login's own uid is read from the lock's holder note, which both kinds of
     * lock write; it used to be read from the shell lock's file, missing here: "No such file"),
     * and a state area of another user is refused there too.
     */
    @Test
    @Exercises(command = "content-sync", value = "--chown", exits = 0)
    void aPushWithChownReachesANodeWithoutAShell() throws Exception {
        Path root = tmp.resolve("node-root");
        Path authorized = Files.writeString(tmp.resolve("authorized_keys"), Files.readString(Path.of(key + ".pub")));
        RunningLauncher node = launcher.spawn("tlclb", "node", "--root", root.toString(), "--port", "0",
                "--authorized-keys", authorized.toString(), "--state-dir", tmp.resolve("node-state").toString());
        int port = Integer.parseInt(node.awaitOut(LISTENING).group(1));
        try {
            Result r = launcher.run("tlclb_content_sync", "-y", "-w", "root@127.0.0.1:" + port, "-i", key.toString(),
                    "--known-hosts", tmp.resolve("known_hosts").toString(), "--host-key-policy", "accept-new",
                    "--dest", "/var/www/html", "--chown", "1:1", src.toString()).exits(0);
            assertThat(r.out()).as(r.describe()).contains("1 of 1 node in sync");
            Path www = root.resolve("var/www/html");
            TreeAssert.assertSameTree(src, www);
            try (var files = Files.walk(www)) {
                // the tree, not the run's private state area (root's, 0700: the node's marker and lock)
                for (Path f : files.filter(f -> !f.equals(www) && !f.startsWith(www.resolve(".tlclb-backup"))).toList()) {
                    assertThat(Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(f.toString()).isEqualTo(1);
                    assertThat(Files.getAttribute(f, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(f.toString()).isEqualTo(1);
                }
            }
            // The lease lock refuses a state area another user made, as the shell lock does. (The
            // destination itself went to uid 1 with --chown; a node without a shell cannot change a
            // destination another user owns safely at all, so it is given back to root first.)
            Files.setAttribute(www, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(www, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
            Path area = www.resolve(".tlclb-backup"); // the run's own (its marker), given to another user
            try (var own = Files.walk(area)) {
                for (Path f : own.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
            Files.createDirectory(area);
            Files.setAttribute(area, "unix:uid", 65534);
            Files.writeString(src.resolve("new.txt"), "new");
            Result refused = launcher.run("tlclb_content_sync", "-y", "-w", "root@127.0.0.1:" + port, "-i",
                    key.toString(), "--known-hosts", tmp.resolve("known_hosts").toString(), "--dest", "/var/www/html",
                    src.toString()).exits(3);
            assertThat(refused.out()).contains("belongs to another user than the one this run logs in as");
            assertThat(Contracts.files(area)).isEmpty();
            assertThat(www.resolve("new.txt")).doesNotExist();
        } finally {
            node.signal("TERM");
            node.await().exits(143);
        }
    }

    /**
     * Issue 31 on a node without a shell: times from 2038 on are listed (as OpenSSH lists them, the
     * low 32 bits), hard links and link times are kept through SFTP, and a time SFTP cannot carry
     * (before 1970) is named as not carried, the node partial, never "in sync".
     */
    @Test
    @Exercises(command = "content-sync", value = "--json", exits = {0, 1})
    void aTimeNoProtocolCarriesToANodeWithoutAShellIsNamedAndTheRestArrives() throws Exception {
        Path root = tmp.resolve("node-root");
        Path authorized = Files.writeString(tmp.resolve("authorized_keys"), Files.readString(Path.of(key + ".pub")));
        RunningLauncher node = launcher.spawn("tlclb", "node", "--root", root.toString(), "--port", "0",
                "--authorized-keys", authorized.toString(), "--state-dir", tmp.resolve("node-state").toString());
        int port = Integer.parseInt(node.awaitOut(LISTENING).group(1));
        try {
            Path one = CarryContractIT.file(src, "linked/one", "one file, two names", 1600000000L);
            Files.createLink(src.resolve("linked/two"), one);
            CarryContractIT.file(src, "y2040.txt", "past 2^31", 2200000000L);
            Files.createSymbolicLink(src.resolve("link"), Path.of("y2040.txt"));
            CarryContractIT.touch(src.resolve("link"), 1600000000L);
            Path known = tmp.resolve("known_hosts");
            pushTo(port, known).exits(0);
            Path www = root.resolve("var/www/html");
            assertThat(CarryContractIT.describe(www, true)).isEqualTo(CarryContractIT.describe(src, true));
            Result again = launcher.run("tlclb_content_sync", "-y", "-w", "root@127.0.0.1:" + port, "-i",
                    key.toString(), "--known-hosts", known.toString(), "--json", "-", "--dest", "/var/www/html",
                    src.toString()).exits(0);
            assertThat(again.json().get("nodes").get(0).get("bytes").asLong()).as(again.describe()).isZero();

            CarryContractIT.file(src, "old.txt", "from the sixties", -315619200L);
            Result old = launcher.run("tlclb_content_sync", "-y", "-w", "root@127.0.0.1:" + port, "-i",
                    key.toString(), "--known-hosts", known.toString(), "--json", "-", "--dest", "/var/www/html",
                    src.toString()).exits(1);
            var n = old.json().get("nodes").get(0);
            assertThat(n.get("status").asText()).isEqualTo("partial");
            assertThat(n.get("not_carried")).hasSize(1);
            assertThat(n.get("not_carried").get(0).get("path").asText()).isEqualTo("/var/www/html/old.txt");
            assertThat(n.get("not_carried").get(0).get("why").asText()).contains("1960-01-01T00:00:00Z",
                    "beyond what SFTP carries");
            assertThat(www.resolve("old.txt")).hasContent("from the sixties");
        } finally {
            node.signal("TERM");
            node.await().exits(143);
        }
    }

    @Test
    @Exercises("--root")
    void byDefaultItTakesTheUsersAuthorizedKeysAndKeepsItsStateBesideTheRoot() throws Exception {
        Path ssh = Files.createDirectories(launcher.home().resolve(".ssh"));
        Files.writeString(ssh.resolve("authorized_keys"), Files.readString(Path.of(key + ".pub")));
        Path root = tmp.resolve("r");
        RunningLauncher node = launcher.spawn("tlclb", "node", "--root", root.toString(), "--port", "0");
        int port = Integer.parseInt(node.awaitOut(LISTENING).group(1));
        pushTo(port, tmp.resolve("kh")).exits(0);
        assertThat(root.resolve("var/www/html/index.html")).hasContent("<h1>hello</h1>");
        assertThat(Contracts.files(tmp.resolve("r.tlclb-node"))).isNotEmpty();
        node.signal("INT");
        node.await().exits(130);
    }

    @Test
    @Exercises(value = {"--root", "--port"}, exits = 2)
    void badInvocationsAreExit2WithOneLine() throws IOException {
        Result missing = launcher.run("tlclb", "node").exits(2);
        assertThat(missing.err()).isEqualTo("tlclb node: Missing required option: '--root=DIR'\n"
                + "Try 'tlclb node --help' for more information.\n");
        Result range = launcher.run("tlclb", "node", "--root", tmp.resolve("x").toString(), "--port", "65536").exits(2);
        assertThat(range.err()).isEqualTo("tlclb node: --port must be 0..65535 (0: a free port), not 65536\n");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result inUse = launcher.run("tlclb", "node", "--root", tmp.resolve("x").toString(), "--port",
                    Integer.toString(busy.getLocalPort())).exits(2);
            assertThat(inUse.err()).isEqualTo("tlclb node: cannot listen on 127.0.0.1:" + busy.getLocalPort()
                    + " (Address already in use): choose another --port, or 0 for a free one\n");
        }
    }

    @Test
    @Exercises(command = "tlclb", value = {"-h", "--help", "-V", "--version"}, exits = {0, 2})
    void theTopCommandListsItsCommandsAndRefusesWhatItDoesNotKnow() throws Exception {
        Result alone = launcher.run("tlclb").exits(2);
        assertThat(alone.out()).isEmpty();
        assertThat(alone.err()).startsWith("Usage: tlclb ").contains("content-sync", "config-sync", "check", "rollback",
                "status", "keys", "node", "Exit codes:");
        assertThat(launcher.run("tlclb", "--help").exits(0).out()).isEqualTo(alone.err());
        assertThat(launcher.run("tlclb", "-h").exits(0).out()).isEqualTo(alone.err());
        Contracts.assertVersion(launcher, "tlclb");
        Result unknown = launcher.run("tlclb", "sync").exits(2);
        assertThat(unknown.err()).isEqualTo("tlclb: no command 'sync'; the commands are content-sync, config-sync, check,"
                + " rollback, status, keys, node\nTry 'tlclb --help' for more information.\n");
        assertThat(launcher.run("tlclb", "keys", "instal").exits(2).err())
                .startsWith("tlclb keys: no command 'instal'; the commands are install\n");
    }
}
