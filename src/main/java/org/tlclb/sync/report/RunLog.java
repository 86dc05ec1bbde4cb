package org.tlclb.sync.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.LoggerFactory;

/**
 * The log file: one summary line per run and one line per node at INFO, per-file lines at DEBUG
 * (-v), MINA SSHD's own logging only with -v -v. Rotated daily and at 10 MB, 30 days kept.
 */
public final class RunLog {
    public static final String LOGGER = "tlclb";
    public static final Path DEFAULT = Path.of("/var/log/tlclb/sync.log");
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(LOGGER);

    private RunLog() {
    }

    /** Where the log goes: the wanted file when its directory can be written, else the user's state directory. */
    public static Path resolve(Path wanted) {
        Path file = wanted != null ? wanted : DEFAULT;
        if (writable(file)) {
            return file;
        }
        Path fallback = Path.of(System.getProperty("user.home"), ".local/state/tlclb/sync.log");
        return writable(fallback) ? fallback : null;
    }

    private static boolean writable(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            return Files.isWritable(dir) && (!Files.exists(file) || Files.isWritable(file));
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Sends the tlclb logger (and with verbosity 2, MINA's) to the rotated file. */
    public static Path configure(Path wanted, int verbosity) {
        Path file = resolve(wanted);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return file;
        }
        Logger tlclb = ctx.getLogger(LOGGER);
        tlclb.setLevel(verbosity > 0 ? Level.DEBUG : Level.INFO);
        ctx.getLogger("org.apache.sshd").setLevel(verbosity > 1 ? Level.DEBUG : Level.OFF);
        if (file == null) {
            return null;
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
        tlclb.addAppender(app);
        tlclb.setAdditive(false);
        if (verbosity > 1) {
            Logger sshd = ctx.getLogger("org.apache.sshd");
            sshd.addAppender(app);
            sshd.setAdditive(false);
        }
        return file;
    }

    /** Whether per-file lines are logged (-v): callers skip building them otherwise. */
    public static boolean perFileEnabled() {
        return LOG.isDebugEnabled();
    }

    public static void fileChange(String node, String itemized) {
        LOG.debug("{} {}", node, itemized);
    }

    public static void record(RunReport r) {
        for (NodeResult n : r.nodes()) {
            LOG.info(String.format(Locale.ROOT, "run %s node %s %s created=%d updated=%d deleted=%d bytes=%d seconds=%.2f%s%s",
                    r.runId(), n.node(), n.status().name().toLowerCase(Locale.ROOT), n.created(), n.updated(),
                    n.deleted(), n.bytes(), n.seconds(), n.error() == null ? "" : " error=\"" + oneLine(n.error()) + "\"",
                    n.hook() == null ? "" : " hook_exit=" + n.hook().exitStatus()));
        }
        LOG.info(String.format(Locale.ROOT, "run %s %s%s sources=%s nodes=%d exit=%d created=%d updated=%d deleted=%d bytes=%d seconds=%.2f",
                r.runId(), r.command(), r.dryRun() ? " (dry run)" : "", String.join(",", r.sources()), r.nodes().size(),
                r.exitCode(), r.total(NodeResult::created), r.total(NodeResult::updated), r.total(NodeResult::deleted),
                r.total(NodeResult::bytes), r.seconds()));
    }

    private static String oneLine(String s) {
        return s.replace("\n", " | ").replace("\"", "'");
    }
}
