package org.tlclb.sync.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.inventory.NodeFacts;
import org.tlclb.sync.inventory.NodeInventory;
import org.tlclb.sync.inventory.NodeProbe;
import org.tlclb.sync.inventory.RemoteChecksums;
import org.tlclb.sync.inventory.SftpInventory;
import org.tlclb.sync.plan.Change;
import org.tlclb.sync.plan.Diff;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.plan.PlanOptions;
import org.tlclb.sync.plan.ExposedChanges;
import org.tlclb.sync.plan.Planner;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.remote.DestinationWalk;
import org.tlclb.sync.remote.NodePaths;
import org.tlclb.sync.remote.NodeShell;
import org.tlclb.sync.run.NodeState.Committed;
import org.tlclb.sync.run.NodeState.Failed;
import org.tlclb.sync.run.NodeState.Prepared;
import org.tlclb.sync.run.NodeState.Staged;
import org.tlclb.sync.run.NodeState.Why;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.HardLinks;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.NotCarried;
import org.tlclb.sync.scan.ScanResult;
import org.tlclb.sync.ssh.ShellBatch;
import org.tlclb.sync.ssh.SftpPipeline;
import org.tlclb.sync.transfer.BackupArea;
import org.tlclb.sync.transfer.CommitOptions;
import org.tlclb.sync.transfer.CommitResult;
import org.tlclb.sync.transfer.NodeLock;
import org.tlclb.sync.transfer.NodeOwner;
import org.tlclb.sync.transfer.ScpStager;
import org.tlclb.sync.transfer.SftpCommitter;
import org.tlclb.sync.transfer.StagedDiscard;
import org.tlclb.sync.transfer.StagePlan;
import org.tlclb.sync.transfer.StageResult;

/**
 * A node with SFTP: listed, planned, staged under temporary names by SCP, committed by SFTP
 * renames (atomic per file), with deletes and backups.
 */
final class IncrementalPath {
    private static final Logger TIMING = LoggerFactory.getLogger("tlclb.timing");
    private final SyncRequest request;
    private final String runId;
    private final RunObserver observer;
    private final Supplier<List<ScanResult>> sources;
    private final PlanCache plans;
    private final BooleanSupplier cancelled;
    /** The run's budget of extra SCP channels, shared by its nodes. */
    private final Semaphore extraChannels = ScpStager.channelBudget();

    IncrementalPath(SyncRequest request, String runId, RunObserver observer, Supplier<List<ScanResult>> sources,
                    PlanCache plans, BooleanSupplier cancelled) {
        this.request = request;
        this.runId = runId;
        this.observer = observer;
        this.sources = sources;
        this.plans = plans;
        this.cancelled = cancelled;
    }

    /**
     * @param reserved the node's first SCP channel, opened with no command yet (see {@link ScpStager#reserve}), or null
     * @param dests    each unit's destination as resolved on the node ({@link DestinationResolver})
     * @param loginUid the login's uid on the node (-1 when unknown)
     */
    Prepared prepare(NodeTarget target, NodeLink link, NodeLock lock, List<String> made, NodeOwner owner,
                     ScpStager.Opening reserved, long t0, List<NodeLock.Destination> dests, int loginUid)
            throws IOException, DestinationWalk.Unsafe {
        List<UnitWork> units = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        NodeShell shell = lock == null ? null : lock.shell();
        boolean canHold = shell != null && shell.answer(link.replyTimeout()).capacity() > 0;
        for (int i = 0; i < request.units().size(); i++) {
            SyncUnit unit = request.units().get(i);
            NodeLock.Destination dest = dests.get(i);
            String root = dest.path();
            if (i > 0 && !dest.sealed()) {
                throw new DestinationWalk.Unsafe(root, root, "is a directory other users than root and the login can"
                        + " change, which only the first destination of a run may be");
            }
            // A destination this run just made (to hold the node lock) is empty: nothing to list, and
            // its root is created by the plan, not "fixed in place".
            boolean madeNow = made.contains(root);
            ScanResult shared = sources.get().get(i);
            ScanResult source = link.sourceFor(shared);
            // A node given the source without some names plans apart from the nodes given all of it.
            int planKey = source == shared ? i : -1 - i;
            NodeInventory inv = madeNow ? new NodeInventory(Manifest.empty(), List.of(), false)
                    : SftpInventory.read(link.sftp(), root, request.excludes(), unit.only(), source.manifest(), loginUid);
            TIMING.debug("{} {} listed at {} ms", target.display(), root, (System.nanoTime() - t0) / 1_000_000);
            List<NotCarried> notCarried = new ArrayList<>();
            HardLinks links = hardLinks(link, source, notCarried);
            inv = probed(link, inv, source.manifest(), links, root, warnings);
            if (request.checksum()) {
                inv = withChecksums(link, inv, source.manifest(), root, warnings);
            }
            // The run's private staging directory, in the state area (rooted there when others may
            // write the destination itself: the stream then starts in the area the shell holds).
            String stageRel = (inv.openDirs().contains("") ? "" : TempNames.BACKUP_DIR + "/") + runId + ".stage";
            NodeInventory listed = inv;
            PlanCache.Planned planned;
            if (!inv.openDirs().isEmpty() && !canHold) {
                // Nothing in a directory others may change can be changed safely here: left as it is, and said.
                PlanOptions opts = options(unit, source, links, inv);
                NodePlan all = Planner.plan(source.manifest(), inv.manifest(), inv.staleTemps(), inv.holdsExcluded(), opts);
                NodePlan plan = ExposedChanges.without(all, NodePaths.withNewDirs(inv.openDirs(), mkdirs(all)),
                        notCarried);
                planned = new PlanCache.Planned(inv, plan, StagePlan.of(plan, source.manifest(), inv.manifest(),
                        unit.source()));
            } else {
                planned = plans.planFor(planKey, inv, x -> {
                    NodePlan plan = Planner.plan(source.manifest(), x.manifest(), x.staleTemps(), x.holdsExcluded(),
                            options(unit, source, links, x));
                    StagePlan.Exposure exposure = x.openDirs().isEmpty() ? StagePlan.Exposure.NONE
                            : new StagePlan.Exposure(NodePaths.withNewDirs(x.openDirs(), mkdirs(plan)), stageRel);
                    return new PlanCache.Planned(x, plan,
                            StagePlan.of(plan, source.manifest(), x.manifest(), unit.source(), exposure));
                });
            }
            NodePaths paths = new NodePaths(link.sftp(), root,
                    NodePaths.withNewDirs(planned.inventory().openDirs(), mkdirs(planned.plan())),
                    canHold ? shell : null, canHold ? stageRel : null);
            observer.planned(target.display(), unit, planned.plan());
            ScpStager.Opening scp = null;
            if (!request.dryRun() && (listed.rootExists() || madeNow) && !planned.stagePlan().isEmpty()) {
                // Start the node's shell and scp now, while the other nodes are still being
                // planned; staging then finds the sink ready.
                scp = reserved != null ? reserved.start(paths.streamRoot())
                        : ScpStager.open(link.session(), paths.streamRoot());
                reserved = null;
            }
            units.add(new UnitWork(unit, source, planned.inventory(), planned.plan(), planned.stagePlan(), planned, scp,
                    notCarried, paths));
        }
        if (reserved != null) {
            reserved.close(); // no unit needs scp on this node
        }
        return new Prepared(target, link, false, List.copyOf(units), lock, made, owner, warnings, t0);
    }

    private PlanOptions options(SyncUnit unit, ScanResult source, HardLinks links, NodeInventory x) {
        return new PlanOptions(unit.delete() && !source.ioErrors(), request.checksum(), unit.only() == null,
                request.excludes(), links, x.facts().sameFile(), x.facts().linkTimes(), x.openDirs());
    }

    private static List<String> mkdirs(NodePlan plan) {
        return plan.mkdirs().stream().map(Change.Mkdir::path).toList();
    }

    NodeState stage(Prepared p) {
        List<StageResult> staged = new ArrayList<>();
        List<String> warnings = new ArrayList<>(p.warnings());
        List<String> made = new ArrayList<>(p.madeDirs());
        long bytes = 0;
        String name = p.target().display();
        try {
            for (int i = 0; i < p.units().size(); i++) {
                UnitWork u = p.units().get(i);
                if (!u.inventory().rootExists() && !u.plan().isEmpty()) {
                    made.addAll(RemoteDirs.make(p.link().sftp(), u.dest()));
                }
                ScpStager stager = new ScpStager(p.link().replyTimeout(), request.bwlimit(), cancelled, u.shared(),
                        extraChannels);
                ScpStager.Opening scp = u.scp() != null || u.stagePlan().isEmpty() ? u.scp()
                        : ScpStager.open(p.link().session(), u.paths().streamRoot());
                StageResult r = stager.stage(scp, u.stagePlan(), u.source().manifest(), p.link().sftp(),
                        NodePhases.progress(observer, name));
                staged.add(r);
                bytes += r.bytes();
                warnings.addAll(r.warnings());
                if (r.error() != null) {
                    Prepared withMade = withMade(p, made);
                    return new Failed(p.target(), cancelled.getAsBoolean() ? Why.INTERRUPTED : Why.ERROR, r.error(),
                            warnings, p.startNanos(),
                            new Staged(withMade, staged, bytes, warnings));
                }
                // The directories others may change that the commit works in: held from now on,
                // and each checked to be the one listed (a swap fails the node before anything changes).
                u.paths().hold(SftpCommitter.dirsToHold(u.plan(), u.paths()), p.link().replyTimeout());
            }
        } catch (IOException | RuntimeException e) {
            boolean bug = e instanceof RuntimeException;
            return new Failed(p.target(), bug ? Why.INTERNAL : Why.ERROR,
                    bug ? "internal error: " + e : NodePhases.message(e), warnings, p.startNanos(),
                    new Staged(withMade(p, made), staged, bytes, warnings));
        }
        return new Staged(withMade(p, made), staged, bytes, warnings);
    }

    private static Prepared withMade(Prepared p, List<String> made) {
        return new Prepared(p.target(), p.link(), p.fullCopy(), p.units(), p.lock(), List.copyOf(made), p.owner(),
                p.warnings(), p.startNanos());
    }

    NodeState commit(Staged s, String runId) {
        Prepared p = s.prepared();
        int uid = p.owner() == null ? -1 : p.owner().uid();
        int gid = p.owner() == null ? -1 : p.owner().gid();
        CommitOptions opts = new CommitOptions(request.backup() ? runId : null, uid, gid);
        List<String> errors = new ArrayList<>();
        List<NotCarried> notCarried = new ArrayList<>();
        List<String> warnings = new ArrayList<>(s.warnings());
        int created = 0;
        int updated = 0;
        int deleted = 0;
        try {
            for (int i = 0; i < p.units().size(); i++) {
                UnitWork u = p.units().get(i);
                StageResult staged = s.staged().get(i);
                // Files that never held still while they were sent: the node misses them.
                staged.notCarried().forEach(n -> notCarried.add(new NotCarried(u.onNode(n.path()), n.why())));
                if (u.plan().isEmpty() && staged.staged().isEmpty()) {
                    continue;
                }
                BackupArea backup = null;
                if (request.backup() && needsBackup(u.plan())) {
                    // The lock's area is reached the way the lock reaches it (held where others may write the destination).
                    backup = i == 0 && p.lock() != null ? new BackupArea(p.link().sftp(), u.dest(), p.lock().area().area())
                            : new BackupArea(p.link().sftp(), u.dest());
                    try {
                        backup.open(runId);
                    } catch (IOException e) {
                        errors.add("cannot back up, so nothing in " + u.dest() + " was changed: " + e.getMessage());
                        new StagedDiscard(p.link().sftp(), u.paths())
                                .discard(staged, u.inventory().manifest());
                        continue;
                    }
                }
                CommitResult r = new SftpCommitter(p.link().sftp(), u.paths(), opts, backup)
                        .commit(u.plan(), staged, u.source().manifest());
                created += r.created();
                updated += r.updated();
                deleted += r.deleted();
                errors.addAll(r.errors());
                r.notCarried().forEach(n -> notCarried.add(new NotCarried(u.onNode(n.path()), n.why())));
                if (backup != null) {
                    try {
                        backup.prune(request.backupKeep());
                    } catch (IOException e) {
                        warnings.add("could not prune old backups: " + e.getMessage());
                    }
                }
            }
        } catch (RuntimeException e) {
            errors.add("internal error during the commit: " + e);
            return new Committed(s, new CommitResult(created, updated, deleted, errors, notCarried), true, null, warnings);
        }
        return new Committed(s, new CommitResult(created, updated, deleted, errors, notCarried), false, null, warnings);
    }

    /** Whether the plan replaces or deletes anything, or changes attributes in place: what a backup keeps. */
    private static boolean needsBackup(NodePlan plan) {
        return !plan.deletes().isEmpty() || !plan.forcedDeletes().isEmpty() || !plan.fileAttrs().isEmpty()
                || !plan.dirAttrs().isEmpty() || plan.symlinks().stream().anyMatch(s -> s.old() != null)
                || plan.filesToSend().stream().anyMatch(c -> c instanceof Change.UpdateFile uf && uf.replacesFile())
                || plan.links().stream().anyMatch(Change.LinkFile::replacesFile);
    }

    /**
     * The source's files with several names that this node is to link, and what the node tells of
     * itself; a node whose SFTP server cannot make hard links gets each name as a file of its own, and
     * those names are not carried (as links).
     */
    private HardLinks hardLinks(NodeLink link, ScanResult source, List<NotCarried> notCarried) {
        HardLinks links = request.hardLinks() ? source.links() : HardLinks.NONE;
        if (!links.isEmpty() && !link.sftp().getServerExtensions().containsKey(HARDLINK)) {
            for (String f : links.followers()) {
                notCarried.add(new NotCarried(f, "a hard link of " + links.leader(f) + ", and the node's SFTP server"
                        + " cannot make hard links (no " + HARDLINK + "): it is a separate copy there"));
            }
            return HardLinks.NONE;
        }
        return links;
    }

    private static final String HARDLINK = "hardlink@openssh.com";

    /**
     * The listing with what SFTP v3 cannot tell (true times beyond 32 bits, which names are one
     * file), from the node's shell, for the entries that need it only. A node whose shell cannot
     * tell has those entries planned as changed, with a warning.
     */
    private static NodeInventory probed(NodeLink link, NodeInventory inv, Manifest source, HardLinks links,
                                        String dest, List<String> warnings) {
        NodeInventory withFacts = inv.with(inv.manifest(), new NodeFacts(Map.of(), !links.isEmpty(),
                link.sftp().getServerExtensions().containsKey(SftpPipeline.LSETSTAT)));
        if (!inv.rootExists()) {
            return withFacts;
        }
        try {
            return NodeProbe.complete(withFacts, source, links, new ShellBatch(link.session(), dest, link.replyTimeout()));
        } catch (IOException e) {
            warnings.add("could not read the times beyond 1970-2106 or the hard links of the tree on the node ("
                    + e.getMessage() + "): those entries are planned as changed");
            return withFacts;
        }
    }

    /** Removes what was staged and the directories the run made, so the node is as it was. */
    void discard(Prepared p, List<StageResult> staged) {
        for (int i = 0; i < staged.size(); i++) {
            UnitWork u = p.units().get(i);
            new StagedDiscard(p.link().sftp(), u.paths())
                    .discard(staged.get(i), u.inventory().manifest());
        }
        if (p.lock() != null) {
            p.lock().close(); // before the directories it lives in go
        }
        RemoteDirs.removeMade(p.link().sftp(), p.madeDirs());
    }

    /**
     * Adds node-side hashes for files whose size matches the source's (only those can be equal).
     * A node that cannot hash falls back to the quick check, with a warning.
     */
    private static NodeInventory withChecksums(NodeLink link, NodeInventory inv, Manifest source, String root,
                                               List<String> warnings) {
        List<String> candidates = new ArrayList<>();
        for (Entry e : inv.manifest().unordered()) {
            Entry s = source.get(e.path()).orElse(null);
            if (e.isFile() && s != null && s.isFile() && s.size() == e.size()) {
                candidates.add(e.path());
            }
        }
        Map<String, String> hashes;
        boolean fallback = false;
        try {
            hashes = RemoteChecksums.compute(link.session(), root, candidates, link.replyTimeout());
        } catch (IOException e) {
            warnings.add("--checksum: " + e.getMessage() + "; files compared by size and mtime instead");
            hashes = Map.of();
            fallback = true;
        }
        Map<String, Entry> copy = new HashMap<>();
        for (Entry n : inv.manifest().unordered()) {
            Entry s = source.get(n.path()).orElse(null);
            String h = hashes.get(n.path());
            if (fallback && s != null && Diff.sameContent(s, n, false)) {
                h = s.sha256(); // same size and mtime counts as same content
            }
            copy.put(n.path(), h == null ? n : n.withSha256(h));
        }
        return inv.with(new Manifest(copy), inv.facts());
    }
}
