package org.tlclb.sync.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.tlclb.sync.config.MinNodes;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.run.SyncRequest;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** tlclb check: a read-only drift report for monitoring; exit 0 in sync, 1 drift (listed), 3 unreachable. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Compare the nodes with the source without changing anything.",
                "Exit 0: in sync; 1: drift found (listed); 3: a node could not be checked."})
final class CheckCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "directory to compare (default: ContentDir)")
    Path source;

    @Option(names = "--dest", paramLabel = "PATH", description = "absolute path on the nodes (default: the source's path)")
    String dest;

    @Option(names = "--config-tree", description = "check ConfigDir and the license files instead of the content")
    boolean configTree;

    @Option(names = "--delete", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "node files the source lacks are drift (default; --no-delete: they are not)")
    boolean delete;

    @Mixin
    ConfigOption config;
    @Mixin
    NodeOptions nodes;
    @Mixin
    CompareOptions compare;
    @Mixin
    ParallelOption parallel;
    @Mixin
    ConnectionOptions connection;
    @Mixin
    OutputOptions output;

    CheckCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        compare.check();
        CliOutput out = new CliOutput(ctx, output, spec);
        out.checkJsonTarget();
        SyncConfig cfg = RequestResolver.config(config, ctx.paths());
        List<NodeTarget> targets = RequestResolver.nodes(cfg, nodes, ctx.paths());
        List<SyncUnit> units = configTree ? ConfigSyncCommand.configUnits(cfg, delete)
                : List.of(ContentSyncCommand.unit(source, dest, cfg, delete));
        Prompter prompter = ctx.terminal().get();
        SshOptions ssh = RequestResolver.ssh(cfg, connection, ctx.paths(), prompter);
        SyncRequest req = new SyncRequest("tlclb check", RunMode.CHECK, units,
                SshSetup.applyHostConfig(targets, ssh, cfg.user()), RequestResolver.excludes(cfg, compare),
                compare.checksum, MinNodes.ALL, false, cfg.backupKeep(), null, RequestResolver.parallel(parallel, cfg), null, 0,
                null, compare.hardLinks());
        CommandFlow.Scope scope = new CommandFlow.Scope(req.command(), req.mode(),
                units.stream().map(u -> u.source().toString()).toList(), req.nodes(), null);
        return new CommandFlow(ctx, out).run(cfg, scope, prompter, false, PushFlow.job(req, ssh));
    }
}
