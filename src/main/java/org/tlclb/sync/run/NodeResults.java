package org.tlclb.sync.run;

import java.util.ArrayList;
import java.util.List;

import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.run.NodeState.Committed;
import org.tlclb.sync.run.NodeState.Failed;
import org.tlclb.sync.run.NodeState.Prepared;
import org.tlclb.sync.run.NodeState.Shared;
import org.tlclb.sync.run.NodeState.Staged;
import org.tlclb.sync.scan.NotCarried;
import org.tlclb.sync.transfer.CommitResult;

/**
 * A node's line of the report, from the state the run left it in: the one place that says what a
 * state means (a plan's counts for a dry run, what the commit really did for a push).
 */
final class NodeResults {
    private static final int MAX_ERRORS = 5;

    private NodeResults() {
    }

    /**
     * @param aborted the run removed what this node staged (all-or-nothing, declined, interrupted)
     * @param check   the run is tlclb check: an entry the plan refuses to change is drift too
     */
    static NodeResult of(NodeState state, boolean aborted, boolean check) {
        String name = state.target().display();
        double secs = (System.nanoTime() - state.startNanos()) / 1e9;
        if (state instanceof Failed f) {
            NodeStatus status = f.why() == NodeState.Why.INTERRUPTED ? NodeStatus.ABORTED : NodeStatus.FAILED;
            return new NodeResult(name, status, 0, 0, 0, 0, 0, secs, f.error(), f.warnings(), null,
                    mode(NodePhases.prepared(f)), null);
        }
        if (state instanceof Shared s) {
            return new NodeResult(name, aborted ? NodeStatus.ABORTED : NodeStatus.OK, 0, 0, 0, 0, 0, secs, null,
                    s.warnings(), null, "sftp", "same storage as " + s.with());
        }
        if (state instanceof Prepared p) {
            if (aborted) {
                return new NodeResult(name, NodeStatus.ABORTED, 0, 0, 0, 0, 0, secs, null, p.warnings(), null,
                        mode(p), note(p));
            }
            long created = 0;
            long updated = 0;
            long deleted = 0;
            long leftovers = 0;
            long bytes = 0;
            List<String> warnings = new ArrayList<>(p.warnings());
            warnings.addAll(followed(p));
            for (UnitWork u : p.units()) {
                warnings.addAll(u.plan().warnings());
                updated += check ? u.plan().warnings().size() : 0;
                bytes += p.fullCopy() ? u.source().manifest().totalBytes() : u.plan().bytesToSend();
                created += p.fullCopy() ? u.stagePlan().items().size() : u.plan().created();
                updated += u.plan().updated();
                deleted += u.plan().deleted();
                leftovers += u.plan().staleTemps().size();
            }
            return new NodeResult(name, NodeStatus.PLANNED, created, updated, deleted, leftovers, bytes, secs, null,
                    warnings, null, mode(p), note(p), missing(p), destinations(p));
        }
        if (state instanceof Staged s) {
            return new NodeResult(name, NodeStatus.ABORTED, 0, 0, 0, 0, 0, secs, null, s.warnings(), null,
                    mode(s.prepared()), note(s.prepared()));
        }
        if (state instanceof NodeState.RolledBack b) {
            Prepared p = b.committed().staged().prepared();
            List<String> warnings = new ArrayList<>(b.warnings());
            if (b.restoreErrors().isEmpty()) {
                return new NodeResult(name, NodeStatus.ROLLED_BACK, 0, 0, 0, 0, b.committed().staged().bytes(), secs,
                        b.why() + "; rolled back: it holds what it had before the run", warnings, b.hook(), mode(p),
                        note(p), List.of(), destinations(p));
            }
            CommitResult r = b.committed().result();
            return new NodeResult(name, NodeStatus.PARTIAL, r.created(), r.updated(), r.deleted(), 0,
                    b.committed().staged().bytes(), secs, b.why() + "; the rollback did not complete: "
                    + summarize(b.restoreErrors()), warnings, b.hook(), mode(p), note(p), List.of(), destinations(p));
        }
        Committed c = (Committed) state;
        CommitResult r = c.result();
        NodeStatus status;
        String error = null;
        if (!r.errors().isEmpty()) {
            status = r.changedAnything() || c.crashed() || c.staged().prepared().fullCopy()
                    ? NodeStatus.PARTIAL : NodeStatus.FAILED;
            error = (status == NodeStatus.FAILED ? "commit failed, nothing changed: " : "commit incomplete: ")
                    + summarize(r.errors());
        } else if (!refusals(c).isEmpty()) {
            status = NodeStatus.PARTIAL;
            error = "left as it is: " + summarize(refusals(c));
        } else if (!missing(c).isEmpty()) {
            status = NodeStatus.PARTIAL;
            List<NotCarried> missing = missing(c);
            error = missing.size() + (missing.size() == 1 ? " entry" : " entries") + " of the source not carried: "
                    + summarize(missing.stream().map(NotCarried::display).toList());
        } else if (c.hook() != null && !c.hook().ok()) {
            status = NodeStatus.HOOK_FAILED;
        } else {
            status = NodeStatus.OK;
        }
        long leftovers = c.staged().prepared().units().stream().mapToLong(u -> u.plan().staleTemps().size()).sum();
        List<String> warnings = new ArrayList<>(followed(c.staged().prepared()));
        warnings.addAll(c.warnings());
        return new NodeResult(name, status, r.created(), r.updated(), r.deleted(), leftovers, c.staged().bytes(), secs,
                error, warnings, c.hook(), mode(c.staged().prepared()), note(c.staged().prepared()),
                missing(c), destinations(c.staged().prepared()));
    }

    /** What the node missed after its commit: what it could not get by its path, and what the commit could not set. */
    private static List<NotCarried> missing(Committed c) {
        List<NotCarried> out = missing(c.staged().prepared());
        out.addAll(c.result().notCarried());
        return out;
    }

    /** A line per destination whose path led through a link: where it really is on this node. */
    private static List<String> followed(Prepared p) {
        return p.units().stream().filter(u -> !u.dest().equals(u.unit().dest()))
                .map(u -> u.unit().dest() + " is " + u.dest() + " on this node (a link owned by root or the login"
                        + " was followed)").toList();
    }

    /** Where the units' destinations are on the node, as resolved. */
    private static List<String> destinations(Prepared p) {
        return p.units().stream().map(UnitWork::dest).toList();
    }

    /** The entries of the source the node does not get, by their paths on the node. */
    private static List<NotCarried> missing(Prepared p) {
        List<NotCarried> out = new ArrayList<>();
        p.units().forEach(u -> out.addAll(u.missing()));
        return out;
    }

    /** What the plans of the node's units refused to change (the node still differs there). */
    private static List<String> refusals(Committed c) {
        List<String> out = new ArrayList<>();
        c.staged().prepared().units().forEach(u -> out.addAll(u.plan().warnings()));
        return out;
    }

    private static String summarize(List<String> errors) {
        List<String> first = new ArrayList<>(errors.subList(0, Math.min(MAX_ERRORS, errors.size())));
        return String.join("; ", first) + (errors.size() > MAX_ERRORS
                ? " (and " + (errors.size() - MAX_ERRORS) + " more)" : "");
    }

    private static String mode(Prepared p) {
        return p == null ? null : p.fullCopy() ? "scp" : "sftp";
    }

    private static String note(Prepared p) {
        return p != null && p.fullCopy() ? FullCopyPath.NOTE : null;
    }
}
