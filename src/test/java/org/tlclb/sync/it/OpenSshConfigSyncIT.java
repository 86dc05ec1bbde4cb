package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.it.ItSupport.inodes;
import static org.tlclb.sync.it.ItSupport.tempFiles;

import java.io.IOException;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.TreeAssert;

/**
 * tlclb_config_sync against real OpenSSH nodes. Config sync pushes ConfigDir and each LicenseFile
 * to the SAME absolute paths on the nodes, and on the lab nodes only /var/www/html,
 * /etc/clusterserver and /etc/tlclb are private. So the launcher runs as a child process in its
 * own mount namespace where this machine's /etc/clusterserver and /etc/tlclb are bind mounts of
 * temporary source directories: the real ones are never touched, and ConfigDir /etc/clusterserver,
 * LicenseFile /etc/tlclb/license.key are exactly what a real installation uses.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenSshConfigSyncIT {
    static final int NODES = 3;
    static final Instant T0 = Instant.parse("2024-05-01T08:00:00Z");

    @TempDir
    static Path shared;
    static OpenSshCluster cluster;

    @TempDir
    Path tmp;
    Path srcEtc;  // the source's /etc/clusterserver
    Path srcLic;  // the source's /etc/tlclb

    @BeforeAll
    static void startCluster() throws Exception {
        OpenSshCluster.assumeAvailable(); // skips without root/sshd; fails instead under CI=true
        cluster = OpenSshCluster.start(shared.resolve("cluster"), NODES);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        ItSupport.wipe(cluster);
        srcEtc = tmp.resolve("src-etc-clusterserver");
        srcLic = tmp.resolve("src-etc-tlclb");
        Files.createDirectories(srcEtc);
        Files.createDirectories(srcLic);
        Files.setPosixFilePermissions(srcEtc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(srcLic, PosixFilePermissions.fromString("rwxr-xr-x"));
        ItSupport.write(srcEtc, "clusterserver.conf", "Servers\n  Server web1 10.0.0.1 direct\nEndServers\n",
                "rw-r--r--", T0);
        ItSupport.write(srcEtc, "conf.d/extra.conf", "x=1\n", "rw-r--r--", T0.plusSeconds(1));
        ItSupport.write(srcEtc, "conf.d/secret.conf", "password=hunter2\n", "rw-------", T0.plusSeconds(2));
        ItSupport.write(srcEtc, "scripts/check.sh", "#!/bin/sh\nexit 0\n", "rwxr-xr-x", T0.plusSeconds(3));
        Files.createSymbolicLink(srcEtc.resolve("current.conf"), Path.of("clusterserver.conf"));
        Files.setPosixFilePermissions(srcEtc.resolve("conf.d"), PosixFilePermissions.fromString("rwx------"));
        Files.setLastModifiedTime(srcEtc.resolve("conf.d"), FileTime.from(T0.minusSeconds(10)));
        Files.setLastModifiedTime(srcEtc.resolve("scripts"), FileTime.from(T0.minusSeconds(11)));
        ItSupport.write(srcLic, "license.key", "TLCLB-LICENSE-0001\n", "rw-------", T0.plusSeconds(5));
        ItSupport.write(srcLic, "not-a-license.txt", "stays on the source\n", "rw-r--r--", T0);
    }

    private Path conf(String extra) throws IOException {
        return ItSupport.writeConf(cluster, tmp.resolve("conf/sync.conf"),
                "ConfigDir /etc/clusterserver\nLicenseFile /etc/tlclb/license.key\n" + extra);
    }

    /**
     * Runs tlclb_config_sync as a user does (the launcher, a child process with its own state
     * paths) in a mount namespace whose /etc/clusterserver and /etc/tlclb are the sources.
     */
    private Launcher.Result configSync(Path conf, String... extra) {
        List<String> args = new ArrayList<>(List.of("-c", conf.toString(), "-y"));
        args.addAll(List.of(extra));
        return Launcher.in(tmp.resolve("state")).mounting(srcEtc, "/etc/clusterserver").mounting(srcLic, "/etc/tlclb")
                .timeout(Duration.ofSeconds(60)).run("tlclb_config_sync", args.toArray(String[]::new));
    }

    private Launcher.Result configSyncOk(Path conf, String... extra) {
        return configSync(conf, extra).exits(0);
    }

    /** describe() of a node directory, so that "no node changed" compares everything it holds. */
    private static Map<String, String> state(Path dir) throws IOException {
        return TreeAssert.describe(dir);
    }

    /** Inodes outside the backup area (which a run with backups on adds to). */
    private static Map<String, Long> liveInodes(Path dir) throws IOException {
        Map<String, Long> out = new TreeMap<>(inodes(dir));
        out.keySet().removeIf(k -> k.startsWith(".tlclb-backup"));
        return out;
    }

    private void assertEveryNodeHasTheConfiguration() throws IOException {
        for (int i = 1; i <= NODES; i++) {
            TreeAssert.assertSameTree(srcEtc, cluster.etc(i));
            Path lic = cluster.lic(i).resolve("license.key");
            assertThat(Files.readAllBytes(lic)).isEqualTo(Files.readAllBytes(srcLic.resolve("license.key")));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lic, LinkOption.NOFOLLOW_LINKS)))
                    .isEqualTo("rw-------");
            assertThat(Files.getLastModifiedTime(lic)).isEqualTo(Files.getLastModifiedTime(srcLic.resolve("license.key")));
            try (Stream<Path> s = Files.list(cluster.lic(i))) {
                assertThat(s.map(p -> p.getFileName().toString()).toList())
                        .as("only LicenseFile goes to /etc/tlclb on node " + i).containsExactly("license.key");
            }
            assertThat(tempFiles(cluster.etc(i))).isEmpty();
            assertThat(tempFiles(cluster.lic(i))).isEmpty();
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void configDirAndLicenseArriveIdenticalOnEveryNode() throws Exception {
        List<String> hostEtcBefore = listing(Path.of("/etc/clusterserver"));
        Launcher.Result r = configSyncOk(conf(""));
        assertThat(r.out()).contains(NODES + " of " + NODES + " nodes in sync");
        assertEveryNodeHasTheConfiguration();
        for (int i = 1; i <= NODES; i++) {
            assertThat(Files.readSymbolicLink(cluster.etc(i).resolve("current.conf"))).isEqualTo(Path.of("clusterserver.conf"));
        }
        assertThat(listing(Path.of("/etc/clusterserver"))).as("this machine's own /etc/clusterserver")
                .isEqualTo(hostEtcBefore);
    }

    @Test
    void anEditRewritesOnlyThatFileAndAStaleNodeFileIsRemoved() throws Exception {
        configSyncOk(conf(""));
        Map<String, Long> before1 = liveInodes(cluster.etc(1));
        Map<String, Long> before2 = liveInodes(cluster.etc(2));
        Map<String, Long> licBefore = liveInodes(cluster.lic(1));

        ItSupport.write(srcEtc, "conf.d/extra.conf", "x=2, longer\n", "rw-r--r--", T0.plusSeconds(100));
        // Stale files on the nodes: delete is on by default for config sync.
        Files.writeString(cluster.etc(1).resolve("stale.conf"), "left from an old setup\n");
        Files.createDirectories(cluster.etc(2).resolve("old.d"));
        Files.writeString(cluster.etc(2).resolve("old.d/stale.conf"), "old\n");

        Launcher.Result r = configSyncOk(conf(""));
        assertThat(r.out()).contains(NODES + " of " + NODES + " nodes in sync");
        assertEveryNodeHasTheConfiguration(); // stale entries gone (TreeAssert ignores only .tlclb-backup)
        assertThat(cluster.etc(1).resolve("stale.conf")).doesNotExist();
        assertThat(cluster.etc(2).resolve("old.d")).doesNotExist();

        for (var e : Map.of(1, before1, 2, before2).entrySet()) {
            Map<String, Long> after = liveInodes(cluster.etc(e.getKey()));
            for (Map.Entry<String, Long> f : e.getValue().entrySet()) {
                if (f.getKey().equals("conf.d/extra.conf")) {
                    assertThat(after.get(f.getKey())).as("node %d: the edited file was replaced", e.getKey())
                            .isNotEqualTo(f.getValue());
                } else {
                    assertThat(after.get(f.getKey())).as("node %d: %s kept its inode", e.getKey(), f.getKey())
                            .isEqualTo(f.getValue());
                }
            }
        }
        assertThat(liveInodes(cluster.lic(1))).as("the license file was not rewritten").isEqualTo(licBefore);

        // Backups are on by default for config sync: the replaced file is kept (a hard link of the
        // old inode) and the deleted one is moved, under .tlclb-backup/<run>/.
        Map<String, Long> all1 = inodes(cluster.etc(1));
        assertThat(all1).hasEntrySatisfying(backupOf("conf.d/extra.conf", all1),
                ino -> assertThat(ino).isEqualTo(before1.get("conf.d/extra.conf")));
        Path staleBackup = cluster.etc(1).resolve(backupOf("stale.conf", all1));
        assertThat(staleBackup).hasContent("left from an old setup");
    }

    /** The one backup path .tlclb-backup/RUN/rel among the keys. */
    private static String backupOf(String rel, Map<String, Long> all) {
        List<String> hits = all.keySet().stream()
                .filter(k -> k.startsWith(".tlclb-backup/") && k.endsWith("/" + rel)
                        && k.split("/").length == rel.split("/").length + 2)
                .toList();
        assertThat(hits).as("backup of " + rel + " in " + all.keySet()).hasSize(1);
        return hits.get(0);
    }

    @Test
    void anUnknownKeywordExits2AndNoNodeChanges() throws Exception {
        plantSentinels();
        Map<Integer, List<Map<String, String>>> before = nodeStates();
        Launcher.Result r = configSync(conf("Frobnicate yes\n")).exits(2);
        assertThat(r.err()).contains("sync.conf:", "Frobnicate");
        assertThat(nodeStates()).isEqualTo(before);
    }

    @Test
    void aFailingValidateCommandExits2AndNoNodeChanges() throws Exception {
        plantSentinels();
        Map<Integer, List<Map<String, String>>> before = nodeStates();
        configSync(conf("Validate config \"false\"\n")).exits(2);
        assertThat(nodeStates()).isEqualTo(before);
    }

    /** Files a real push would delete or replace, so that "no node changes" means something. */
    private void plantSentinels() throws IOException {
        for (int i = 1; i <= NODES; i++) {
            Files.writeString(cluster.etc(i).resolve("stale.conf"), "a push would delete this\n");
            Files.writeString(cluster.etc(i).resolve("clusterserver.conf"), "old\n");
            Files.writeString(cluster.lic(i).resolve("license.key"), "OLD-LICENSE\n");
        }
    }

    private Map<Integer, List<Map<String, String>>> nodeStates() throws IOException {
        Map<Integer, List<Map<String, String>>> out = new TreeMap<>();
        for (int i = 1; i <= NODES; i++) {
            out.put(i, List.of(state(cluster.etc(i)), state(cluster.lic(i))));
            assertThat(cluster.etc(i).resolve(".tlclb-backup")).doesNotExist();
        }
        return out;
    }

    private static List<String> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
