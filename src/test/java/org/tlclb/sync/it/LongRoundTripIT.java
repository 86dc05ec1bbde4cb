package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.TreeAssert;

/**
 * tlclb_content_sync, run as a user runs it, against real OpenSSH nodes reached through a relay
 * that adds a 60 ms round trip: the staging then spreads over several SCP channels per node, and
 * must still land every byte, mode and mtime, leave no temporary name behind, fall back to one
 * channel on a node that refuses more sessions, and keep the push all-or-nothing.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LongRoundTripIT {
    static final Duration RTT = Duration.ofMillis(60);
    static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");
    static final Pattern CHANNELS = Pattern.compile("root@/([0-9.]+):[0-9]+\\]: staging \\d+ files, \\d+ bytes over (\\d+) SCP");

    @TempDir
    static Path shared;
    static OpenSshCluster c;
    static final List<DelayRelay> RELAYS = new ArrayList<>();
    static Path knownHosts;

    @TempDir
    Path tmp;
    Path conf;
    Launcher launcher;

    @BeforeAll
    static void start() throws Exception {
        OpenSshCluster.assumeAvailable(); // skips without root/sshd; fails instead under CI=true
        c = OpenSshCluster.start(shared.resolve("cluster"), 2);
        knownHosts = shared.resolve("known_hosts");
        StringBuilder kh = new StringBuilder();
        String[] key = Files.readString(c.base().resolve("host_ed25519.pub")).trim().split("\\s+");
        for (int i = 1; i <= c.size(); i++) {
            DelayRelay r = DelayRelay.start(c.address(i), RTT);
            RELAYS.add(r);
            kh.append('[').append(c.address(i)).append("]:").append(r.port()).append(' ')
                    .append(key[0]).append(' ').append(key[1]).append('\n');
        }
        Files.writeString(knownHosts, kh.toString());
    }

    @AfterAll
    static void stop() {
        RELAYS.forEach(DelayRelay::close);
        if (c != null) {
            c.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        for (int i = 1; i <= c.size(); i++) {
            c.start(i);
        }
        ItSupport.wipe(c);
        StringBuilder sb = new StringBuilder("Servers\n");
        for (int i = 1; i <= c.size(); i++) {
            sb.append("  Server node").append(i).append(' ').append(c.address(i)).append(" direct port=")
                    .append(RELAYS.get(i - 1).port()).append('\n');
        }
        sb.append("EndServers\nUser root\nIdentityFile ").append(c.clientKey()).append("\nKnownHosts ")
                .append(knownHosts).append("\nHostKeyPolicy strict\nConnectTimeout 10\nRetries 0\n")
                .append("LogFile ").append(tmp.resolve("sync.log")).append('\n');
        conf = tmp.resolve("sync.conf");
        Files.writeString(conf, sb.toString());
        launcher = Launcher.in(tmp.resolve("state")).timeout(Duration.ofSeconds(200));
    }

    private Launcher.Result push(Path src) {
        return launcher.run("tlclb_content_sync", "-c", conf.toString(), "-y", "-v", "--delete",
                "--dest", "/var/www/html", src.toString());
    }

    /** Node address -> SCP channels its staging used, from the last run's log. */
    private Map<String, Integer> channelsByNode() throws IOException {
        Map<String, Integer> out = new java.util.TreeMap<>();
        String log = Files.readString(tmp.resolve("sync.log"));
        String last = log.substring(Math.max(0, log.lastIndexOf("run starts")));
        Matcher m = CHANNELS.matcher(last);
        while (m.find()) {
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }

    /**
     * About 24 MB: 36 files of 640 KiB and 300 small ones in 30 directories of three modes, names
     * with spaces, one with a newline (staged apart: SCP cannot carry it), a symlink, an empty dir.
     */
    private static Path bigTree(Path src) throws IOException {
        Random rnd = new Random(18);
        int k = 0;
        for (int i = 0; i < 36; i++) {
            byte[] b = new byte[640 * 1024];
            rnd.nextBytes(b);
            write(src, "media/part " + (i % 6) + "/blob" + i + ".bin", b, "rw-r--r--", k++);
        }
        for (int i = 0; i < 300; i++) {
            write(src, "pages/s" + (i % 30) + "/page " + i + ".html",
                    ("<p>" + i + "</p>\n").repeat(1 + i % 200).getBytes(StandardCharsets.UTF_8),
                    i % 7 == 0 ? "rw-------" : "rw-r--r--", k++);
        }
        write(src, "new\nline/inside.txt", "a directory name SCP cannot carry\n".getBytes(StandardCharsets.UTF_8),
                "rw-r--r--", k++);
        write(src, "index.html", "<h1>hello</h1>\n".getBytes(StandardCharsets.UTF_8), "rw-r--r--", k++);
        Files.createDirectories(src.resolve("empty dir"));
        Files.createSymbolicLink(src.resolve("home.html"), Path.of("index.html"));
        Files.setPosixFilePermissions(src.resolve("pages/s3"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(src.resolve("pages/s4"), PosixFilePermissions.fromString("r-xr-xr-x"));
        chmod("2750", src.resolve("media/part 2")); // setgid: beyond what PosixFilePermissions can set
        dirTimes(src);
        return src;
    }

    private static void chmod(String mode, Path p) throws IOException {
        try {
            run("chmod", mode, p.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static void write(Path root, String rel, byte[] content, String perms, int k) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        Files.setLastModifiedTime(p, FileTime.from(T0.plusSeconds(k)));
    }

    /** Directory mtimes last, so that they are not the time their children were written. */
    private static void dirTimes(Path src) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            List<Path> dirs = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
            for (int i = dirs.size() - 1; i >= 0; i--) {
                Files.setLastModifiedTime(dirs.get(i), FileTime.from(T0.minusSeconds(1000 + i)));
            }
        }
    }

    private static void assertNodesHold(Path src) throws IOException {
        for (int i = 1; i <= c.size(); i++) {
            TreeAssert.assertSameTree(src, c.www(i));
            assertThat(ItSupport.tempFiles(c.www(i))).as("temporary names left on node " + i).isEmpty();
        }
    }

    @Test
    void aFullPushOverALongRoundTripUsesSeveralChannelsAndEveryChangeLandsExactly() throws Exception {
        Path src = bigTree(tmp.resolve("src"));

        push(src).exits(0);
        assertNodesHold(src);
        Map<String, Integer> channels = channelsByNode();
        assertThat(channels).as("staging of each node, from the log").hasSize(c.size());
        assertThat(channels.values()).as("SCP channels per node").allSatisfy(n -> assertThat(n).isGreaterThan(1));

        push(src).exits(0);
        assertNodesHold(src);

        // Changed in place (same size, new bytes and mtime), deleted, added, a mode changed.
        Random rnd = new Random(7);
        for (int i = 0; i < 36; i += 5) {
            byte[] b = new byte[640 * 1024];
            rnd.nextBytes(b);
            write(src, "media/part " + (i % 6) + "/blob" + i + ".bin", b, "rw-r--r--", 5000 + i);
        }
        Files.delete(src.resolve("media/part 1/blob1.bin"));
        Files.delete(src.resolve("pages/s9/page 9.html"));
        write(src, "media/part 6/blob36.bin", new byte[700_000], "rw-r-----", 6000);
        Files.setPosixFilePermissions(src.resolve("pages/s5/page 5.html"), PosixFilePermissions.fromString("rw-rw-r--"));
        dirTimes(src);
        push(src).exits(0);
        assertNodesHold(src);
    }

    @Test
    void aLargeFileRidesSeveralChannelsInPartsJoinedOnTheNodeUnderItsTemporaryName() throws Exception {
        Path src = tmp.resolve("src");
        Random rnd = new Random(48);
        byte[] big = new byte[48 << 20];
        rnd.nextBytes(big);
        write(src, "iso/disk one.iso", big, "rw-r-----", 1);
        write(src, "iso/README", "read me\n".getBytes(StandardCharsets.UTF_8), "rw-r--r--", 2);
        dirTimes(src);

        push(src).exits(0);
        assertNodesHold(src);
        String log = Files.readString(tmp.resolve("sync.log"));
        Matcher m = Pattern.compile("staging 2 files, \\d+ bytes over \\d+ SCP channel\\(s\\) in (\\d+) sends").matcher(log);
        assertThat(m.find()).as("the staging line in the log").isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("sends: the large file in parts").isGreaterThan(2);

        // Rewritten in place, over an existing file: staged beside it, joined, renamed over it.
        rnd.nextBytes(big);
        write(src, "iso/disk one.iso", big, "rw-r--r--", 3);
        dirTimes(src);
        push(src).exits(0);
        assertNodesHold(src);
    }

    @Test
    void aNodeThatRefusesExtraSessionsIsStagedOverOneChannel() throws Exception {
        Path config = c.www(2).getParent().resolve("sshd_config");
        String original = Files.readString(config);
        try {
            // The SFTP channel, the node lock's command and one SCP channel: any further session is refused.
            c.stop(2);
            Files.writeString(config, original.replace("MaxSessions 50", "MaxSessions 3"));
            c.start(2);
            Path src = bigTree(tmp.resolve("src"));

            push(src).exits(0);
            assertNodesHold(src);
            assertThat(channelsByNode().get(c.address(1))).as("node 1's SCP channels").isGreaterThan(1);
            assertThat(Files.readString(tmp.resolve("sync.log"))).as("node 2 refused the extra channels")
                    .contains("extra SCP channel not used");
        } finally {
            c.stop(2);
            Files.writeString(config, original);
            c.start(2);
        }
    }

    @Test
    void whenOneNodeRunsOutOfSpaceMidStreamNoNodeChangesAndNoTemporaryNameIsLeft() throws Exception {
        Path www2 = c.www(2);
        c.stop(2);
        // Node 2's /var/www/html becomes an 8 MB tmpfs: mounted over its directory on this side
        // while it is stopped, so the bind mount it makes when it starts binds the tmpfs.
        run("mount", "-t", "tmpfs", "-o", "size=8m", "tlclb-rtt-tmpfs", www2.toString());
        try {
            c.start(2);
            Path v1 = tmp.resolve("v1");
            write(v1, "index.html", "<h1>version 1</h1>\n".getBytes(StandardCharsets.UTF_8), "rw-r--r--", 1);
            write(v1, "media/part 0/blob0.bin", "old\n".getBytes(StandardCharsets.UTF_8), "rw-r--r--", 2);
            dirTimes(v1);
            push(v1).exits(0);
            assertNodesHold(v1);
            Map<String, String> before1 = TreeAssert.describe(c.www(1));
            Map<String, String> before2 = TreeAssert.describe(c.www(2));

            Path v2 = bigTree(tmp.resolve("v2"));
            byte[] large = new byte[40 << 20]; // sent in parts: they too must go with the discard
            new Random(40).nextBytes(large);
            write(v2, "iso/large.iso", large, "rw-r--r--", 9);
            dirTimes(v2);
            Launcher.Result r = push(v2).exits(3);
            assertThat(r.out() + r.err()).contains("node2").containsIgnoringCase("space");
            assertThat(channelsByNode().get(c.address(1))).as("node 1's SCP channels").isGreaterThan(1);
            assertThat(TreeAssert.describe(c.www(1))).as("node 1 is not changed").isEqualTo(before1);
            assertThat(TreeAssert.describe(c.www(2))).as("node 2 is not changed").isEqualTo(before2);
            for (int i = 1; i <= c.size(); i++) {
                assertThat(ItSupport.tempFiles(c.www(i))).as("temporary names left on node " + i).isEmpty();
            }
        } finally {
            c.stop(2);
            run("umount", www2.toString());
            c.start(2);
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", cmd) + ": " + out)
                .isTrue();
    }
}
