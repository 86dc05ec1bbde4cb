package org.tlclb.sync.hermetic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * What one test JVM's suite did to the machine's state paths, told apart from what other
 * processes on the machine (other builds, other sessions running the product as root) did there
 * meanwhile:
 * <ul>
 * <li>run locks ({@code /run/tlclb}, and {@code /run/lock} where older versions kept them): a lock
 *     file names the pid of the run that took it and when; it is this suite's when the pid is this
 *     JVM's or one of its descendants' (sampled every {@link #SAMPLE}) and the time falls in the
 *     suite;</li>
 * <li>the log ({@code /var/log/tlclb}, rotated files too): a line written during the suite that
 *     names one of this JVM's {@code @TempDir} directories (every content-sync names its sources,
 *     which live there);</li>
 * <li>root's {@code ~/.ssh}, {@code /etc/clusterserver}, {@code /etc/tlclb} and the cluster's record
 *     ({@code /var/lib/tlclb}): nothing there names
 *     its writer, so any entry created or changed while the suite ran counts (nothing on a build
 *     machine writes these but the product).</li>
 * </ul>
 * Writes made while a {@link WritesTheMachine} class ran are left out.
 */
final class SuiteWatch implements AutoCloseable {
    /**
     * Where the product keeps state on a machine.
     *
     * @param lockDirs  directories of run locks (files "pid N, started T, ...")
     * @param logDir    the log directory (lines "yyyy-MM-dd HH:mm:ss.SSS ...", rotated files gzipped)
     * @param quietDirs directories whose files do not name their writer
     * @param tempDirs  the test JVM's temporary directories, one of which a line of its runs names
     */
    record Places(List<Path> lockDirs, Path logDir, List<Path> quietDirs, Supplier<Set<String>> tempDirs) {
        /** This machine's: root's lock and log directories, its ~/.ssh, the sync.conf directories. */
        static Places machine() {
            return new Places(List.of(Path.of("/run/tlclb"), Path.of("/run/lock")), Path.of("/var/log/tlclb"),
                    List.of(Path.of(System.getProperty("user.home")).resolve(".ssh"), Path.of("/etc/clusterserver"),
                            Path.of("/etc/tlclb"), Path.of("/var/lib/tlclb")), RecordingTempDirFactory::created);
        }
    }

    /**
     * How often the JVM's descendants are listed (a listing reads all of /proc: ~2 ms). A product
     * run that takes a lock lives far longer: the JVM starts, reads sync.conf and resolves nodes.
     */
    static final Duration SAMPLE = Duration.ofMillis(100);
    /** Slack between a lock's "started" time and the moments its pid was seen, and for file times. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final Pattern LOCK = Pattern.compile("^pid (\\d+), started (\\S+?),");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private record Seen(Instant first, Instant last) {
    }

    private record Window(String testClass, Instant from, Instant to) {
        boolean covers(Instant t) {
            return !t.isBefore(from.minus(SLACK)) && !t.isAfter(to.plus(SLACK));
        }
    }

    private final Places places;
    private final Instant start = Instant.now();
    private final long self = ProcessHandle.current().pid();
    private final Map<Long, Seen> descendants = new ConcurrentHashMap<>();
    private final List<Window> exempt = new CopyOnWriteArrayList<>();
    private final Map<Path, Map<String, String>> quietBefore = new TreeMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "machine-state-guard");
        t.setDaemon(true);
        return t;
    });

    private SuiteWatch(Places places) {
        this.places = places;
    }

    static SuiteWatch start() {
        return start(Places.machine());
    }

    static SuiteWatch start(Places places) {
        SuiteWatch w = new SuiteWatch(places);
        for (Path dir : places.quietDirs()) {
            w.quietBefore.put(dir, entries(dir));
        }
        w.sampler.scheduleWithFixedDelay(w::sample, 0, SAMPLE.toMillis(), TimeUnit.MILLISECONDS);
        return w;
    }

    private void sample() {
        Instant now = Instant.now();
        ProcessHandle.current().descendants().forEach(p -> descendants.merge(p.pid(), new Seen(now, now),
                (a, b) -> new Seen(a.first(), b.last())));
    }

    void exempt(String testClass, Instant from, Instant to) {
        exempt.add(new Window(testClass, from, to));
    }

    /** Called by JUnit when the last class has run: fails the suite with every write it made. */
    @Override
    public void close() {
        sampler.shutdownNow();
        List<String> found = new ArrayList<>();
        try {
            for (Path dir : places.lockDirs()) {
                found.addAll(locks(dir));
            }
            found.addAll(logLines());
            for (Map.Entry<Path, Map<String, String>> e : quietBefore.entrySet()) {
                found.addAll(changed(e.getKey(), e.getValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!found.isEmpty()) {
            throw new AssertionError("the test suite wrote this machine's state paths (a run without the test's "
                    + "TLCLB_* paths: see EmbeddedCluster.testPaths and testEnvironment, it/Launcher):\n  "
                    + String.join("\n  ", found));
        }
    }

    private boolean exempted(Instant t) {
        return exempt.stream().anyMatch(w -> w.covers(t));
    }

    private boolean ours(long pid, Instant when) {
        if (when.isBefore(start) || exempted(when)) {
            return false;
        }
        if (pid == self) {
            return true;
        }
        Seen s = descendants.get(pid);
        return s != null && !when.isBefore(s.first().minus(SLACK)) && !when.isAfter(s.last().plus(SLACK));
    }

    private List<String> locks(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                String text = head(f);
                Matcher m = LOCK.matcher(text);
                if (m.find() && ours(Long.parseLong(m.group(1)), instant(m.group(2)))) {
                    out.add(f + ": " + text.strip());
                }
            }
        }
        return out;
    }

    private List<String> logLines() throws IOException {
        List<String> out = new ArrayList<>();
        Path logDir = places.logDir();
        if (!Files.isDirectory(logDir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        Set<String> dirs = places.tempDirs().get();
        List<Path> files;
        try (Stream<Path> s = Files.list(logDir)) {
            files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        for (Path f : files) {
            if (Files.getLastModifiedTime(f).toInstant().isBefore(start.minus(SLACK))) {
                continue; // file times come from a coarser clock than Instant.now()
            }
            for (String line : lines(f)) {
                Instant t = logTime(line);
                if (t != null && !t.isBefore(start.minusSeconds(1)) && !exempted(t)
                        && dirs.stream().anyMatch(line::contains)) {
                    out.add(f + ": " + line);
                }
            }
        }
        return out;
    }

    private List<String> changed(Path dir, Map<String, String> before) {
        List<String> out = new ArrayList<>();
        Map<String, String> after = entries(dir);
        for (Map.Entry<String, String> e : after.entrySet()) {
            if (e.getKey().isEmpty() && before.isEmpty() && after.size() == 1) {
                continue; // made empty as a mount target (OpenSshCluster binds each node's own directory there)
            }
            if (!e.getValue().equals(before.get(e.getKey()))) {
                Instant mtime = Instant.parse(e.getValue().substring(0, e.getValue().indexOf(' ')));
                if (!mtime.isBefore(start.minus(SLACK)) && !exempted(mtime)) {
                    out.add(dir.resolve(e.getKey()) + ": " + (before.containsKey(e.getKey()) ? "changed" : "created"));
                }
            }
        }
        return out;
    }

    /** Relative path -> "MTIME SIZE" of the directory and everything in it (links not followed). */
    private static Map<String, String> entries(Path dir) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(dir.relativize(p).toString(), Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant()
                        + " " + Files.size(p));
            }
        } catch (IOException | UncheckedIOException vanishedOrUnreadable) {
            // what could be read is compared
        }
        return out;
    }

    private static String head(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return new String(in.readNBytes(512), StandardCharsets.UTF_8);
        } catch (IOException gone) {
            return "";
        }
    }

    private static List<String> lines(Path f) throws IOException {
        try (InputStream raw = Files.newInputStream(f);
             InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException unreadable) {
            return List.of();
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static Instant logTime(String line) {
        if (line.length() < 23) {
            return null;
        }
        try {
            return LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
