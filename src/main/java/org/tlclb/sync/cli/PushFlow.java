package org.tlclb.sync.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.tlclb.sync.config.ConfigException;
import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.run.RunLock;
import org.tlclb.sync.run.SyncRequest;
import org.tlclb.sync.run.StopRequest;
import org.tlclb.sync.run.SyncRun;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;

/**
 * What both push commands do, given what differs between them ({@link Kind}): read sync.conf,
 * resolve the options over it, check the source, then run it through the {@link CommandFlow}. The
 * engine sees a {@link SyncRequest}, never picocli.
 */
final class PushFlow {
    /** What tlclb_content_sync and tlclb_config_sync do differently. */
    interface Kind {
        String name();

        /** Checks made before any node is contacted (Validate, license files). */
        void validate(SyncConfig cfg, CliOutput output) throws UsageError;

        List<SyncUnit> units(SyncConfig cfg, boolean delete) throws UsageError;

        boolean defaultDelete();

        boolean defaultBackup(SyncConfig cfg);

        HookTarget hookTarget();
    }

    private final CliContext ctx;
    private final CliOutput output;

    PushFlow(CliContext ctx, CliOutput output) {
        this.ctx = ctx;
        this.output = output;
    }

    int run(Kind kind, PushArgs args) throws UsageError, ConfigException, IOException {
        PushOptions push = args.push;
        boolean dryRun = args.dryRun;
        args.compare.check(); // rsync's -e before anything else: it would otherwise look like another mistake
        output.checkJsonTarget();
        SyncConfig cfg = RequestResolver.config(args.config, ctx.paths());
        List<NodeTarget> nodes = RequestResolver.nodes(cfg, args.nodes, ctx.paths());
        boolean delete = push.delete != null ? push.delete : kind.defaultDelete();
        List<SyncUnit> units = kind.units(cfg, delete);
        DestinationCheck.check(units, cfg);
        for (SyncUnit u : units) {
            SourceCheck.check(u.source(), ctx.paths(), output.logFile(cfg));
        }
        SyncRequest template = new SyncRequest(kind.name(), dryRun ? RunMode.DRY_RUN : RunMode.PUSH, units, nodes,
                RequestResolver.excludes(cfg, args.compare), args.compare.checksum, push.partialOk, push.backup != null ? push.backup : kind.defaultBackup(cfg),
                cfg.backupKeep(), push.postSync != null ? push.postSync : cfg.postSync().get(kind.hookTarget()),
                RequestResolver.parallel(args.parallel, cfg), RequestResolver.owner(push), RequestResolver.bwlimit(push),
                RequestResolver.maxDelete(push, cfg), args.compare.hardLinks());
        kind.validate(cfg, output);
        Prompter prompter = ctx.terminal().get();
        SshOptions ssh = RequestResolver.ssh(cfg, args.connection, ctx.paths(), prompter);
        SyncRequest req = template.withNodes(SshSetup.applyHostConfig(nodes, ssh, cfg.user()));
        CommandFlow.Scope scope = new CommandFlow.Scope(req.command(), req.mode(),
                req.units().stream().map(u -> u.source().toString()).toList(), req.nodes(),
                dryRun ? null : RunLock.keys(req));
        return new CommandFlow(ctx, output).run(cfg, scope, prompter, !args.yes, job(req, ssh));
    }

    /** The push (or its dry run, or a check) as the flow runs it. */
    static CommandFlow.Job job(SyncRequest req, SshOptions ssh) {
        return new CommandFlow.Job() {
            private final StopRequest stop = new StopRequest();

            @Override
            public RunReport run(ConsoleObserver observer, boolean ask) throws IdentityException {
                return new SyncRun(ssh, observer, stop).execute(req);
            }

            @Override
            public void cancel() {
                stop.request();
            }
        };
    }

    /** The sources a push refuses before contacting anything. */
    static final class SourceCheck {
        private SourceCheck() {
        }

        static void check(Path source, StatePaths paths, Path logFile) throws UsageError {
            Path src = source.toAbsolutePath().normalize();
            for (Path own : new Path[] {paths.lockDir(), logFile == null ? null : logFile.getParent()}) {
                if (own != null && own.toAbsolutePath().normalize().startsWith(src)) {
                    throw new UsageError("refusing to push " + src + ": it contains this tool's own state ("
                            + own + "); push a directory below it");
                }
            }
        }
    }
}
