package org.tlclb.sync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.tlclb.sync.config.ProcessUser;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.crypto.NativeCrypto;
import org.tlclb.sync.report.JsonReport;
import org.tlclb.sync.report.RunLog;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.RunVerdict;
import org.tlclb.sync.report.TextReport;
import org.tlclb.sync.ssh.Prompter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where a command's output goes: the text report on stdout (on stderr when the JSON report has
 * stdout to itself), errors on stderr, the JSON report to its file, the run to the log. Every
 * command's report and exit code come from one {@link RunVerdict}.
 */
final class CliOutput {
    private final CliContext ctx;
    private final OutputOptions options;
    private final String name;
    private final PrintWriter out;
    private final PrintWriter err;

    /** The output of the command {@code spec}: its writers, and its name as typed for messages. */
    CliOutput(CliContext ctx, OutputOptions options, CommandSpec spec) {
        this.ctx = ctx;
        this.options = options;
        this.name = spec.qualifiedName(" ");
        this.out = spec.commandLine().getOut();
        this.err = spec.commandLine().getErr();
    }

    /** The command as the user typed it: tlclb_content_sync, tlclb content-sync, tlclb check... */
    String name() {
        return name;
    }

    /** The human report's stream: stdout, unless --json - has it. */
    PrintWriter text() {
        return options.jsonOnStdout() ? err : out;
    }

    boolean jsonOnStdout() {
        return options.jsonOnStdout();
    }

    PrintWriter err() {
        return err;
    }

    int verbosity() {
        return options.verbosity();
    }

    /** One line on stderr, after the command's name. */
    void error(String message) {
        err.println(name + ": " + message);
        err.flush();
    }

    /** The log file a run writes: --log-file, else LogFile, else the machine default. */
    Path logFile(SyncConfig cfg) {
        return options.logFile != null ? options.logFile : cfg.logFile() != null ? cfg.logFile() : ctx.paths().logFile();
    }

    /** Opens the log; a log that cannot be written is said once on stderr, and the run goes on. */
    void openLog(SyncConfig cfg) {
        RunLog.configure(logFile(cfg), options.verbosity()).ifPresent(why -> error("warning: " + why));
    }

    ConsoleObserver observer(Prompter prompter, boolean ask, RunMode mode) {
        // a preview lists every change; check, a monitoring probe, gives one line per node (the report's)
        // and the itemized list with -v
        boolean showPlans = mode.readOnly() && mode != RunMode.CHECK || options.verbosity() > 0;
        boolean progress = !options.quiet && !mode.readOnly() && Terminals.stderrIsTerminal();
        return new ConsoleObserver(text(), err, prompter, ask, showPlans && !options.quiet, progress, mode);
    }

    /**
     * A run that found nothing to do before contacting a node: its one line (not under -q) and its
     * JSON; returns the verdict's exit code.
     */
    int nothingToDo(String line, RunReport report) throws IOException {
        if (!options.quiet) {
            text().println(line);
            text().flush();
        }
        RunVerdict verdict = RunVerdict.of(report);
        writeJson(report, verdict);
        return verdict.exitCode().code();
    }

    /** Prints the plans, the report and the JSON; returns the exit code of the run's verdict. */
    int report(RunReport report, ConsoleObserver observer) throws IOException {
        RunVerdict verdict = RunVerdict.of(report);
        observer.printPlans();
        if (options.quiet) {
            TextReport.printProblems(report, verdict, err);
        } else {
            TextReport.print(report, verdict, text(), options.verbosity() > 0);
        }
        writeJson(report, verdict);
        NativeCrypto.slowCipherWarning().ifPresent(w -> error("warning: " + w));
        return verdict.exitCode().code();
    }

    /**
     * Checks, before any node is contacted, that --json FILE can be written as this user: a file
     * (or symlink) there that another user owns is refused, since the run often writes as root.
     */
    void checkJsonTarget() throws UsageError {
        if (options.json == null || options.jsonOnStdout()) {
            return;
        }
        Path target = Path.of(options.json).toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new UsageError("--json " + options.json + ": cannot write in " + dir + " (name a file in a directory"
                    + " you can write)");
        }
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                long owner = ((Number) Files.getAttribute(target, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
                if (owner != ProcessUser.uid()) {
                    throw new UsageError("--json " + options.json + " belongs to uid " + owner + ", not to this user:"
                            + " it is not written through; name a file of your own");
                }
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new UsageError("--json " + options.json + " is a directory");
                }
            }
        } catch (IOException e) {
            throw new UsageError("--json " + options.json + ": " + e.getMessage());
        }
    }

    void writeJson(RunReport report, RunVerdict verdict) throws IOException {
        if (options.json == null) {
            return;
        }
        if (options.jsonOnStdout()) {
            JsonReport.write(report, verdict, out);
        } else {
            JsonReport.writeFile(report, verdict, Path.of(options.json));
        }
    }
}
