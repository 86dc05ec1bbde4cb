package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/** Helpers shared by the fault and hostile-input tests. */
final class FaultSupport {
    static final Instant T0 = Instant.parse("2024-06-01T08:00:00Z");

    private FaultSupport() {
    }

    record Proc(int exit, String out) {
    }

    /** Runs the command line in this JVM: {@code content-sync -c CONF -y --dest DEST [extra...] SRC}. */
    static EmbeddedCluster.Result push(Path conf, Path src, String dest, String... extra) {
        List<String> args = new ArrayList<>(List.of("content-sync", "-c", conf.toString(), "-y", "--dest", dest));
        args.addAll(List.of(extra));
        args.add(src.toString());
        return EmbeddedCluster.run(args.toArray(String[]::new));
    }

    static String all(EmbeddedCluster.Result r) {
        return "exit " + r.exit() + "\n--- out\n" + r.out() + "\n--- err\n" + r.err();
    }

    /** Never a stack trace in what the user sees. */
    static void assertNoStackTrace(EmbeddedCluster.Result r) {
        assertThat(r.out() + r.err()).as(all(r)).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    static Path write(Path root, String rel, String content) throws IOException {
        return write(root, rel, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path root, String rel, byte[] content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        Files.setLastModifiedTime(p, FileTime.from(T0.plusSeconds(rel.length())));
        return p;
    }

    /** Every {@code .tlclb.*.tmp} under root (a leftover of staging). */
    static List<Path> tempFiles(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> {
                String n = p.getFileName() == null ? "" : p.getFileName().toString();
                return n.startsWith(".tlclb.") && n.endsWith(".tmp");
            }).toList();
        }
    }

    /** Every path under root (no follow), with type and size: to prove nothing else changed. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String kind = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                        : "file " + Files.size(p) + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
                out.put(root.relativize(p).toString(), kind);
            }
        }
        return out;
    }

    static String token() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Runs argv, stdin closed, output (stdout+stderr) as UTF-8 text. */
    static Proc exec(List<String> argv, Path cwd, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + argv);
        }
        return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** A shell script run by /bin/sh in cwd; must succeed. */
    static void sh(Path cwd, String script) throws IOException, InterruptedException {
        Proc p = exec(List.of("/bin/sh", "-c", script), cwd, 60);
        assertThat(p.exit()).as(script + ": " + p.out()).isZero();
    }

    static void assertSameTree(Path source, Path node) throws IOException {
        TreeAssert.assertSameTree(source, node);
    }

    /** Compares two tree descriptions, reporting only the entries that differ (trees can be large). */
    static void assertSameEntries(Map<String, String> actual, Map<String, String> expected, String what) {
        Map<String, String> diff = new TreeMap<>();
        for (String k : expected.keySet()) {
            if (!expected.get(k).equals(actual.get(k))) {
                diff.put(k, "expected " + expected.get(k) + ", was " + actual.get(k));
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                diff.put(k, "unexpected " + actual.get(k));
            }
        }
        assertThat(diff).as(what + ": entries that differ").isEmpty();
    }

    /** TreeAssert.describe with directory mtimes left out (staging beside targets touches them). */
    static Map<String, String> describeContent(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>(TreeAssert.describe(root));
        out.replaceAll((k, v) -> v.startsWith("dir ") ? v.substring(0, v.lastIndexOf(' ')) : v);
        return out;
    }

    /** tmp/app/scripts/tlclb (a copy of the real one) and tmp/app/target/tlclb-sync.jar (thin). */
    static Path launcher(Path tmp) throws IOException {
        Path app = tmp.resolve("app");
        Path script = app.resolve("scripts/tlclb");
        Files.createDirectories(script.getParent());
        Files.copy(Path.of("scripts/tlclb"), script);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = app.resolve("target/tlclb-sync.jar");
        Files.createDirectories(jar.getParent());
        StringBuilder cp = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                cp.append(Path.of(e).toAbsolutePath().toUri().toString()).append(' ');
            }
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.tlclb.sync.cli.Main");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp.toString().trim());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        // Conscrypt's native library, unpacked by the build before the tests (see pom.xml).
        Path nativeDir = Path.of("target/native").toAbsolutePath();
        if (Files.isDirectory(nativeDir)) {
            Files.createDirectories(app.resolve("target/native"));
            try (var libs = Files.list(nativeDir)) {
                for (Path lib : libs.toList()) {
                    Files.copy(lib, app.resolve("target/native").resolve(lib.getFileName()));
                }
            }
        }
        return script;
    }
}
