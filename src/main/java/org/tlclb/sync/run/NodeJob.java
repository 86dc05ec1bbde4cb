package org.tlclb.sync.run;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.inventory.NodeInventory;
import org.tlclb.sync.inventory.RemoteChecksums;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.inventory.SftpInventory;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.plan.PlanOptions;
import org.tlclb.sync.plan.Planner;
import org.tlclb.sync.report.HookResult;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.scan.ScanResult;
import org.tlclb.sync.ssh.SshConnector;
import org.tlclb.sync.transfer.CommitOptions;
import org.tlclb.sync.ssh.PipelinedSftpClient;
import org.tlclb.sync.transfer.CommitResult;
import org.tlclb.sync.transfer.ScpStager;
import org.tlclb.sync.transfer.SftpCommitter;
import org.tlclb.sync.transfer.StagePlan;
import org.tlclb.sync.transfer.StageResult;

/**
 * One node's part of a run, phase by phase: prepare (connect, inventory, plan), stage, then
 * commit or discard, then the post-sync hook. The run moves every node through a phase before the
 * next, which is what makes the push all-or-nothing.
 */
final class NodeJob {
    private static final org.slf4j.Logger TIMING = org.slf4j.LoggerFactory.getLogger("tlclb.timing");
    private final NodeTarget target;
    private final SyncRequest request;
    private final java.util.function.Supplier<List<ScanResult>> sources;
    private final long startNanos = System.nanoTime();
    private final List<UnitState> units = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private ClientSession session;
    private SftpClient sftp;
    private boolean scpOnly;
    private String error;
    private HookResult hook;
    private long bytes;
    private boolean committed;

    private static final class UnitState {
        final SyncUnit unit;
        ScanResult source;
        NodeInventory inventory;
        NodePlan plan;
        StagePlan stagePlan;
        StageResult staged;
        ScpStager.Opening scp;
        PlanCache.Planned planned;

        UnitState(SyncUnit unit, ScanResult source) {
            this.unit = unit;
            this.source = source;
        }
    }

    private final PlanCache plans;

    NodeJob(NodeTarget target, SyncRequest request, java.util.function.Supplier<List<ScanResult>> sources,
            PlanCache plans) {
        this.target = target;
        this.request = request;
        this.sources = sources;
        this.plans = plans;
    }

    String name() {
        return target.display();
    }

    boolean failed() {
        return error != null;
    }

    List<NodePlan> plans() {
        return units.stream().map(u -> u.plan).toList();
    }

    boolean hasChanges() {
        return scpOnly || units.stream().anyMatch(u -> u.plan != null && !u.plan.isEmpty());
    }

    void prepare(SshConnector ssh, RunObserver observer) {
        try {
            long t0 = System.nanoTime();
            session = ssh.connect(target.user(), target.host(), target.port());
            TIMING.debug("{} connected in {} ms", name(), (System.nanoTime() - t0) / 1_000_000);
            try {
                sftp = PipelinedSftpClient.open(session);
                TIMING.debug("{} sftp open at {} ms", name(), (System.nanoTime() - t0) / 1_000_000);
            } catch (IOException e) {
                // No SFTP subsystem: the original tool's behaviour, a full SCP copy.
                scpOnly = true;
            }
            for (int i = 0; i < request.units().size(); i++) {
                SyncUnit unit = request.units().get(i);
                UnitState u = new UnitState(unit, null);
                units.add(u);
                if (scpOnly) {
                    u.source = sources.get().get(i);
                    u.plan = new NodePlan(List.of(), List.of());
                    u.stagePlan = StagePlan.fullCopy(u.source.manifest(), unit.source(), warnings);
                    continue;
                }
                u.inventory = SftpInventory.read(sftp, unit.dest(), request.excludes(), unit.only());
                TIMING.debug("{} {} listed at {} ms", name(), unit.dest(), (System.nanoTime() - t0) / 1_000_000);
                u.source = sources.get().get(i);
                if (request.checksum()) {
                    u.inventory = withChecksums(u.inventory, u.source.manifest(), unit.dest());
                }
                PlanOptions opts = new PlanOptions(unit.delete() && !u.source.ioErrors(), request.checksum(),
                        unit.only() == null,
                        request.excludes());
                ScanResult source = u.source;
                PlanCache.Planned planned = plans.planFor(i, u.inventory, inv -> {
                    NodePlan plan = Planner.plan(source.manifest(), inv.manifest(), inv.staleTemps(), opts);
                    return new PlanCache.Planned(inv, plan,
                            StagePlan.of(plan, source.manifest(), inv.manifest(), unit.source()));
                });
                u.planned = planned;
                u.inventory = planned.inventory();
                u.plan = planned.plan();
                u.stagePlan = planned.stagePlan();
                observer.planned(name(), unit, u.plan);
                TIMING.debug("{} {} planned at {} ms", name(), unit.dest(), (System.nanoTime() - t0) / 1_000_000);
                if (u.inventory.rootExists() && !u.stagePlan.items().isEmpty()) {
                    // Start the node's shell and scp now, while the other nodes are still being
                    // planned; staging then finds the sink ready.
                    u.scp = ScpStager.open(session, unit.dest());
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    void stage(Duration timeout, RunObserver observer, java.util.function.BooleanSupplier cancelled) {
        if (failed()) {
            return;
        }
        try {
            for (UnitState u : units) {
                if (!scpOnly && !u.inventory.rootExists() && !u.plan.isEmpty()) {
                    mkdirs(u.unit.dest());
                }
                String streamRoot = u.unit.dest();
                StagePlan plan = u.stagePlan;
                if (scpOnly) {
                    // Stream from the parent so that scp creates the destination directory itself.
                    int slash = streamRoot.lastIndexOf('/');
                    plan = plan.under(streamRoot.substring(slash + 1), u.source.manifest().get("").orElseThrow().mode());
                    streamRoot = slash == 0 ? "/" : streamRoot.substring(0, slash);
                }
                ScpStager stager = new ScpStager(timeout, request.bwlimit(), cancelled,
                        u.planned == null ? null : u.planned.smallFiles());
                if (u.scp != null && !scpOnly) {
                    ScpStager.Opening opened = u.scp;
                    u.scp = null;
                    u.staged = stager.stage(opened, plan, n -> observer.bytesSent(name(), n));
                } else {
                    u.staged = stager.stage(session, streamRoot, plan, n -> observer.bytesSent(name(), n));
                }
                bytes += u.staged.bytes();
                warnings.addAll(u.staged.warnings());
                if (u.staged.error() != null) {
                    throw new IOException(u.staged.error());
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
        observer.nodeStaged(name(), !failed());
    }

    void commit(String runId) {
        if (failed() || scpOnly) {
            committed = !failed();
            return;
        }
        CommitOptions opts = new CommitOptions(request.backup() ? runId : null, request.uid(), request.gid());
        List<String> errors = new ArrayList<>();
        for (UnitState u : units) {
            if (u.plan.isEmpty() && u.staged.staged().isEmpty()) {
                continue;
            }
            SftpCommitter committer = new SftpCommitter(sftp, u.unit.dest(), opts);
            CommitResult r = committer.commit(u.plan, u.staged, u.source.manifest());
            errors.addAll(r.errors());
            if (request.backup()) {
                try {
                    committer.pruneBackups(request.backupKeep());
                } catch (IOException e) {
                    warnings.add("could not prune old backups: " + e.getMessage());
                }
            }
        }
        committed = true;
        if (!errors.isEmpty()) {
            error = "commit incomplete: " + String.join("; ", errors.subList(0, Math.min(5, errors.size())))
                    + (errors.size() > 5 ? " (and " + (errors.size() - 5) + " more)" : "");
        }
    }

    void discard() {
        if (sftp == null) {
            return;
        }
        for (UnitState u : units) {
            if (u.staged != null) {
                new SftpCommitter(sftp, u.unit.dest(), CommitOptions.plain()).discard(u.staged,
                        u.inventory.manifest());
            }
        }
        for (int i = madeDirs.size() - 1; i >= 0; i--) {
            try {
                sftp.rmdir(madeDirs.get(i));
            } catch (IOException ignored) {
                // not empty (someone else wrote there) or gone: leave it
            }
        }
    }

    void runHook(Duration timeout) {
        if (request.postSync() != null && committed && error == null && hasChanges()) {
            hook = RemoteCommand.run(session, request.postSync(), timeout);
        }
    }

    void close() {
        for (UnitState u : units) {
            if (u.scp != null) {
                u.scp.close();
            }
        }
        try {
            if (sftp != null) {
                sftp.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        if (session != null) {
            session.close(true);
        }
    }

    NodeResult result(NodeStatus wanted) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        long created = 0;
        long updated = 0;
        long deleted = 0;
        for (UnitState u : units) {
            if (scpOnly && u.stagePlan != null) {
                created += u.stagePlan.items().size();
            } else if (u.plan != null) {
                created += u.plan.created();
                updated += u.plan.updated();
                deleted += u.plan.deleted();
            }
        }
        NodeStatus status = wanted;
        if (error != null) {
            status = NodeStatus.FAILED;
        } else if (hook != null && !hook.ok()) {
            status = NodeStatus.HOOK_FAILED;
        }
        if (status == NodeStatus.ABORTED || status == NodeStatus.FAILED && !committed) {
            return new NodeResult(name(), status, 0, 0, 0, 0, secs, error, List.copyOf(warnings), hook, mode());
        }
        return new NodeResult(name(), status, created, updated, deleted, bytes, secs, error, List.copyOf(warnings),
                hook, mode());
    }

    /**
     * Adds node-side hashes for files whose size matches the source's (only those can be equal).
     * A node that cannot hash falls back to the quick check, with a warning.
     */
    private NodeInventory withChecksums(NodeInventory inv, Manifest source, String root) {
        List<String> candidates = new ArrayList<>();
        for (Entry e : inv.manifest().unordered()) {
            Entry s = source.get(e.path()).orElse(null);
            if (e.isFile() && s != null && s.isFile() && s.size() == e.size()) {
                candidates.add(e.path());
            }
        }
        Map<String, String> hashes;
        try {
            hashes = RemoteChecksums.compute(session, root, candidates, Duration.ofSeconds(30));
        } catch (IOException e) {
            warnings.add("--checksum: " + e.getMessage() + "; files compared by size and mtime instead");
            Map<String, Entry> copy = new HashMap<>();
            for (Entry n : inv.manifest().unordered()) {
                Entry s = source.get(n.path()).orElse(null);
                // Same size and mtime counts as same content: give it the source's hash.
                boolean quickSame = s != null && s.isFile() && n.isFile() && s.size() == n.size() && s.mtime() == n.mtime();
                copy.put(n.path(), quickSame ? n.withSha256(s.sha256()) : n);
            }
            return new NodeInventory(new Manifest(copy), inv.staleTemps(), inv.rootExists());
        }
        Map<String, Entry> copy = new HashMap<>();
        for (Entry n : inv.manifest().unordered()) {
            String h = hashes.get(n.path());
            copy.put(n.path(), h == null ? n : n.withSha256(h));
        }
        return new NodeInventory(new Manifest(copy), inv.staleTemps(), inv.rootExists());
    }

    private String mode() {
        return scpOnly ? "scp" : "sftp";
    }

    /** Directories this run made before staging (the destination and missing parents), for discard. */
    private final List<String> madeDirs = new ArrayList<>();

    private void mkdirs(String dir) throws IOException {
        List<String> chain = new ArrayList<>();
        for (String d = dir; d.length() > 1; d = d.substring(0, Math.max(1, d.lastIndexOf('/')))) {
            chain.add(0, d);
        }
        for (String d : chain) {
            try {
                if (sftp.lstat(d).isDirectory()) {
                    continue;
                }
            } catch (IOException missing) {
                sftp.mkdir(d);
                madeDirs.add(d);
            }
        }
    }

    private void fail(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        error = error == null ? msg : error;
    }

    void failWith(String message) {
        error = message;
    }
}
