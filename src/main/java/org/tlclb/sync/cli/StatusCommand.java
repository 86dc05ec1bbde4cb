package org.tlclb.sync.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.tlclb.sync.config.ServerSelector;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.report.JsonFiles;
import org.tlclb.sync.report.StatusReport;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.state.ClusterStatus;
import org.tlclb.sync.state.DestinationRecord;
import org.tlclb.sync.state.StateKey;
import org.tlclb.sync.state.StateStore;

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
        String key = StateKey.of(destinations(cfg).stream().map(SyncUnit::dest).toList());
        DestinationRecord record;
        try {
            record = store.read(key).orElse(DestinationRecord.empty(key));
        } catch (StateStore.Unusable e) {
            throw new UsageError("the cluster's state store cannot be used: " + e.getMessage());
        }
        List<String> asked = ServerSelector.select(cfg, nodes.servers, nodes.excluded, ServerSelector.localNames())
                .stream().filter(n -> !n.nosync()).map(n -> n.display()).toList();
        if (asked.isEmpty() && record.nodes().isEmpty()) {
            throw new UsageError("no nodes: add Server lines to " + (cfg.file() == null ? ctx.paths().configFile()
                    : cfg.file()) + " or name them with -w");
        }
        ClusterStatus status = ClusterStatus.of(store.file(key), record, asked);
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

    /** The destination asked about, as the push of it names its units. */
    private List<SyncUnit> destinations(SyncConfig cfg) throws UsageError {
        if (configTree) {
            return ConfigSyncCommand.configUnits(cfg, true);
        }
        String d = ContentSyncCommand.destination(dest, cfg.contentDir().toAbsolutePath().normalize().toString());
        return List.of(new SyncUnit(Path.of(d), d, null, false));
    }
}
