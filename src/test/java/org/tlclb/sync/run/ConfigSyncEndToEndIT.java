package org.tlclb.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ConfigSyncEndToEndIT {
    @RegisterExtension
    static final EmbeddedCluster cluster = EmbeddedCluster.perClass(3);
    @TempDir
    Path tmp;
    Path etc;
    Path license;

    @BeforeEach
    void setUp() throws Exception {
        etc = tmp.resolve("src/etc/clusterserver");
        Files.createDirectories(etc.resolve("conf.d"));
        Files.writeString(etc.resolve("clusterserver.conf"), "Servers\nEndServers\n");
        Files.writeString(etc.resolve("conf.d/extra.conf"), "x=1\n");
        license = tmp.resolve("src/etc/tlclb/license.key");
        Files.createDirectories(license.getParent());
        Files.writeString(license, "KEY-123\n");
        Files.setPosixFilePermissions(license, PosixFilePermissions.fromString("rw-------"));
    }

    private Path conf(String extra) throws Exception {
        return cluster.writeConfig("ConfigDir " + etc + "\nLicenseFile " + license + "\n" + extra);
    }

    private EmbeddedCluster.Result sync(Path conf, String... extra) {
        String[] base = {"config-sync", "-c", conf.toString(), "-y"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return EmbeddedCluster.run(args);
    }

    @Test
    void configAndLicenseArriveWithModes() throws Exception {
        EmbeddedCluster.Result r = sync(conf(""));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        for (int i = 1; i <= 3; i++) {
            TreeAssert.assertSameTree(etc, cluster.path(i, etc.toString()));
            Path lic = cluster.path(i, license.toString());
            assertThat(Files.readString(lic)).isEqualTo("KEY-123\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lic))).isEqualTo("rw-------");
            try (var s = Files.list(lic.getParent())) {
                assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("license.key");
            }
        }
    }

    @Test
    void anEditRewritesOnlyThatFileAndAStaleNodeFileGoes() throws Exception {
        Path conf = conf("");
        assertThat(sync(conf).exit()).isZero();
        Path node = cluster.path(1, etc.toString());
        Object inoExtra = Files.getAttribute(node.resolve("conf.d/extra.conf"), "unix:ino");
        Object inoMain = Files.getAttribute(node.resolve("clusterserver.conf"), "unix:ino");
        Files.writeString(node.resolve("stale.conf"), "old");
        Files.writeString(etc.resolve("clusterserver.conf"), "Servers\n  Server a 10.0.0.1\nEndServers\n");
        EmbeddedCluster.Result r = sync(conf);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(Files.getAttribute(node.resolve("conf.d/extra.conf"), "unix:ino")).isEqualTo(inoExtra);
        assertThat(Files.getAttribute(node.resolve("clusterserver.conf"), "unix:ino")).isNotEqualTo(inoMain);
        assertThat(node.resolve("stale.conf")).doesNotExist();
        TreeAssert.assertSameTree(etc, node);
    }

    @Test
    void aBrokenSyncConfOrAFailingValidatePushesNothing() throws Exception {
        Path broken = tmp.resolve("broken.conf");
        Files.writeString(broken, "ConfigDir " + etc + "\nParalel 4\n");
        EmbeddedCluster.Result r = sync(broken);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(broken + ":2:");
        EmbeddedCluster.Result v = sync(conf("Validate config \"false\"\n"));
        assertThat(v.exit()).isEqualTo(2);
        assertThat(v.err()).contains("Validate config");
        EmbeddedCluster.Result missing = sync(cluster.writeConfig("ConfigDir " + etc + "\nLicenseFile /nonexistent/license.key\n"));
        assertThat(missing.exit()).isEqualTo(2);
        for (int i = 1; i <= 3; i++) {
            assertThat(cluster.path(i, etc.toString())).doesNotExist();
        }
    }
}
