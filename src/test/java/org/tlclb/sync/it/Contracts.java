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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the *ContractIT classes share: a small source tree, help-text checks, the release number,
 * waiting for events, sync.conf variants.
 */
public final class Contracts {
    public static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    /** A path in a help text: /etc/..., ~/.ssh/... */
    private static final Pattern PATH = Pattern.compile("~?/[\\w.~/-]*[\\w/]");

    private Contracts() {
    }

    /** index.html, sub/a.txt, sub/b.txt and a private file, with fixed modes and mtimes; the root 0755. */
    public static Path tree(Path src) throws IOException {
        ItSupport.write(src, "index.html", "<h1>hello</h1>\n", "rw-r--r--", T0);
        ItSupport.write(src, "sub/a.txt", "a\n", "rw-r--r--", T0.plusSeconds(1));
        ItSupport.write(src, "sub/b.txt", "bb\n", "rw-r--r--", T0.plusSeconds(2));
        ItSupport.write(src, "private.key", "k\n", "rw-------", T0.plusSeconds(3));
        Files.setLastModifiedTime(src.resolve("sub"), FileTime.from(T0.minusSeconds(60)));
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxr-xr-x"));
        return src;
    }

    /** Sets a directory's mtime back to T0 (after a test wrote into it, so that only what the test means differs). */
    public static void resetMtime(Path dir) throws IOException {
        Files.setLastModifiedTime(dir, FileTime.from(T0.minusSeconds(30)));
    }

    /**
     * Every file name under root, relative, sorted (links not followed): the tree as its readers
     * see it, so the product's private state area at its top ({@code .tlclb-backup}: the node's
     * marker, the lock, backups) is left out; a test that asserts what the area holds lists the
     * area itself.
     */
    public static List<String> files(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        Path area = root.resolve(".tlclb-backup");
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root) && !p.startsWith(area)).map(p -> root.relativize(p).toString())
                    .sorted().toList();
        }
    }

    /**
     * --help as the launcher prints it without a terminal: no line wider than 80 columns, and every
     * path of the options' descriptions whole on one line (never cut at a slash).
     */
    public static void assertHelpFits(String help, CommandLine model) {
        for (String line : help.lines().toList()) {
            assertThat(line.length()).as("help line wider than 80 columns: '" + line + "'").isLessThanOrEqualTo(80);
        }
        for (OptionSpec o : model.getCommandSpec().options()) {
            if (o.hidden()) {
                continue;
            }
            Matcher m = PATH.matcher(String.join(" ", o.description()));
            while (m.find()) {
                String path = m.group();
                assertThat(help.lines().anyMatch(l -> l.contains(path)))
                        .as("the help of " + o.longestName() + " cut the path " + path + " across lines:\n" + help)
                        .isTrue();
            }
        }
    }

    /** The project's version from pom.xml (what --version must print). */
    public static String releaseVersion() throws IOException {
        String pom = Files.readString(Launcher.repo().resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<artifactId>tlclb-sync</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).as("pom.xml names the version").isTrue();
        return m.group(1);
    }

    /** Waits until some file under dir has a name matching the product's temp names (staging began). */
    public static void awaitTempFile(Path dir, long seconds) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(dir) && !ItSupport.tempFiles(dir).isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no temporary file appeared under " + dir + " within " + seconds + " s");
    }

    /** The numeric id of a user or group of this machine (the OpenSSH lab nodes share its /etc/passwd). */
    public static int id(String flag, String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("id", flag, name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as("id " + flag + " " + name + ": " + out).isZero();
        return Integer.parseInt(out);
    }

    /** A sync.conf naming both nodes and nothing else: no key, no known_hosts (the command line names them). */
    public static Path bareConf(OpenSshCluster cluster, Path file) throws IOException {
        return Files.writeString(file, "Servers\n  Server node1 " + cluster.address(1) + "\n  Server node2 "
                + cluster.address(2) + "\nEndServers\nConnectTimeout 5\nRetries 0\n");
    }

    /** The sync.conf lines of an installed machine's configuration push. */
    public static final String CONFIG_SOURCES = "ConfigDir /etc/clusterserver\nLicenseFile /etc/tlclb/license.key\n";

    /**
     * A launcher with the given state whose /etc/clusterserver and /etc/tlclb are etc and lic (its own
     * mount namespace): config sync pushes from those paths, and the machine's own are never touched.
     */
    public static Launcher withConfigSources(Path state, Path etc, Path lic) {
        return Launcher.in(state).mounting(etc, "/etc/clusterserver").mounting(lic, "/etc/tlclb");
    }

    /** The same, first making etc (with clusterserver.conf holding {@code conf}) and lic (with license.key). */
    public static Launcher withConfigSources(Path state, Path etc, Path lic, String conf) throws IOException {
        for (Path d : List.of(etc, lic)) {
            Files.createDirectories(d);
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ItSupport.write(etc, "clusterserver.conf", conf, "rw-r--r--", T0);
        ItSupport.write(lic, "license.key", "L\n", "rw-------", T0);
        return withConfigSources(state, etc, lic);
    }

    /** -V and --version of a command print the release, alone. */
    public static void assertVersion(Launcher launcher, String script, String... command) throws IOException {
        String version = "tlclb-sync " + releaseVersion() + "\n";
        for (String flag : List.of("-V", "--version")) {
            List<String> argv = new ArrayList<>(List.of(command));
            argv.add(flag);
            assertThat(launcher.run(script, argv.toArray(String[]::new)).exits(0).out()).isEqualTo(version);
        }
    }

    /** Lines of text that contain needle. */
    public static List<String> linesWith(String text, String needle) {
        List<String> out = new ArrayList<>();
        for (String l : text.lines().toList()) {
            if (l.contains(needle)) {
                out.add(l);
            }
        }
        return out;
    }
}
