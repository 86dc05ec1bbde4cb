package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.it.Launcher;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/**
 * The CLI as cron runs it: a child process with an empty environment (PATH, no LANG). The real
 * launcher {@code scripts/tlclb} with the packaged jar (it/Launcher: cron's environment plus the
 * test's own TLCLB_* state paths) must pick a UTF-8 locale itself, so non-ASCII and hostile names
 * arrive verbatim; the JIT choices are checked on copies of the launcher laid out with and without
 * Conscrypt's library ({@link FaultSupport#launcher}: a thin jar whose Class-Path is this test's).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileLocaleLauncherIT {
    static final String DEST = "/var/www/html";
    @RegisterExtension
    static final EmbeddedCluster cluster = EmbeddedCluster.perClass(2);
    Path conf;
    @TempDir
    Path tmp;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        conf = cluster.writeConfig("");
        src = tmp.resolve("src");
        Files.createDirectories(src);
    }

    private String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code env -i PATH=/usr/bin:/bin} with the test's state paths, then {@code more}. */
    private static List<String> emptyEnvironment(String... more) {
        List<String> argv = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin"));
        argv.addAll(EmbeddedCluster.testEnvironmentWords());
        argv.addAll(List.of(more));
        return argv;
    }

    @Test
    void launcherUnderAnEmptyEnvironmentCarriesNonAsciiAndHostileNamesVerbatim() throws Exception {
        HostileTree t = HostileTree.build(src);
        FaultSupport.sh(src, "touch \"$(printf 'bad\\377name')\"");
        Launcher.Result r = Launcher.in(tmp.resolve("state")).timeout(Duration.ofSeconds(150))
                .run("tlclb", "content-sync", "-c", conf.toString(), "-y", "--dest", DEST, src.toString()).exits(1);
        // The embedded nodes' Java filesystem cannot take a name that is not UTF-8: named, never mangled.
        assertThat(r.out() + r.err()).contains("bad\\#377name: the name is not valid UTF-8, and the node's server takes"
                + " UTF-8 names only").doesNotContain("\tat ");
        FaultSupport.sh(src, "rm ./bad?name"); // Java cannot name it; it was refused, so compare without it
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, cluster.path(i, DEST));
        }
        assertThat(t.pwned).doesNotExist();
    }

    /**
     * Without the launcher and without any locale, Java 17 decodes file names as ASCII. The product
     * must not mangle non-ASCII names then: it reads them back as their bytes ({@code RawNames})
     * and sends them as they are, so every name arrives verbatim and the nodes are in sync.
     */
    @Test
    void bareJavaWithoutLocaleRefusesNonAsciiNamesInsteadOfManglingThem() throws Exception {
        FaultSupport.write(src, "ascii.txt", "plain");
        FaultSupport.write(src, "日本語.txt", "non-ascii");
        List<String> argv = emptyEnvironment(javaBin(), "-cp", System.getProperty("java.class.path"),
                "org.tlclb.sync.cli.Main", "content-sync", "-c", conf.toString(), "-y", "--dest", DEST, src.toString());
        FaultSupport.Proc p = FaultSupport.exec(argv, tmp, 150);
        assertThat(p.out()).doesNotContain("\tat ");
        assertThat(p.exit()).as("names are read back as their bytes and sent as they are: " + p.out()).isZero();
        for (int i = 1; i <= 2; i++) {
            Path www = cluster.path(i, DEST);
            assertThat(www.resolve("ascii.txt")).hasContent("plain");
            try (var s = Files.list(www)) {
                List<String> names = s.map(x -> x.getFileName().toString()).filter(n -> !n.equals(".tlclb-backup"))
                        .toList(); // the run's state area aside
                // Carried verbatim; never a mangled name ("???.txt", U+FFFD...).
                assertThat(names).containsExactlyInAnyOrder("ascii.txt", "日本語.txt");
            }
        }
    }

    /**
     * The launcher runs C1 only when Conscrypt's native library sits beside the jar (AES-GCM is
     * native then), and keeps C2 for the JDK's cipher classes when it does not.
     */
    @Test
    void launcherDropsC2OnlyWhenTheNativeCipherIsThere() throws Exception {
        Path withNative = FaultSupport.launcher(tmp.resolve("a"));
        assertThat(tmp.resolve("a/app/target/native/libconscrypt_openjdk_jni-linux-x86_64.so"))
                .as("the build unpacks Conscrypt's library before the tests").exists();
        assertThat(jitFlags(withNative)).contains("TieredStopAtLevel = 1", "java.library.path");
        // the embedded node is a long-running server with the JDK's ciphers: default JIT
        assertThat(jitFlags(withNative, "node", "--help")).contains("TieredStopAtLevel = 4")
                .doesNotContain("Tier4InvocationThreshold = 500000");
        Path without = FaultSupport.launcher(tmp.resolve("b"));
        FaultSupport.sh(tmp, "rm -r b/app/target/native");
        assertThat(jitFlags(without)).contains("TieredStopAtLevel = 4", "Tier4InvocationThreshold = 500000")
                .doesNotContain("java.library.path");
    }

    /**
     * A native library that is there but does not load (here: not a library at all) must not stop
     * a push: the JDK's cipher takes over, and in a JVM the launcher started without C2 the
     * console says why it is slow and what to do.
     */
    @Test
    void aNativeLibraryThatDoesNotLoadStillPushesAndSaysWhy() throws Exception {
        FaultSupport.write(src, "index.html", "hello");
        Path bogus = tmp.resolve("native");
        Files.createDirectories(bogus);
        Files.writeString(bogus.resolve("libconscrypt_openjdk_jni-linux-x86_64.so"), "not a library");
        List<String> argv = emptyEnvironment("LC_ALL=C.UTF-8", javaBin(),
                "-XX:TieredStopAtLevel=1", "-Dtlclb.c1only=true", "-Djava.library.path=" + bogus,
                "-cp", classPathWithoutConscryptsLibraries(), "org.tlclb.sync.cli.Main", "content-sync", "-c",
                conf.toString(), "-y", "--dest", DEST, src.toString());
        FaultSupport.Proc p = FaultSupport.exec(argv, tmp, 150);
        assertThat(p.exit()).as(p.out()).isZero();
        assertThat(p.out()).contains("warning: Conscrypt's native library did not load", "TieredStopAtLevel=4")
                .doesNotContain("\tat ");
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, cluster.path(i, DEST));
        }
    }

    /** This test's class path, with Conscrypt's jar copied without the native libraries inside it. */
    private String classPathWithoutConscryptsLibraries() throws IOException {
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!Path.of(e).getFileName().toString().startsWith("conscrypt-")) {
                cp.add(e);
                continue;
            }
            Path copy = tmp.resolve("conscrypt-without-native.jar");
            try (var in = new java.util.zip.ZipFile(e);
                 var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(copy))) {
                for (var entry : java.util.Collections.list(in.entries())) {
                    if (!entry.getName().startsWith("META-INF/native/")) {
                        out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                        try (var data = in.getInputStream(entry)) {
                            data.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
            cp.add(copy.toString());
        }
        return String.join(File.pathSeparator, cp);
    }

    private String jitFlags(Path script, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("env", "TLCLB_JAVA_OPTS=-XX:+PrintFlagsFinal -XshowSettings:properties",
                "sh", script.toString()));
        argv.addAll(args.length > 0 ? List.of(args) : List.of("--version"));
        FaultSupport.Proc p = FaultSupport.exec(argv, tmp, 60);
        assertThat(p.exit()).as(p.out()).isZero();
        StringBuilder relevant = new StringBuilder();
        for (String line : p.out().split("\n")) {
            if (line.contains("TieredStopAtLevel") || line.contains("Tier4InvocationThreshold")
                    || line.contains("java.library.path = " + script.getParent().getParent())) {
                relevant.append(line.trim().replaceAll("\\s+", " ").replace("java.library.path = ", "java.library.path ")).append('\n');
            }
        }
        return relevant.toString();
    }

    static Map<String, String> describe(Path p) throws IOException {
        return TreeAssert.describe(p);
    }
}
