package org.tlclb.sync.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.RunLog;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.RunStop;
import org.tlclb.sync.run.RunLock;
import org.tlclb.sync.run.SyncRun;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.Prompter;

/**
 * The one shape of every command's run, once its options are resolved into a request: open the
 * log, take the run lock (a command that changes nodes), let Ctrl-C and SIGTERM ask the job to
 * stop, run it, record it in the log and report it. Every way a run ends goes through the same
 * report, so --json always gets a document with the exit code: a lock another run holds is a report
 * too (exit 4, no node contacted), not only a line on stderr.
 */
final class CommandFlow {
    /** A command's run over the nodes: what push, check and rollback differ in. */
    interface Job {
        /**
         * Runs to the end (or until {@link #cancel()} stops it) and reports.
         *
         * @param ask whether to ask the user before anything changes
         */
        RunReport run(ConsoleObserver observer, boolean ask) throws IdentityException;

        /** Ctrl-C or SIGTERM: stop as soon as it is safe (a commit under way completes). */
        void cancel();
    }

    /**
     * Where a run works: its name, mode and sources for the report, its nodes, and the keys of the
     * run lock it takes (none for a command that changes nothing).
     */
    record Scope(String command, RunMode mode, List<String> sources, List<NodeTarget> nodes, List<String> lockKeys) {
        Scope {
            sources = List.copyOf(sources);
            nodes = List.copyOf(nodes);
            lockKeys = lockKeys == null ? null : List.copyOf(lockKeys);
        }
    }

    private final CliContext ctx;
    private final CliOutput output;

    CommandFlow(CliContext ctx, CliOutput output) {
        this.ctx = ctx;
        this.output = output;
    }

    /** Runs {@code job} over {@code scope}; returns the exit code of its report's verdict. */
    int run(SyncConfig cfg, Scope scope, Prompter prompter, boolean ask, Job job) throws UsageError, IOException {
        output.openLog(cfg);
        if (scope.lockKeys() == null) {
            return execute(scope, prompter, false, job);
        }
        try (RunLock lock = RunLock.acquire(ctx.paths().lockDir(), scope.lockKeys())) {
            return execute(scope, prompter, ask, job);
        } catch (RunLock.Refused refused) {
            throw new UsageError(refused.getMessage());
        } catch (RunLock.Held held) {
            String why = "another run holds the lock (" + held.getMessage() + ")";
            output.error(why + "; try again when it ends");
            RunReport report = notStarted(scope, why);
            RunLog.record(report);
            return output.report(report, output.observer(prompter, false, scope.mode()));
        }
    }

    private int execute(Scope scope, Prompter prompter, boolean ask, Job job) throws UsageError, IOException {
        boolean asking = ask && prompter.interactive();
        ConsoleObserver observer = output.observer(prompter, asking, scope.mode());
        RunReport report;
        try (Interrupts ignored = Interrupts.onInterrupt(stopping(scope.mode()), job::cancel)) {
            report = job.run(observer, asking);
        } catch (IdentityException e) {
            throw new UsageError(e.getMessage());
        }
        if (scope.mode() != RunMode.DRY_RUN && scope.mode() != RunMode.ROLLBACK_DRY_RUN) {
            RunLog.record(report);
        }
        return output.report(report, observer);
    }

    /** What Ctrl-C says it does. */
    private static String stopping(RunMode mode) {
        return switch (mode) {
            case PUSH -> "stopping before commit (a commit under way completes)";
            case ROLLBACK -> "stopping before restoring (a restore under way completes)";
            default -> "stopping";
        };
    }

    /** The report of a run that never contacted a node: every node skipped, and why. */
    private static RunReport notStarted(Scope scope, String why) {
        Instant now = Instant.now();
        List<NodeResult> nodes = scope.nodes().stream()
                .map(n -> NodeResult.skipped(n.display(), "not contacted: " + why)).toList();
        return new RunReport(SyncRun.newRunId(now), scope.command(), scope.mode(), now, now, scope.sources(), nodes,
                RunStop.HELD_HERE, List.of());
    }
}
