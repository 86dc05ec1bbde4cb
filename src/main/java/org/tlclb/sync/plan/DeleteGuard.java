package org.tlclb.sync.plan;

import java.util.Optional;

import org.tlclb.sync.scan.Manifest;

/**
 * rsync's --max-delete, with a default that catches the classic accident (an empty or unmounted
 * source with delete on): a node may lose at most {@code max} entries when a limit is set (every
 * entry the plan takes off the node counts, {@link NodePlan#removed()}: a directory a file or a
 * link replaces goes with all it holds);
 * without one, not more than half of its files when that is over {@link #FREE}, and nothing when
 * the source is empty. Decided per node, before anything is staged.
 */
public final class DeleteGuard {
    /** Deletes up to this many are never refused by the default rule. */
    public static final int FREE = 20;

    private DeleteGuard() {
    }

    /**
     * Why the plan must not run on this node, or empty when it may.
     *
     * @param max --max-delete / MaxDelete, or null for the default rule
     */
    public static Optional<String> refusal(NodePlan plan, Manifest source, Manifest node, Integer max) {
        long deletes = plan.removed();
        if (deletes == 0) {
            return Optional.empty();
        }
        String allow = "; to allow it, run with --max-delete " + deletes + " (or set MaxDelete)";
        String entries = entries(deletes, plan.removedByTypeChanges());
        if (max != null) {
            return deletes > max ? Optional.of("would delete " + entries + ", more than --max-delete " + max
                    + allow) : Optional.empty();
        }
        boolean emptySource = source.size() <= 1; // the root alone
        if (emptySource) {
            return Optional.of("the source is empty (or not mounted) and the node would lose all " + deletes
                    + " of its entries" + allow);
        }
        long nodeEntries = Math.max(0, node.size() - 1);
        if (deletes > FREE && deletes * 2 > nodeEntries) {
            return Optional.of("would delete " + deletes + " of the node's " + nodeEntries + " entries (more than half"
                    + typeChanges(plan.removedByTypeChanges()) + ")" + allow);
        }
        return Optional.empty();
    }

    private static String entries(long n, long forTypes) {
        String s = n + (n == 1 ? " entry" : " entries");
        return forTypes == 0 ? s : s + " (" + forTypes + " of them to put another type of entry in their place)";
    }

    private static String typeChanges(long forTypes) {
        return forTypes == 0 ? "" : "; " + forTypes + " of them to put another type of entry in their place";
    }
}
