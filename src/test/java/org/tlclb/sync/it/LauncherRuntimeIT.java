package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tlclb.sync.it.MachinePackages.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/**
 * scripts/tlclb as it meets machines: no Java, a Java older than 17, Java 24+ (which reports JNI
 * use unless native access is granted), a jar in a directory the user cannot write (a build tree
 * or an installed layout), and several first runs at once that all find the class data missing.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LauncherRuntimeIT {
    static final Duration RUN = Duration.ofMinutes(2);
    static final Duration RECORDING = Duration.ofMinutes(3);
    static final String DEST = "/srv/www";
    static final int NOBODY = 65534;

    @TempDir
    static Path shared;
    static EmbeddedCluster cluster;
    static Path conf;
    static Path src;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startNodes() throws Exception {
        cluster = EmbeddedCluster.start(shared.resolve("cluster"), 1);
        conf = cluster.writeConfig("");
        src = shared.resolve("src");
        for (int i = 0; i < 5; i++) {
            Files.createDirectories(src.resolve("d" + i));
            Files.writeString(src.resolve("d" + i + "/f.txt"), "file " + i + "\n");
        }
    }

    @AfterAll
    static void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void withoutJavaItSaysWhatToInstall() {
        assumeRoot();
        // A machine without a JVM: /usr/lib/jvm (where /usr/bin/java points) empty, in a private mount namespace.
        Launcher.Result r = run(RUN, Map.of(), "unshare", "-m", "sh", "-c",
                "mount -t tmpfs none /usr/lib/jvm && exec env -i PATH=/usr/bin:/bin sh \"$1\" --version", "sh",
                Launcher.script("tlclb_content_sync").toString());
        r.exits(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("tlclb_content_sync: no Java runtime found")
                .contains("apt-get install default-jre-headless").hasLineCount(1);
    }

    @Test
    void javaOlderThan17IsRefusedBeforeItRuns() throws IOException {
        Path jdk = fakeJdk(tmp.resolve("jdk11"), true);
        Launcher.Result r = Launcher.in(tmp.resolve("state")).env("JAVA_HOME", jdk.toString())
                .run("tlclb_content_sync", "-c", conf.toString(), "-y", src.toString());
        r.exits(2);
        assertThat(r.err()).isEqualTo("tlclb_content_sync: " + jdk.resolve("bin/java") + " is Java 11.0.22;"
                + " tlclb-sync needs Java 17 or later: install Java 17 or later (Debian: apt-get install"
                + " default-jre-headless) or set JAVA_HOME\n");
        assertThat(tmp.resolve("jdk11/ran")).as("the old JVM was not started").doesNotExist();
        // a runtime without a release file is asked for its version
        Path bare = fakeJdk(tmp.resolve("jdk11-bare"), false);
        Launcher.Result asked = Launcher.in(tmp.resolve("state2")).env("JAVA_HOME", bare.toString()).run("tlclb", "--version");
        asked.exits(2);
        assertThat(asked.err()).contains("is Java 11.0.22; tlclb-sync needs Java 17 or later");
        assertThat(tmp.resolve("jdk11-bare/ran")).as("only -version was run").doesNotExist();
    }

    /** A JAVA_HOME whose java prints Java 11's version for -version and notes any other use. */
    private static Path fakeJdk(Path home, boolean releaseFile) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        if (releaseFile) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.22\"\n");
        }
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nif [ \"$1\" = -version ]; then\n"
                + "  echo 'openjdk version \"11.0.22\" 2024-01-16' >&2; exit 0\nfi\ntouch '" + home.resolve("ran") + "'\n"
                + "exit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    @Test
    void java24AndLaterRunWithoutNativeAccessWarnings() throws Exception {
        Optional<Path> jdk = jdkAtLeast(24);
        assumeTrue(jdk.isPresent(), "no Java 24+ under /usr/lib/jvm");
        Launcher.Result r = Launcher.in(tmp.resolve("state")).env("JAVA_HOME", jdk.get().toString())
                .env("TLCLB_CDS", "off")
                .run("tlclb_content_sync", "-c", conf.toString(), "-y", "--dest", DEST, src.toString());
        r.exits(0);
        assertThat(r.err()).doesNotContain("WARNING");
        TreeAssert.assertSameTree(src, cluster.path(1, DEST));
        // java -jar alone: the manifest grants it
        try (JarFile jar = new JarFile(Launcher.repo().resolve("target/tlclb-sync.jar").toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
        }
    }

    private static Optional<Path> jdkAtLeast(int feature) throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jvms)) {
            for (Path home : s.sorted().toList()) {
                Path release = home.resolve("release");
                if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/java"))) {
                    String v = Files.readString(release).replaceAll("(?s).*JAVA_VERSION=\"(\\d+).*", "$1");
                    if (v.matches("\\d+") && Integer.parseInt(v) >= feature) {
                        return Optional.of(home);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void aJarDirectoryTheUserCannotWriteIsNeverWritten() throws Exception {
        assumeRoot();
        // A build tree and an installed layout, owned by root, run by nobody.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tree = tmp.resolve("tree");
        copy(Launcher.repo().resolve("target/tlclb-sync.jar"), tree.resolve("target/tlclb-sync.jar"));
        copy(Launcher.script("tlclb"), tree.resolve("scripts/tlclb"));
        Path prefix = tmp.resolve("usr");
        copy(Launcher.repo().resolve("target/tlclb-sync.jar"), prefix.resolve("share/tlclb-sync/tlclb-sync.jar"));
        copy(Launcher.script("tlclb"), prefix.resolve("sbin/tlclb"));
        Files.writeString(tmp.resolve("empty.conf"), "");
        for (Path launcher : List.of(tree.resolve("scripts/tlclb"), prefix.resolve("sbin/tlclb"))) {
            Path jarDir = launcher.getParent().getParent().resolve(launcher.startsWith(tree) ? "target" : "share/tlclb-sync");
            List<String> before = listing(jarDir);
            Launcher.Result r = run(RUN, Map.of(), "setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "env", "-i", "PATH=/usr/bin:/bin", "sh", launcher.toString(), "check", "-c",
                    tmp.resolve("empty.conf").toString(), src.toString());
            // It ran (sync.conf names no node: a usage error from the command, not the launcher)...
            assertThat(r.err()).as(r.describe()).contains("tlclb check:");
            r.exits(2);
            // ...and wrote nothing, now or in the background: a class-data recorder it started would
            // be running this launcher still (it is spawned before the run begins; recording takes seconds).
            String script = launcher.toString();
            Await.until("no process running " + script, Duration.ofSeconds(120), () -> ProcessHandle.allProcesses()
                    .noneMatch(p -> p.info().arguments().map(a -> List.of(a).contains(script)).orElse(false)));
            assertThat(listing(jarDir)).as(jarDir.toString()).isEqualTo(before);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(
                to.getFileName().toString().endsWith(".jar") ? "rw-r--r--" : "rwxr-xr-x"));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void runsStartedTogetherRecordOneArchiveAndAllSucceed() throws Exception {
        Path cache = tmp.resolve("cache");
        Files.createDirectories(cache);
        int runs = 4;
        List<CompletableFuture<Launcher.Result>> started = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Launcher l = Launcher.in(tmp.resolve("state" + i)).env("TLCLB_CACHE_DIR", cache.toString());
            String dest = DEST + "/run" + i;
            // one run at a time per sync.conf: a copy each, so that they all run at once
            Path own = Files.copy(conf, tmp.resolve("sync" + i + ".conf"));
            started.add(CompletableFuture.supplyAsync(() -> l.run("tlclb_content_sync", "-c", own.toString(), "-y", "-q",
                    "--dest", dest, src.toString())));
        }
        for (int i = 0; i < runs; i++) {
            started.get(i).join().exits(0);
            TreeAssert.assertSameTree(src, cluster.path(1, DEST + "/run" + i));
        }
        long deadline = System.nanoTime() + RECORDING.toNanos();
        while (!(archives(cache).size() == 1 && recorderDone(cache)) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(recorderDone(cache)).as("the recorder finished").isTrue();
        List<Path> archives = archives(cache);
        assertThat(archives).hasSize(1);
        assertThat(listing(cache)).containsExactlyInAnyOrder(".tlclb-sync.lock", archives.get(0).getFileName().toString());
        // the archive is whole: a JVM told to fail unless it maps it starts and pushes
        String force = archives.get(0).toString().endsWith(".aot") ? "-XX:AOTMode=on" : "-Xshare:on";
        Launcher.in(tmp.resolve("state-after")).env("TLCLB_CACHE_DIR", cache.toString()).env("TLCLB_JAVA_OPTS", force)
                .run("tlclb_content_sync", "-c", conf.toString(), "-y", "-q", "--dest", DEST + "/after", src.toString())
                .exits(0);
        TreeAssert.assertSameTree(src, cluster.path(1, DEST + "/after"));
    }

    private static boolean recorderDone(Path cache) throws IOException {
        boolean lockFree = run(RUN, Map.of(), "flock", "-n", cache.resolve(".tlclb-sync.lock").toString(), "true").exit() == 0;
        return lockFree && listing(cache).stream().noneMatch(n -> n.endsWith(".tmp"));
    }

    private static List<Path> archives(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.getFileName().toString().matches("tlclb-sync-.*\\.(jsa|aot)")).toList();
        }
    }

    @Test
    void aWrongTlclbCdsValueIsAUsageError() {
        Launcher.Result r = Launcher.in(tmp.resolve("state")).env("TLCLB_CDS", "yes").run("tlclb", "--version");
        r.exits(2);
        assertThat(r.err()).isEqualTo("tlclb: TLCLB_CDS must be auto, off or rebuild, not 'yes'\n");
    }

    private static void assumeRoot() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but not root: the launcher's machine tests need root");
        }
        assumeTrue(root, "needs root");
    }
}
