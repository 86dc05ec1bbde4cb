package org.tlclb.sync.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.run.NodeState.Committed;
import org.tlclb.sync.run.NodeState.Failed;
import org.tlclb.sync.run.NodeState.Prepared;
import org.tlclb.sync.run.NodeState.Staged;
import org.tlclb.sync.run.NodeState.Why;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.HardLinks;
import org.tlclb.sync.scan.NotCarried;
import org.tlclb.sync.scan.ScanResult;
import org.tlclb.sync.ssh.ShellBatch;
import org.tlclb.sync.transfer.CommitResult;
import org.tlclb.sync.transfer.ScpStager;
import org.tlclb.sync.transfer.StagePlan;
import org.tlclb.sync.transfer.StageResult;
import org.tlclb.sync.transfer.TimeFixes;

/**
 * A node without the SFTP subsystem gets the original tool's behaviour: a full recursive SCP copy
 * into place, not atomic, without deletes (nothing can list the node). The copy happens in the
 * stage phase, so all-or-nothing cannot hold for such a node; its commit is a no-op, and the
 * report says so. A requested delete or --chown that could not be applied leaves the node partial.
 */
final class FullCopyPath {
    static final String NOTE = "no SFTP on the node: full SCP copy, not atomic";
    private final SyncRequest request;
    private final RunObserver observer;
    private final Supplier<List<ScanResult>> sources;
    private final BooleanSupplier cancelled;

    FullCopyPath(SyncRequest request, RunObserver observer, Supplier<List<ScanResult>> sources,
                 BooleanSupplier cancelled) {
        this.request = request;
        this.observer = observer;
        this.sources = sources;
        this.cancelled = cancelled;
    }

    Prepared prepare(NodeTarget target, NodeLink link, long t0) {
        List<UnitWork> units = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < request.units().size(); i++) {
            SyncUnit unit = request.units().get(i);
            ScanResult source = link.sourceFor(sources.get().get(i));
            List<NotCarried> skipped = new ArrayList<>();
            StagePlan plan = StagePlan.fullCopy(source.manifest(), unit.source(), skipped);
            if (request.hardLinks()) {
                HardLinks links = source.links();
                for (String f : links.followers()) {
                    skipped.add(new NotCarried(f, "a hard link of " + links.leader(f) + ", and the node has no SFTP to"
                            + " make it: it is a separate copy there"));
                }
            }
            observer.planned(target.display(), unit, new NodePlan(List.of(), List.of()));
            units.add(new UnitWork(unit, source, null, new NodePlan(List.of(), List.of()), plan, null, null, skipped,
                    null));
        }
        observer.nodeDone(target.display(), RunObserver.Phase.LIST, true);
        return new Prepared(target, link, true, List.copyOf(units), null, List.of(), null, warnings, t0);
    }

    NodeState stage(Prepared p) {
        List<StageResult> staged = new ArrayList<>();
        List<String> warnings = new ArrayList<>(p.warnings());
        long bytes = 0;
        String name = p.target().display();
        for (UnitWork u : p.units()) {
            // Stream from the parent so that scp creates the destination directory itself.
            String dest = u.unit().dest();
            int slash = dest.lastIndexOf('/');
            StagePlan plan = u.stagePlan().under(dest.substring(slash + 1),
                    u.source().manifest().get("").orElseThrow().mode());
            ScpStager stager = new ScpStager(p.link().replyTimeout(), request.bwlimit(), cancelled);
            StageResult r;
            try {
                r = stager.stage(p.link().session(), slash == 0 ? "/" : dest.substring(0, slash), plan,
                        NodePhases.progress(observer, name));
            } catch (IOException e) {
                return new Failed(p.target(), Why.ERROR, NodePhases.message(e), warnings, p.startNanos(), null);
            }
            staged.add(r);
            bytes += r.bytes();
            warnings.addAll(r.warnings());
            if (r.error() != null) {
                return new Failed(p.target(), Why.ERROR, r.error(), warnings, p.startNanos(), null);
            }
        }
        return new Staged(p, staged, bytes, warnings);
    }

    /**
     * Nothing left to do on the node but the times SCP could not carry (before 1970), set by the
     * node's shell; the result says what the copy could not do.
     */
    NodeState commit(Staged s) {
        List<NotCarried> notCarried = new ArrayList<>();
        for (int i = 0; i < s.staged().size(); i++) {
            UnitWork u = s.prepared().units().get(i);
            StageResult r = s.staged().get(i);
            r.notCarried().forEach(n -> notCarried.add(new NotCarried(u.onNode(n.path()), n.why())));
            TimeFixes times = new TimeFixes();
            for (Entry e : u.source().manifest().unordered()) {
                if (e.isDir() || (e.isFile() && r.staged().contains(e.path()))) {
                    times.add(e);
                }
            }
            if (!times.isEmpty()) {
                NodeLink link = s.prepared().link();
                times.apply(new ShellBatch(link.session(), u.unit().dest(), link.replyTimeout()))
                        .forEach(n -> notCarried.add(new NotCarried(u.onNode(n.path()), n.why())));
            }
        }
        List<String> errors = new ArrayList<>();
        if (s.prepared().units().stream().anyMatch(u -> u.unit().delete())) {
            errors.add("the node has no SFTP, so files the source lacks could not be deleted there (a full SCP copy"
                    + " cannot delete)");
        }
        if (request.owner() != null) {
            errors.add("the node has no SFTP, so --chown " + request.owner() + " could not be applied");
        }
        int files = s.staged().stream().mapToInt(r -> r.staged().size()).sum();
        return new Committed(s, new CommitResult(files, 0, 0, errors, notCarried), false, null, s.warnings());
    }
}
