package org.tlclb.sync.report;

import java.util.List;

/**
 * One node's line of the report.
 *
 * @param mode how the node was synced: "sftp" (incremental, atomic) or "scp" (full copy: the node has no SFTP)
 */
public record NodeResult(String node, NodeStatus status, long created, long updated, long deleted, long bytes,
                         double seconds, String error, List<String> warnings, HookResult hook, String mode) {

    public static NodeResult skipped(String node, String why) {
        return new NodeResult(node, NodeStatus.SKIPPED, 0, 0, 0, 0, 0, why, List.of(), null, null);
    }

    public long changes() {
        return created + updated + deleted;
    }
}
