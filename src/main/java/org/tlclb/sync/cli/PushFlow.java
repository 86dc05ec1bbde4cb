package org.tlclb.sync.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.tlclb.sync.config.ConfigException;
import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.ServerSelector;
import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.RunStop;
import org.tlclb.sync.run.RunLock;
import org.tlclb.sync.run.SyncRequest;
import org.tlclb.sync.run.StopRequest;
import org.tlclb.sync.run.SyncRun;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.state.CatchUp;
import org.tlclb.sync.state.RunRecorder;
import org.tlclb.sync.state.StateKey;
import org.tlclb.sync.state.StateStore;
import org.tlclb.sync.scan.Generation;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.TreeScanner;
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
                RequestResolver.excludes(cfg, args.compare), args.compare.checksum, RequestResolver.minNodes(push, cfg), push.backup != null ? push.backup : kind.defaultBackup(cfg),
                cfg.backupKeep(), push.postSync != null ? push.postSync : cfg.postSync().get(kind.hookTarget()),
                RequestResolver.parallel(args.parallel, cfg), RequestResolver.owner(push), RequestResolver.bwlimit(push),
                RequestResolver.maxDelete(push, cfg), args.compare.hardLinks(),
                RequestResolver.rolling(push, cfg, kind.hookTarget()), cfg.rolloutHooks(kind.hookTarget()));
        kind.validate(cfg, output);
        RunRecorder recorder = recorder(cfg, args, units);
        if (push.catchUp) {
            CatchUp.Decision d = CatchUp.decide(recorder.before(), names(nodes),
                    () -> sourceGeneration(units, template), push.anySource);
            if (d instanceof CatchUp.NothingBehind none) {
                return output.nothingToDo(none.message(), current(template, nodes, recorder, none.message()));
            }
            if (d instanceof CatchUp.Refused refused) {
                throw new UsageError(refused.message());
            }
            List<String> behind = ((CatchUp.Push) d).nodes();
            nodes = nodes.stream().filter(n -> behind.contains(n.display())).toList();
        } else if (push.anySource) {
            throw new UsageError("--any-source goes with --catch-up (a push without it sends any source already)");
        }
        Prompter prompter = ctx.terminal().get();
        SshOptions ssh = RequestResolver.ssh(cfg, args.connection, ctx.paths(), prompter);
        SyncRequest req = template.withNodes(SshSetup.applyHostConfig(nodes, ssh, cfg.user()));
        CommandFlow.Scope scope = new CommandFlow.Scope(req.command(), req.mode(),
                req.units().stream().map(u -> u.source().toString()).toList(), req.nodes(),
                dryRun ? null : RunLock.keys(req));
        return new CommandFlow(ctx, output).run(cfg, scope, prompter, !args.yes, job(req, ssh, recorder));
    }

    /**
     * The record of the destination, read before any node is contacted: a store that cannot be read
     * stops the run here. Its cluster is every node a push of it goes to, whether -x leaves it out
     * this time or not (nosync nodes receive nothing and are not part of it).
     */
    private RunRecorder recorder(SyncConfig cfg, PushArgs args, List<SyncUnit> units) throws ConfigException,
            UsageError {
        List<String> cluster = names(ServerSelector.select(cfg, args.nodes.servers, null,
                ServerSelector.localNames()));
        try {
            return RunRecorder.open(new StateStore(ctx.paths().stateDir()),
                    StateKey.of(units.stream().map(SyncUnit::dest).toList()), cluster);
        } catch (StateStore.Unusable e) {
            throw new UsageError("the cluster's state store cannot be used: " + e.getMessage());
        }
    }

    /** The report of a catch-up with every node current: each skipped, no node contacted. */
    private static RunReport current(SyncRequest req, List<NodeTarget> nodes, RunRecorder recorder, String why) {
        Instant now = Instant.now();
        return new RunReport(SyncRun.newRunId(now), req.command(), req.mode(), now, now,
                req.units().stream().map(u -> u.source().toString()).toList(),
                nodes.stream().map(n -> NodeResult.skipped(n.display(), "not contacted: " + why)).toList(),
                RunStop.NONE, List.of(), recorder.before().latest(), List.of());
    }

    private static List<String> names(List<NodeTarget> nodes) {
        return nodes.stream().filter(n -> !n.nosync()).map(NodeTarget::display).toList();
    }

    /** The generation the source would commit now (a scan as the run makes it, without hashes). */
    private static Generation sourceGeneration(List<SyncUnit> units, SyncRequest req) {
        List<Manifest> manifests = new ArrayList<>();
        for (SyncUnit u : units) {
            try {
                manifests.add(TreeScanner.scan(u.source(), req.excludes(), u.only(), false).manifest());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Generation.of(manifests);
    }

    /** The push (or its dry run, or a check) as the flow runs it. */
    static CommandFlow.Job job(SyncRequest req, SshOptions ssh) {
        return job(req, ssh, null);
    }

    /** A push whose end is recorded (under the run lock) in the cluster's state by {@code recorder}. */
    static CommandFlow.Job job(SyncRequest req, SshOptions ssh, RunRecorder recorder) {
        return new CommandFlow.Job() {
            private final StopRequest stop = new StopRequest();

            @Override
            public RunReport run(ConsoleObserver observer, boolean ask) throws IdentityException {
                RunReport report = (recorder == null ? new SyncRun(ssh, observer, stop)
                        : new SyncRun(ssh, observer, stop, recorder::holds)).execute(req);
                return recorder == null ? report : recorder.record(report);
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
            for (Path own : new Path[] {paths.lockDir(), logFile == null ? null : logFile.getParent(),
                paths.stateDir()}) {
                if (own != null && own.toAbsolutePath().normalize().startsWith(src)) {
                    throw new UsageError("refusing to push " + src + ": it contains this tool's own state ("
                            + own + "); push a directory below it");
                }
            }
        }
    }
}
