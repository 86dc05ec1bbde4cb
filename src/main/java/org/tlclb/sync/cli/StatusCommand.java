package org.tlclb.sync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.tlclb.sync.config.ConfigException;
import org.tlclb.sync.config.MinNodes;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.ServerSelector;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.report.JsonFiles;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.StatusReport;
import org.tlclb.sync.run.MarkerSurvey;
import org.tlclb.sync.run.RunLock;
import org.tlclb.sync.run.RunObserver;
import org.tlclb.sync.run.StopRequest;
import org.tlclb.sync.run.SyncRequest;
import org.tlclb.sync.run.SyncRun;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.state.ClusterMemory;
import org.tlclb.sync.state.ClusterStatus;
import org.tlclb.sync.state.DestinationRecord;
import org.tlclb.sync.state.NodeClaim;
import org.tlclb.sync.state.StateKey;
import org.tlclb.sync.state.StateStore;
import org.tlclb.sync.transfer.GenerationMarker;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * tlclb status: what each node holds of a destination, from the admin host's record alone (no node
 * is contacted). Exit 0: every node current; 1: some behind; 3: a node was never pushed.
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Show which nodes hold the last pushed generation, from this machine's record (no network).",
                "Exit 0: every node current; 1: some behind; 3: a node never pushed."})
final class StatusCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Option(names = "--dest", paramLabel = "PATH", description = "the content destination on the nodes (default: ContentDir)")
    String dest;

    @Option(names = "--config-tree", description = "the config tree (ConfigDir and the license files) instead")
    boolean configTree;

    @Option(names = "--json", paramLabel = "FILE|-", description = "write the status as JSON to FILE, or to stdout alone with -")
    String json;

    @Option(names = "--rebuild", description = {"ask every node what it holds (its own record, in the destination's",
            "state area) and rewrite this machine's record from the answers (sync.conf's keys and known_hosts)"})
    boolean rebuild;

    @Option(names = "--live", description = {"also check every node against the source now (ContentDir, or the config",
            "tree), read-only, and say where the tree differs from what the record claims"})
    boolean live;

    @Mixin
    ConfigOption config;
    @Mixin
    NodeOptions nodes;

    StatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (dest != null && configTree) {
            throw new UsageError("--dest and --config-tree name different destinations: give one");
        }
        OutputOptions outputOptions = new OutputOptions(); // the push commands' --json checks, for this --json
        outputOptions.json = json;
        CliOutput out = new CliOutput(ctx, outputOptions, spec);
        out.checkJsonTarget();
        SyncConfig cfg = RequestResolver.config(config, ctx.paths());
        StateStore store = new StateStore(ctx.paths().stateDir());
        List<String> dests = destinations(cfg).stream().map(SyncUnit::dest).toList();
        String key = StateKey.of(dests);
        List<String> asked = ServerSelector.select(cfg, nodes.servers, nodes.excluded, ServerSelector.localNames())
                .stream().filter(n -> !n.nosync()).map(n -> n.display()).toList();
        DestinationRecord record;
        if (rebuild) {
            record = rebuilt(cfg, store, key, dests.get(0), out);
        } else {
            try {
                record = store.read(key).orElse(DestinationRecord.empty(key));
            } catch (StateStore.Unusable e) {
                throw new UsageError("the cluster's state store cannot be used: " + e.getMessage());
            }
        }
        if (asked.isEmpty() && record.nodes().isEmpty()) {
            throw new UsageError("no nodes: add Server lines to " + (cfg.file() == null ? ctx.paths().configFile()
                    : cfg.file()) + " or name them with -w");
        }
        ClusterStatus status = ClusterStatus.of(store.file(key), record, asked);
        if (live) {
            status = status.withLive(checked(cfg));
        }
        PrintWriter text = out.text();
        StatusReport.print(status, text);
        if (json != null) {
            StringWriter doc = new StringWriter();
            StatusReport.writeJson(status, doc);
            if (out.jsonOnStdout()) {
                spec.commandLine().getOut().print(doc);
                spec.commandLine().getOut().flush();
            } else {
                JsonFiles.replace(Path.of(json), w -> w.write(doc.toString()));
            }
        }
        return StatusReport.exitCode(status).code();
    }

    /**
     * The record as the nodes tell it, written over the old one (one this version cannot read too:
     * that is what a rebuild is for) under the run lock a push of the destination takes.
     */
    private DestinationRecord rebuilt(SyncConfig cfg, StateStore store, String key, String primary, CliOutput out)
            throws UsageError, IOException, ConfigException {
        DestinationRecord before;
        try {
            before = store.read(key).orElse(DestinationRecord.empty(key));
        } catch (StateStore.Unusable e) {
            out.error("warning: " + e.getMessage() + "; rebuilding it from the nodes alone");
            before = DestinationRecord.empty(key);
        }
        List<NodeTarget> targets = RequestResolver.nodes(cfg, nodes, ctx.paths());
        Prompter prompter = ctx.terminal().get();
        SshOptions ssh = RequestResolver.ssh(cfg, new ConnectionOptions(), ctx.paths(), prompter);
        List<NodeTarget> resolved = SshSetup.applyHostConfig(targets, ssh, cfg.user());
        List<String> cluster = resolved.stream().filter(n -> !n.nosync()).map(NodeTarget::display).toList();
        try (RunLock lock = RunLock.acquire(ctx.paths().lockDir(), RunLock.keys(resolved, List.of(primary)))) {
            List<NodeClaim> claims = new ArrayList<>();
            for (MarkerSurvey.Reading r : new MarkerSurvey(ssh).read(resolved, primary, cfg.parallel())) {
                if (r.error() != null) {
                    out.error("warning: " + r.node() + " could not be asked (" + r.error() + "); its record is kept");
                }
                claims.add(new NodeClaim(r.node(), r.marker().map(GenerationMarker::generation).orElse(null),
                        r.marker().map(GenerationMarker::runId).orElse(null),
                        r.marker().map(GenerationMarker::time).orElse(null), r.error()));
            }
            DestinationRecord after = ClusterMemory.rebuilt(before, cluster, claims);
            store.write(after);
            return after;
        } catch (RunLock.Held held) {
            throw new UsageError("another run holds the lock (" + held.getMessage() + "); try again when it ends");
        } catch (RunLock.Refused refused) {
            throw new UsageError(refused.getMessage());
        } catch (IdentityException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * What a check of every node against the source finds now (read-only: no lock, nothing staged),
     * with sync.conf's keys and trust: the tree, not the record's claim.
     */
    private Map<String, ClusterStatus.Live> checked(SyncConfig cfg) throws UsageError, ConfigException {
        List<SyncUnit> units = configTree ? ConfigSyncCommand.configUnits(cfg, true)
                : List.of(ContentSyncCommand.unit(null, dest, cfg, true));
        List<NodeTarget> targets = RequestResolver.nodes(cfg, nodes, ctx.paths());
        Prompter prompter = ctx.terminal().get();
        SshOptions ssh = RequestResolver.ssh(cfg, new ConnectionOptions(), ctx.paths(), prompter);
        CompareOptions compare = new CompareOptions();
        SyncRequest req = new SyncRequest("tlclb status --live", RunMode.CHECK, units,
                SshSetup.applyHostConfig(targets, ssh, cfg.user()), RequestResolver.excludes(cfg, compare), false,
                MinNodes.ALL, false, cfg.backupKeep(), null, cfg.parallel(), null, 0, null, compare.hardLinks());
        RunReport report;
        try {
            report = new SyncRun(ssh, new RunObserver() { }, new StopRequest()).execute(req);
        } catch (IdentityException e) {
            throw new UsageError(e.getMessage());
        }
        Map<String, ClusterStatus.Live> found = new HashMap<>();
        for (NodeResult n : report.nodes()) {
            if (n.status() == NodeStatus.PLANNED) {
                found.put(n.node(), new ClusterStatus.Live(n.inSync() ? ClusterStatus.Live.Finding.IN_SYNC
                        : ClusterStatus.Live.Finding.DIFFERS, n.changes() + n.leftovers() + n.notCarried().size(), null));
            } else if (n.status() != NodeStatus.SKIPPED) {
                found.put(n.node(), new ClusterStatus.Live(ClusterStatus.Live.Finding.NOT_CHECKED, 0,
                        n.error() == null ? n.status().label() : n.error()));
            }
        }
        return found;
    }

    /** The destination asked about, as the push of it names its units. */
    private List<SyncUnit> destinations(SyncConfig cfg) throws UsageError {
        if (configTree) {
            return ConfigSyncCommand.configUnits(cfg, true);
        }
        String d = ContentSyncCommand.destination(dest, cfg.contentDir().toAbsolutePath().normalize().toString());
        return List.of(new SyncUnit(Path.of(d), d, null, false));
    }
}
