package org.tlclb.sync.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the launcher tests against OpenSSH nodes share: two lab nodes started once per class, and
 * per test a wiped cluster, a source directory, a sync.conf naming every node and a launcher with
 * a fresh state directory.
 */
abstract class LabTestBase {
    static final String DEST = "/var/www/html";
    @TempDir
    static Path shared;
    static OpenSshCluster cluster;

    @TempDir
    Path tmp;
    Path src;
    Path conf;
    Launcher launcher;

    @BeforeAll
    static void startCluster() throws Exception {
        OpenSshCluster.assumeAvailable();
        cluster = OpenSshCluster.start(shared.resolve("cluster"), 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @BeforeEach
    void freshNodesAndState() throws Exception {
        ItSupport.wipe(cluster);
        src = Files.createDirectories(tmp.resolve("src"));
        conf = ItSupport.writeConf(cluster, tmp.resolve("sync.conf"), "");
        launcher = Launcher.in(tmp.resolve("state"));
    }

    /** {@code tlclb_content_sync -c CONF -y --dest DEST [extra...] SRC}. */
    Launcher.Result push(String... extra) {
        List<String> args = new ArrayList<>(List.of("-c", conf.toString(), "-y", "--dest", DEST));
        args.addAll(List.of(extra));
        args.add(src.toString());
        return launcher.run("tlclb_content_sync", args.toArray(String[]::new));
    }
}
