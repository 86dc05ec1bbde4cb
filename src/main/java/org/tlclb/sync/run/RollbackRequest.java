package org.tlclb.sync.run;

import java.util.List;

import org.tlclb.sync.config.NodeTarget;

/**
 * What tlclb rollback is asked to do.
 *
 * @param dests   the destinations whose backups are used
 * @param runId   the run to put back (a name from the nodes' backup lists), or null for each node's newest
 * @param dryRun  list what would be restored, change nothing
 */
public record RollbackRequest(List<NodeTarget> nodes, List<String> dests, String runId, boolean dryRun, int parallel) {

    public RollbackRequest {
        nodes = List.copyOf(nodes);
        dests = List.copyOf(dests);
    }
}
