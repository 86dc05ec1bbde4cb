package org.tlclb.sync.run;

import java.util.ArrayList;
import java.util.List;

import org.tlclb.sync.plan.DeleteGuard;
import org.tlclb.sync.run.NodeState.Failed;
import org.tlclb.sync.run.NodeState.Prepared;
import org.tlclb.sync.run.NodeState.Why;

/**
 * What a run decides once every node is prepared and before anything is staged: whether a
 * node's deletes pass the guard, and the totals the question before the push shows.
 */
final class BeforeStaging {
    private BeforeStaging() {
    }

    /** The delete guard, per node, before anything is staged: a refused node fails the whole run (exit 2). */
    static List<NodeState> guardDeletes(List<NodeState> states, SyncRequest req) {
        List<NodeState> out = new ArrayList<>();
        for (NodeState s : states) {
            NodeState next = s;
            if (s instanceof Prepared p && !p.fullCopy()) {
                for (UnitWork u : p.units()) {
                    String why = DeleteGuard.refusal(u.plan(), u.source().manifest(), u.inventory().manifest(),
                            req.maxDelete()).orElse(null);
                    if (why != null) {
                        next = new Failed(p.target(), Why.REFUSED, "refused: " + u.unit().dest() + " " + why,
                                p.warnings(), p.startNanos(), p);
                        break;
                    }
                }
            }
            out.add(next);
        }
        return out;
    }

    static RunObserver.PlanSummary summary(List<NodeState> states, SyncRequest req) {
        long created = 0;
        long updated = 0;
        long deleted = 0;
        long bytes = 0;
        long files = 0;
        List<String> changing = new ArrayList<>();
        for (NodeState s : states) {
            if (!(s instanceof Prepared p)) {
                continue;
            }
            if (p.hasChanges()) {
                changing.add(p.target().display());
            }
            for (UnitWork u : p.units()) {
                created += u.plan().created();
                updated += u.plan().updated();
                deleted += u.plan().deleted();
                bytes += p.fullCopy() ? u.source().manifest().totalBytes() : u.plan().bytesToSend();
                files += u.stagePlan().items().size();
            }
        }
        List<String> dests = req.units().stream().map(SyncUnit::label).toList();
        return new RunObserver.PlanSummary(states.size(), changing, dests, created, updated, deleted, bytes, files);
    }

}
