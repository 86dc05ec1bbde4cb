package org.tlclb.sync.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.run.RollbackRequest;
import org.tlclb.sync.run.RollbackRun;
import org.tlclb.sync.run.RunLock;
import org.tlclb.sync.run.StopRequest;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.transfer.BackupArea;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** tlclb rollback [RUN]: put back what a run replaced or deleted, on every node, from the node backups. */
@Command(name = "rollback", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Restore the files a run replaced or deleted (content and attributes), from the backups on"
                + " every node.", "RUN is a run id from the report, the log or --json (default: the newest backup on"
                + " each node); -n lists what would be restored."})
final class RollbackCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "run id to roll back")
    String run;

    @Option(names = "--dest", paramLabel = "PATH", description = "destination whose backups to use (default: ContentDir)")
    String dest;

    @Option(names = "--config-tree", description = "roll back ConfigDir and the license files' directories")
    boolean configTree;

    @Mixin
    ConfigOption config;
    @Mixin
    NodeOptions nodes;
    @Option(names = {"-n", "--dry-run"}, description = "show what would be restored, change nothing")
    boolean dryRun;
    @Option(names = {"-y", "--yes"}, description = "do not ask before changing nodes (never asked without a terminal)")
    boolean yes;
    @Mixin
    ParallelOption parallel;
    @Mixin
    ConnectionOptions connection;
    @Mixin
    OutputOptions output;

    RollbackCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (run != null && !BackupArea.isRunId(run)) {
            throw new UsageError("'" + run + "' is not a run id (expected a name such as 20261201-083000-123-3fa2 from"
                    + " the report, the log or 'tlclb rollback -n')");
        }
        CliOutput out = new CliOutput(ctx, output, spec);
        out.checkJsonTarget();
        SyncConfig cfg = RequestResolver.config(config, ctx.paths());
        List<NodeTarget> targets = RequestResolver.nodes(cfg, nodes, ctx.paths());
        List<String> dests = configTree
                ? ConfigSyncCommand.configUnits(cfg, false).stream().map(SyncUnit::dest).distinct().toList()
                : List.of(ContentSyncCommand.destination(dest, cfg.contentDir().toString()));
        Prompter prompter = ctx.terminal().get();
        SshOptions ssh = RequestResolver.ssh(cfg, connection, ctx.paths(), prompter);
        RollbackRequest req = new RollbackRequest(SshSetup.applyHostConfig(targets, ssh, cfg.user()), dests, run,
                dryRun, RequestResolver.parallel(parallel, cfg));
        RunMode mode = dryRun ? RunMode.ROLLBACK_DRY_RUN : RunMode.ROLLBACK;
        CommandFlow.Scope scope = new CommandFlow.Scope("tlclb rollback", mode, dests, req.nodes(),
                dryRun ? null : RunLock.keys(req.nodes(), dests));
        return new CommandFlow(ctx, out).run(cfg, scope, prompter, !yes, new CommandFlow.Job() {
            private final StopRequest stop = new StopRequest();

            @Override
            public RunReport run(ConsoleObserver observer, boolean ask) throws IdentityException {
                return new RollbackRun(ssh, observer, stop).execute(req, ask ? prompter::confirm : question -> true);
            }

            @Override
            public void cancel() {
                stop.request();
            }
        });
    }
}
