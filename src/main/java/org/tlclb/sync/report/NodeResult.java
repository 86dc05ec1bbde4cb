package org.tlclb.sync.report;

import java.util.List;

import org.tlclb.sync.scan.NotCarried;

/**
 * One node's line of the report.
 *
 * @param created   entries created (or, in a plan, to create)
 * @param updated   entries updated or fixed in place
 * @param deleted   entries deleted
 * @param leftovers temporary files of interrupted runs found (removed by a push; drift for check)
 * @param mode      how the node was synced: "sftp" (incremental, atomic) or "scp" (full copy: the
 *                  node has no SFTP), or null when it was not reached
 * @param note      what the report adds after the counts (e.g. "same storage as node1"), or null
 * @param notCarried entries of the source the node did not get, and why: a node that misses one is
 *                   not in sync (PARTIAL after a push, drift for check)
 * @param destinations where the run's destinations are on this node, resolved once at its start
 *                   (a root-owned link such as {@code live -> releases/42} followed); empty when
 *                   the node was not reached that far
 * @param rollout   where a rolling push left the node (its batch, committed / rolled back /
 *                  untouched), or null when the push was not rolling
 */
public record NodeResult(String node, NodeStatus status, long created, long updated, long deleted, long leftovers,
                         long bytes, double seconds, String error, List<String> warnings, HookResult hook,
                         String mode, String note, List<NotCarried> notCarried, List<String> destinations,
                         RolloutStanding rollout) {

    public NodeResult {
        warnings = List.copyOf(warnings);
        notCarried = List.copyOf(notCarried);
        destinations = List.copyOf(destinations);
    }

    public NodeResult(String node, NodeStatus status, long created, long updated, long deleted, long leftovers,
                      long bytes, double seconds, String error, List<String> warnings, HookResult hook, String mode,
                      String note, List<NotCarried> notCarried, List<String> destinations) {
        this(node, status, created, updated, deleted, leftovers, bytes, seconds, error, warnings, hook, mode, note,
                notCarried, destinations, null);
    }

    public NodeResult(String node, NodeStatus status, long created, long updated, long deleted, long leftovers,
                      long bytes, double seconds, String error, List<String> warnings, HookResult hook, String mode,
                      String note, List<NotCarried> notCarried) {
        this(node, status, created, updated, deleted, leftovers, bytes, seconds, error, warnings, hook, mode, note,
                notCarried, List.of());
    }

    /** A node of which every entry was carried (or that was not worked on). */
    public NodeResult(String node, NodeStatus status, long created, long updated, long deleted, long leftovers,
                      long bytes, double seconds, String error, List<String> warnings, HookResult hook, String mode,
                      String note) {
        this(node, status, created, updated, deleted, leftovers, bytes, seconds, error, warnings, hook, mode, note,
                List.of(), List.of());
    }

    /** The same line with where a rolling push left the node. */
    public NodeResult withRollout(RolloutStanding r) {
        return new NodeResult(node, status, created, updated, deleted, leftovers, bytes, seconds, error, warnings, hook,
                mode, note, notCarried, destinations, r);
    }

    public static NodeResult skipped(String node, String why) {
        return new NodeResult(node, NodeStatus.SKIPPED, 0, 0, 0, 0, 0, 0, why, List.of(), null, null, null);
    }

    public long changes() {
        return created + updated + deleted;
    }

    /** Nothing to change, nothing left over and nothing the run cannot carry: what check calls "in sync". */
    public boolean inSync() {
        return changes() == 0 && leftovers == 0 && notCarried.isEmpty();
    }
}
