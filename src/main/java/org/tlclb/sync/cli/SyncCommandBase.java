package org.tlclb.sync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.tlclb.sync.config.ConfigException;
import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.ServerSelector;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.crypto.NativeCrypto;
import org.tlclb.sync.report.ExitCode;
import org.tlclb.sync.report.JsonReport;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.report.RunLog;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.TextReport;
import org.tlclb.sync.run.RunLock;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.run.SyncRequest;
import org.tlclb.sync.run.SyncRun;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.Prompter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What both sync commands do: read sync.conf, resolve options over it, pick the nodes, take the
 * lock, run, and report. Subclasses say which trees to push and their defaults.
 */
abstract class SyncCommandBase implements Callable<Integer> {
    static final Path DEFAULT_CONFIG = Path.of("/etc/clusterserver/sync.conf");

    @Mixin
    SyncOptions o;

    @Spec
    CommandSpec spec;

    /** The command's name in reports and the log. */
    abstract String commandName();

    /** The trees to push. */
    abstract List<SyncUnit> units(SyncConfig cfg, boolean delete) throws UsageError;

    abstract boolean defaultDelete();

    abstract boolean defaultBackup(SyncConfig cfg);

    abstract HookTarget hookTarget();

    /** tlclb check: a read-only comparison whose exit code reports drift (0 in sync, 1 drift, 3 unreachable). */
    boolean checkOnly() {
        return false;
    }

    /** Checks made before any node is contacted (config sync validates the configuration). */
    void validate(SyncConfig cfg) throws UsageError {
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
        SyncConfig cfg;
        List<NodeTarget> nodes;
        List<SyncUnit> units;
        try {
            cfg = loadConfig(o.config);
            validate(cfg);
            nodes = ServerSelector.select(cfg, o.servers, o.excludeServers, ServerSelector.localNames());
            if (nodes.isEmpty()) {
                throw new UsageError("no nodes to push to: add Server lines to "
                        + (cfg.file() == null ? DEFAULT_CONFIG : cfg.file()) + " or name them with -w");
            }
            boolean delete = o.delete != null ? o.delete : defaultDelete();
            units = units(cfg, delete);
        } catch (ConfigException e) {
            err().println(commandName() + ": " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        Prompter prompter = Prompter.console();
        SshOptions sshOptions = sshOptions(cfg, prompter);
        nodes = SshSetup.applyHostConfig(nodes, sshOptions, cfg.user());
        SyncRequest req = new SyncRequest(commandName(), units, nodes, excludes(cfg), o.checksum, o.dryRun || checkOnly(),
                o.partialOk, o.backup != null ? o.backup : defaultBackup(cfg), cfg.backupKeep(), postSync(cfg),
                Duration.ofSeconds(300), o.parallel != null ? o.parallel : cfg.parallel(), chown()[0], chown()[1],
                bwlimit());
        RunLog.configure(o.logFile != null ? o.logFile : cfg.logFile(), verbosity());
        if (checkOnly()) {
            return run(req, sshOptions, prompter);
        }
        StringBuilder holder = new StringBuilder();
        Optional<RunLock> lock = RunLock.tryAcquire(RunLock.fileFor(cfg.file()), holder);
        if (lock.isEmpty()) {
            err().println(commandName() + ": another run holds the lock (" + holder + "); try again when it ends");
            return ExitCode.LOCKED.code();
        }
        try (RunLock ignored = lock.get()) {
            return run(req, sshOptions, prompter);
        }
    }

    int run(SyncRequest req, SshOptions sshOptions, Prompter prompter) throws IOException, UsageError {
        boolean ask = prompter.interactive() && !o.yes && !o.dryRun;
        ConsoleObserver observer = new ConsoleObserver(out(), prompter, ask,
                o.dryRun || checkOnly() || verbosity() > 0, checkOnly());
        observer.showProgress(prompter.interactive() && !o.quiet && !o.dryRun && !checkOnly());
        RunReport report;
        try {
            SyncRun run = new SyncRun(sshOptions, observer);
            Interrupts.onInterrupt(run::cancel);
            report = run.execute(req);
        } catch (IdentityException e) {
            throw new UsageError(e.getMessage());
        } finally {
            Interrupts.reset();
        }
        if (!checkOnly()) {
            RunLog.record(report);
        }
        observer.printPlans();
        if (report.declined()) {
            err().println(commandName() + ": nothing was changed (declined)");
        }
        printReport(report);
        NativeCrypto.slowCipherWarning().ifPresent(w -> err().println(commandName() + ": warning: " + w));
        return checkOnly() ? checkExitCode(report, observer) : report.exitCode();
    }

    private static int checkExitCode(RunReport report, ConsoleObserver observer) {
        if (observer.driftFound()) {
            return ExitCode.PARTIAL.code();
        }
        boolean unreachable = report.nodes().stream().anyMatch(n -> n.status() == NodeStatus.FAILED);
        return unreachable ? ExitCode.NOTHING_CHANGED.code() : ExitCode.OK.code();
    }

    void printReport(RunReport report) throws IOException {
        if (!o.quiet) {
            TextReport.print(report, out(), verbosity() > 0);
        } else {
            for (NodeResult n : report.nodes()) {
                if (n.status() == NodeStatus.FAILED || n.status() == NodeStatus.HOOK_FAILED) {
                    err().println(n.node() + ": " + (n.error() != null ? n.error() : "post-sync command failed"));
                }
            }
            err().flush();
        }
        if (o.json != null) {
            if (o.json.equals("-")) {
                JsonReport.write(report, out());
            } else {
                try (Writer w = Files.newBufferedWriter(Path.of(o.json), StandardCharsets.UTF_8)) {
                    JsonReport.write(report, w);
                }
            }
        }
    }

    int verbosity() {
        return o.verbose.length;
    }

    SyncConfig loadConfig(Path explicit) throws ConfigException {
        return ClusterSetup.loadConfig(explicit);
    }

    ExcludeRules excludes(SyncConfig cfg) {
        List<String> all = new ArrayList<>(cfg.excludes());
        all.addAll(o.excludes);
        return ExcludeRules.of(all);
    }

    String postSync(SyncConfig cfg) {
        return o.postSync != null ? o.postSync : cfg.postSync().get(hookTarget());
    }

    SshOptions sshOptions(SyncConfig cfg, Prompter prompter) throws UsageError {
        return ClusterSetup.sshOptions(cfg, prompter, o.knownHosts, o.hostKeyPolicy, o.identities, o.connectTimeout,
                o.retries);
    }

    long bwlimit() throws UsageError {
        if (o.bwlimit == null) {
            return 0;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)([kmg]?)(?:i?b)?(?:/s)?")
                .matcher(o.bwlimit.trim());
        if (!m.matches()) {
            throw new UsageError("--bwlimit takes a rate such as 500K, 20M or 1G (bytes per second), not '" + o.bwlimit + "'");
        }
        double v = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2).toLowerCase()) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long rate = (long) (v * (1L << shift));
        if (rate <= 0) {
            throw new UsageError("--bwlimit must be more than 0");
        }
        return rate;
    }

    int[] chown() throws UsageError {
        if (o.chown == null) {
            return new int[] {-1, -1};
        }
        String[] parts = o.chown.split(":", -1);
        try {
            return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : -1};
        } catch (NumberFormatException e) {
            throw new UsageError("--chown takes numeric UID:GID (names differ between machines), not '" + o.chown + "'");
        }
    }
}
