package org.tlclb.sync.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.tlclb.sync.inventory.NodeInventory;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.transfer.SmallFiles;
import org.tlclb.sync.transfer.StagePlan;

/**
 * One plan for every node whose tree is the same: the usual cluster (all nodes in step, or all
 * empty on a first push) then holds one node plan and one stage plan instead of one per node
 * (32 nodes with 20,000 new files each: 1.3 million objects fewer), and one node listing. The
 * nodes of such a group share the staging names too; they are random for each run all the same.
 */
final class PlanCache {
    /** A plan and the nodes it was handed to; those nodes read its small files once (SmallFiles). */
    static final class Planned {
        private final NodeInventory inventory;
        private final NodePlan plan;
        private final StagePlan stagePlan;
        private int users;
        private SmallFiles files;

        Planned(NodeInventory inventory, NodePlan plan, StagePlan stagePlan) {
            this.inventory = inventory;
            this.plan = plan;
            this.stagePlan = stagePlan;
        }

        NodeInventory inventory() {
            return inventory;
        }

        NodePlan plan() {
            return plan;
        }

        StagePlan stagePlan() {
            return stagePlan;
        }

        /** Shared small-file contents for staging; call after every node was planned. */
        synchronized SmallFiles smallFiles() {
            if (files == null) {
                files = new SmallFiles(users);
            }
            return users > 1 ? files : null;
        }
    }

    private record Key(int unit, int hash) {
    }

    private final Map<Key, List<Planned>> byKey = new HashMap<>();

    interface Planner {
        Planned plan(NodeInventory inventory);
    }

    /** The plan made for an equal inventory of the same unit, or a new one from {@code planner}. */
    Planned planFor(int unit, NodeInventory inventory, Planner planner) {
        Key key = new Key(unit, inventory.hashCode());
        Planned known = claim(key, inventory);
        if (known != null) {
            return known;
        }
        Planned made = planner.plan(inventory);
        synchronized (this) {
            known = claim(key, inventory); // another node with the same tree may have got there first
            if (known != null) {
                return known;
            }
            made.users = 1;
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(made);
        }
        return made;
    }

    /** The plan for an equal inventory, counted as one more user, or null. */
    private synchronized Planned claim(Key key, NodeInventory inventory) {
        for (Planned p : byKey.getOrDefault(key, List.of())) {
            if (p.inventory().equals(inventory)) {
                p.users++;
                return p;
            }
        }
        return null;
    }
}
