package org.tlclb.sync.report;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.LoggerFactory;
import org.tlclb.sync.config.ProcessUser;

/**
 * The log file: one summary line per run and one line per node (INFO when all went well, WARN for a
 * node that failed or a run that did not fully sync, ERROR for an internal error), per-file lines
 * at DEBUG (-v), MINA SSHD's own logging only with -v -v. Rotated daily and at 10 MB into
 * {@code .gz} files, 30 days kept; {@link #close()} waits for a rotation's compression, so a run
 * never exits in the middle of one.
 *
 * <p>The run often writes as root: a log file that is a symlink, that another user owns, or that
 * sits in a directory others can write to is refused (the run goes on without a log, and says so).
 *
 * <p>Per process, by nature: the wiring lives in Logback's one logger context, which every logger of
 * the JVM (MINA's among them) writes through; a process runs one command, and {@link #configure}
 * replaces what an earlier call set.
 */
public final class RunLog {
    public static final String LOGGER = "tlclb";
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-x---");

    private RunLog() {
    }

    /**
     * Sends the tlclb logger (and with verbosity 2, MINA's) to the rotated file.
     *
     * @return why nothing is logged, when the file cannot be used (the caller says so once)
     */
    public static Optional<String> configure(Path file, int verbosity) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return Optional.empty();
        }
        Logger tlclb = ctx.getLogger(LOGGER);
        tlclb.setLevel(verbosity > 0 ? Level.DEBUG : Level.INFO);
        ctx.getLogger("org.apache.sshd").setLevel(verbosity > 1 ? Level.DEBUG : Level.OFF);
        Optional<String> problem = unusable(file);
        if (problem.isPresent()) {
            tlclb.setLevel(Level.OFF);
            return problem;
        }
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} [%-5level] %msg%n");
        enc.start();
        RollingFileAppender<ILoggingEvent> app = new RollingFileAppender<>();
        app.setContext(ctx);
        app.setName("file");
        app.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(app);
        policy.setFileNamePattern(file + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(FileSize.valueOf("10MB"));
        policy.setMaxHistory(30);
        policy.setTotalSizeCap(FileSize.valueOf("300MB"));
        policy.start();
        app.setRollingPolicy(policy);
        app.setEncoder(enc);
        app.start();
        if (!app.isStarted()) {
            tlclb.setLevel(Level.OFF);
            return Optional.of("cannot write the log file " + file + "; this run is not logged");
        }
        tlclb.addAppender(app);
        tlclb.setAdditive(false);
        if (verbosity > 1) {
            Logger sshd = ctx.getLogger("org.apache.sshd");
            sshd.addAppender(app);
            sshd.setAdditive(false);
        }
        return Optional.empty();
    }

    /** Why the file must not be written by this process, if it must not. */
    static Optional<String> unusable(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        String not = "; this run is not logged (set LogFile or --log-file to a file in a directory only you can write)";
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            }
            if (!Files.isWritable(dir)) {
                return Optional.of("cannot write the log directory " + dir + not);
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            long owner = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)
                    || owner != ProcessUser.uid() && owner != 0) {
                return Optional.of("the log directory " + dir + " can be written by other users" + not);
            }
            if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isSymbolicLink(abs) || !Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.of("the log file " + abs + " is not a plain file" + not);
                }
                long fileOwner = ((Number) Files.getAttribute(abs, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
                if (fileOwner != ProcessUser.uid()) {
                    return Optional.of("the log file " + abs + " belongs to another user" + not);
                }
                if (!Files.isWritable(abs)) {
                    return Optional.of("cannot write the log file " + abs + not);
                }
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.of("cannot use the log file " + abs + " (" + reason(e) + ")" + not);
        }
    }

    /** What went wrong, in words: NIO's messages are often only the path. */
    private static String reason(Exception e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " is not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Stops logging: flushes the file and waits for a rotation's compression to finish. */
    public static void close() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.stop();
        }
    }

    /** Whether per-file lines are logged (-v): callers skip building them otherwise. */
    public static boolean perFileEnabled() {
        return LOG.isDebugEnabled();
    }

    public static void fileChange(String node, String itemized) {
        LOG.debug("{} {}", node, itemized);
    }

    public static void record(RunReport r) {
        RunVerdict v = RunVerdict.of(r);
        for (NodeResult n : r.nodes()) {
            String line = String.format(Locale.ROOT,
                    "run %s node %s %s created=%d updated=%d deleted=%d bytes=%d seconds=%.2f%s%s",
                    r.runId(), n.node(), n.status().label(), n.created(), n.updated(), n.deleted(), n.bytes(),
                    n.seconds(), n.error() == null ? "" : " error=\"" + oneLine(n.error()) + "\"",
                    n.hook() == null ? "" : " hook_exit=" + n.hook().exitStatus());
            boolean bad = n.status() == NodeStatus.FAILED || n.status() == NodeStatus.PARTIAL
                    || n.status() == NodeStatus.HOOK_FAILED || n.status() == NodeStatus.ABORTED
                    || n.status() == NodeStatus.ROLLED_BACK;
            if (bad) {
                LOG.warn(line);
            } else {
                LOG.info(line);
            }
        }
        String summary = String.format(Locale.ROOT,
                "run %s %s%s sources=%s nodes=%d exit=%d outcome=%s created=%d updated=%d deleted=%d bytes=%d"
                        + " seconds=%.2f",
                r.runId(), r.command(), r.dryRun() ? " (dry run)" : "", String.join(",", r.sources()), r.nodes().size(),
                v.exitCode().code(), v.outcome().name().toLowerCase(Locale.ROOT), r.total(NodeResult::created),
                r.total(NodeResult::updated), r.total(NodeResult::deleted), r.total(NodeResult::bytes), r.seconds());
        switch (v.exitCode()) {
            case OK -> LOG.info(summary);
            case INTERNAL -> LOG.error(summary);
            default -> LOG.warn(summary);
        }
    }

    private static String oneLine(String s) {
        return s.replace("\n", " | ").replace("\"", "'");
    }
}
