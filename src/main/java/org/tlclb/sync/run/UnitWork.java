package org.tlclb.sync.run;

import java.util.List;
import java.util.stream.Stream;

import org.tlclb.sync.inventory.NodeInventory;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.remote.NodePaths;
import org.tlclb.sync.scan.NotCarried;
import org.tlclb.sync.scan.ScanResult;
import org.tlclb.sync.transfer.ScpStager;
import org.tlclb.sync.transfer.SmallFiles;
import org.tlclb.sync.transfer.StagePlan;

/**
 * One unit of the run on one node, once it is planned.
 *
 * @param inventory the node's tree (null on a node without SFTP, which gets a full copy)
 * @param plan      what differs (empty on a node without SFTP)
 * @param stagePlan what to stream, and where
 * @param planned   the plan as shared with the nodes whose tree is the same (null for a full copy)
 * @param scp       the node's scp sink, opened ahead while the other nodes plan, or null
 * @param notCarried entries of the source this node cannot get by its path (beyond what the scan left
 *                   out), relative to the unit's source
 * @param paths     how the node's entries are reached ({@link NodePaths}: the resolved destination,
 *                  the directories others may change); null for a full copy
 */
record UnitWork(SyncUnit unit, ScanResult source, NodeInventory inventory, NodePlan plan, StagePlan stagePlan,
                PlanCache.Planned planned, ScpStager.Opening scp, List<NotCarried> notCarried, NodePaths paths) {

    UnitWork {
        notCarried = List.copyOf(notCarried);
    }

    /** The destination on the node: as the walk resolved it (as typed for a full copy). */
    String dest() {
        return paths == null ? unit.dest() : paths.root();
    }

    /** What this node misses of the unit's source, by the paths it has on the node. */
    List<NotCarried> missing() {
        return Stream.concat(source.notCarried().stream(), notCarried.stream())
                .map(n -> new NotCarried(onNode(n.path()), n.why())).toList();
    }

    /** A path relative to the unit's source, as it is on the node. */
    String onNode(String rel) {
        return rel.isEmpty() ? dest() : dest() + "/" + rel;
    }

    /** Small files read once for the nodes that stream the same plan, or null; ask once every node is planned. */
    SmallFiles shared() {
        return planned == null ? null : planned.smallFiles();
    }
}
