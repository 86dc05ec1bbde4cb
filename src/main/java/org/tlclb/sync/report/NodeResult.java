package org.tlclb.sync.report;

import java.util.List;

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
 */
public record NodeResult(String node, NodeStatus status, long created, long updated, long deleted, long leftovers,
                         long bytes, double seconds, String error, List<String> warnings, HookResult hook,
                         String mode, String note) {

    public NodeResult {
        warnings = List.copyOf(warnings);
    }

    public static NodeResult skipped(String node, String why) {
        return new NodeResult(node, NodeStatus.SKIPPED, 0, 0, 0, 0, 0, 0, why, List.of(), null, null, null);
    }

    public long changes() {
        return created + updated + deleted;
    }

    /** Nothing to change and nothing left over: what check calls "in sync". */
    public boolean inSync() {
        return changes() == 0 && leftovers == 0;
    }
}
