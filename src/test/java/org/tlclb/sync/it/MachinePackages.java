package org.tlclb.sync.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Debian package manager of this machine, for the test that installs the product's package
 * into it: commands run as child processes, the tools a test needs installed when missing, and a
 * record of the machine's state before the install so that everything is put back afterwards
 * (the log directory a non-packaged run may have made is moved aside and returned, directories
 * the package's purge removes because they were empty are made again, the run locks of the test's
 * runs are removed or put back as they were).
 */
final class MachinePackages {
    static final String PACKAGE = "tlclb-sync";
    /** Made by the package's maintainer scripts, not listed by dpkg. */
    static final Path LOG_DIR = Path.of("/var/log/tlclb");
    static final Path CACHE_DIR = Path.of("/var/cache/tlclb-sync");
    /** Made by root's pushes (the cluster's record), removed by purge. */
    static final Path STATE_DIR = Path.of("/var/lib/tlclb");
    /** Made by root's runs (their lock directory), not by the package. */
    static final Path RUN_LOCKS = Path.of("/run/tlclb");
    private static final Duration APT_TIMEOUT = Duration.ofMinutes(5);
    /** Present while a test has the package installed: a test killed mid-way leaves it behind. */
    static final Path MARKER = Path.of("/var/tmp/" + PACKAGE + "-package-test.installed");
    private static final String SET_ASIDE_PREFIX = "tlclb.before-" + PACKAGE + "-test-";

    private final Set<Path> existedBefore = new LinkedHashSet<>();
    private final Set<Path> dirsBefore = new LinkedHashSet<>();
    private final List<Path> packageFiles;
    private Path movedLogs;
    private Path movedState;
    /** Set once the machine's own record is out of the way: only then is /var/lib/tlclb the test's. */
    private boolean stateSetAside;
    private boolean runLocksExisted;
    /** The run locks before the test: file -> content, and their mtimes. */
    private final Map<Path, byte[]> locksBefore = new HashMap<>();
    private final Map<Path, FileTime> lockTimesBefore = new HashMap<>();
    private final List<String> lockKeys = new ArrayList<>();

    private MachinePackages(List<Path> packageFiles) {
        this.packageFiles = packageFiles;
    }

    /** Notes what exists of the paths in {@code deb} (and the scripts' directories) before it is installed. */
    static MachinePackages before(Path deb) throws IOException {
        List<Path> files = new ArrayList<>();
        Launcher.Result names = run(Duration.ofMinutes(1), Map.of(), "sh", "-c",
                "dpkg-deb --fsys-tarfile \"$1\" | tar -t", "sh", deb.toString());
        names.exits(0);
        for (String line : names.out().split("\n")) {
            String p = line.replaceFirst("^\\./", "/").replaceFirst("/$", "");
            if (!p.isEmpty() && !p.equals("/")) {
                files.add(Path.of(p));
            }
        }
        MachinePackages m = new MachinePackages(files);
        for (Path p : files) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                m.existedBefore.add(p);
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                m.dirsBefore.add(p);
            }
        }
        m.runLocksExisted = Files.exists(RUN_LOCKS);
        for (Path lock : lockFiles()) {
            m.locksBefore.put(lock, Files.readAllBytes(lock));
            m.lockTimesBefore.put(lock, Files.getLastModifiedTime(lock));
        }
        return m;
    }

    /**
     * The runs of the test take root's run locks in /run/tlclb, one file per node and destination:
     * those naming {@code address} (this test's nodes: its own subnet, see OpenSshCluster) are put
     * back as they were, or removed, by {@link #restore()}.
     */
    void ownsLocksNaming(String address) {
        lockKeys.add(address);
    }

    private static List<Path> lockFiles() throws IOException {
        if (!Files.isDirectory(RUN_LOCKS, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(RUN_LOCKS)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
    }

    private void restoreLocks() throws IOException {
        for (Path lock : lockFiles()) {
            String text = new String(Files.readAllBytes(lock), StandardCharsets.UTF_8);
            if (lockKeys.stream().noneMatch(text::contains)) {
                continue;
            }
            byte[] before = locksBefore.get(lock);
            if (before == null) {
                Files.delete(lock);
            } else {
                Files.write(lock, before);
                Files.setLastModifiedTime(lock, lockTimesBefore.get(lock));
            }
        }
    }

    /** Every path of the package's data (files, links, the directories leading to them). */
    List<Path> packageFiles() {
        return packageFiles;
    }

    /** The package's paths that were not on the machine before: what purge must take away. */
    List<Path> madeByPackage() {
        return packageFiles.stream().filter(p -> !existedBefore.contains(p)).toList();
    }

    /** Moves a log directory of earlier, non-packaged runs aside, so that the package makes its own. */
    void setAsideLogs() throws IOException {
        if (Files.exists(LOG_DIR, LinkOption.NOFOLLOW_LINKS)) {
            movedLogs = LOG_DIR.resolveSibling(SET_ASIDE_PREFIX + ProcessHandle.current().pid());
            Files.move(LOG_DIR, movedLogs);
        }
        if (Files.exists(STATE_DIR, LinkOption.NOFOLLOW_LINKS)) {
            movedState = STATE_DIR.resolveSibling(SET_ASIDE_PREFIX + ProcessHandle.current().pid());
            Files.move(STATE_DIR, movedState);
        }
        stateSetAside = true;
    }

    /**
     * Undoes what a test that was killed while the package was installed left (its marker says so):
     * purges the package and puts back the log directory it had moved aside. Without the marker an
     * installed tlclb-sync is someone's, and the test must not touch it.
     */
    static void recoverFromAnEarlierRun() throws IOException {
        if (!Files.exists(MARKER)) {
            return;
        }
        if (!state().equals("not-installed")) {
            apt("purge", PACKAGE).exits(0);
        }
        try (Stream<Path> s = Files.list(LOG_DIR.getParent())) {
            for (Path aside : s.filter(p -> p.getFileName().toString().startsWith(SET_ASIDE_PREFIX)).toList()) {
                MachinePackages m = new MachinePackages(List.of());
                m.movedLogs = aside;
                m.runLocksExisted = true;
                m.restore();
            }
        }
        Files.deleteIfExists(MARKER);
    }

    /** Notes that the package is about to be installed by a test (see {@link #recoverFromAnEarlierRun}). */
    static void markInstalling() throws IOException {
        Files.writeString(MARKER, ProcessHandle.current().pid() + "\n");
    }

    /** Puts back what the test moved or what the purge removed that was there before. */
    void restore() throws IOException {
        if (movedLogs != null) {
            if (Files.exists(LOG_DIR, LinkOption.NOFOLLOW_LINKS)) {
                // Another process on this machine logged there meanwhile: the earlier files get their
                // names back, what was written meanwhile is kept beside them.
                try (Stream<Path> s = Files.list(LOG_DIR)) {
                    for (Path f : s.toList()) {
                        Path to = movedLogs.resolve(f.getFileName());
                        Files.move(f, Files.exists(to, LinkOption.NOFOLLOW_LINKS)
                                ? movedLogs.resolve(f.getFileName() + ".during-" + PACKAGE + "-test") : to);
                    }
                }
                Files.delete(LOG_DIR);
            }
            Files.move(movedLogs, LOG_DIR);
            movedLogs = null;
        }
        if (stateSetAside && Files.exists(STATE_DIR, LinkOption.NOFOLLOW_LINKS)) {
            run(Duration.ofMinutes(1), Map.of(), "rm", "-rf", STATE_DIR.toString()).exits(0); // the test's runs' record
        }
        if (movedState != null) {
            Files.move(movedState, STATE_DIR);
            movedState = null;
        }
        stateSetAside = false;
        for (Path dir : dirsBefore) {
            // dpkg removes a directory the package shipped once it is empty, even one it did not create
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir);
            }
        }
        if (!runLocksExisted && Files.isDirectory(RUN_LOCKS)) {
            run(Duration.ofMinutes(1), Map.of(), "rm", "-rf", RUN_LOCKS.toString());
        } else {
            restoreLocks();
        }
        if (state().equals("not-installed")) {
            Files.deleteIfExists(MARKER);
        }
    }

    static boolean installed() {
        Launcher.Result r = run(Duration.ofMinutes(1), Map.of(), "dpkg-query", "-W", "-f=${Status}", PACKAGE);
        return r.exit() == 0 && r.out().contains(" installed");
    }

    /** dpkg's state of the package: "installed", "config-files", or "not-installed" (unknown to dpkg). */
    static String state() {
        Launcher.Result r = run(Duration.ofMinutes(1), Map.of(), "dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE);
        return r.exit() == 0 && !r.out().isBlank() ? r.out().trim() : "not-installed";
    }

    static Launcher.Result apt(String... args) {
        List<String> argv = new ArrayList<>(List.of("apt-get", "-y", "-q"));
        argv.addAll(List.of(args));
        return run(APT_TIMEOUT, Map.of("DEBIAN_FRONTEND", "noninteractive"), argv.toArray(new String[0]));
    }

    /** Installs the Debian packages the test uses and this machine lacks (apt-get update first if needed). */
    static void requireTools(String... debianPackages) {
        List<String> missing = new ArrayList<>();
        for (String p : debianPackages) {
            Launcher.Result r = run(Duration.ofMinutes(1), Map.of(), "dpkg-query", "-W", "-f=${db:Status-Status}", p);
            if (r.exit() != 0 || !r.out().trim().equals("installed")) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<String> install = new ArrayList<>(List.of("install", "--no-install-recommends"));
        install.addAll(missing);
        if (apt(install.toArray(new String[0])).exit() != 0) {
            apt("update").exits(0);
            apt(install.toArray(new String[0])).exits(0);
        }
    }

    /** Runs a command (no shell unless argv says so) with the test JVM's environment plus {@code env}. */
    static Launcher.Result run(Duration timeout, Map<String, String> env, String... argv) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + List.of(argv));
            }
            return new Launcher.Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
