package org.tlclb.sync.cli;

import java.util.List;

import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.report.ExitCode;
import org.tlclb.sync.run.RollbackRun;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.run.SyncRequest;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.ssh.Prompter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** tlclb rollback [RUN]: put back what a run replaced or deleted, on every node, from the node backups. */
@Command(name = "rollback", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Restore the files a run replaced or deleted, from the backups on every node.",
                "RUN is a run id from the report or --json (default: the newest backup on each node)."})
final class RollbackCommand extends SyncCommandBase {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "run id to roll back")
    String run;

    @Option(names = "--dest", paramLabel = "PATH", description = "destination whose backups to use (default: ContentDir)")
    String dest;

    @Option(names = "--config-tree", description = "roll back ConfigDir and the license files' directories")
    boolean configTree;

    @Override
    String commandName() {
        return "tlclb rollback";
    }

    @Override
    List<SyncUnit> units(SyncConfig cfg, boolean delete) throws UsageError {
        if (configTree) {
            return new ConfigSyncCommand().units(cfg, delete);
        }
        String d = dest != null ? dest : cfg.contentDir().toString();
        if (!d.startsWith("/")) {
            throw new UsageError("--dest must be an absolute path");
        }
        return List.of(new SyncUnit(cfg.contentDir(), d, null, false));
    }

    @Override
    boolean defaultDelete() {
        return false;
    }

    @Override
    boolean defaultBackup(SyncConfig cfg) {
        return false;
    }

    @Override
    HookTarget hookTarget() {
        return HookTarget.CONTENT;
    }

    @Override
    int run(SyncRequest req, SshOptions sshOptions, Prompter prompter) throws UsageError {
        if (prompter.interactive() && !o.yes && !prompter.confirm("Restore " + (run == null ? "the newest backup" : "run " + run)
                + " on " + req.nodes().size() + " node(s)? [y/N]")) {
            err().println(commandName() + ": nothing was changed (declined)");
            return ExitCode.DECLINED.code();
        }
        List<String> dests = req.units().stream().map(SyncUnit::dest).distinct().toList();
        List<RollbackRun.Outcome> outcomes;
        try {
            outcomes = RollbackRun.execute(sshOptions, req.nodes(), dests, run, req.parallel());
        } catch (org.tlclb.sync.ssh.IdentityException e) {
            throw new UsageError(e.getMessage());
        }
        int failed = 0;
        for (RollbackRun.Outcome o2 : outcomes) {
            if (o2.error() != null) {
                failed++;
                err().println(o2.node() + "  FAILED   " + o2.error());
            } else if (!o.quiet) {
                out().println(o2.node() + "  ok       run " + (o2.run() == null ? "(none)" : o2.run()) + ", "
                        + o2.restored() + " restored");
            }
        }
        out().flush();
        if (failed == 0) {
            return ExitCode.OK.code();
        }
        return failed == outcomes.size() ? ExitCode.NOTHING_CHANGED.code() : ExitCode.PARTIAL.code();
    }
}
