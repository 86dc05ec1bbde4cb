package org.tlclb.sync.run;

import java.util.List;

import org.tlclb.sync.config.MinNodes;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.OwnerSpec;
import org.tlclb.sync.config.Rolling;
import org.tlclb.sync.config.RolloutHooks;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.scan.ExcludeRules;

/**
 * Everything a push (or a check, which is a dry run) needs, resolved from the command line,
 * sync.conf and the defaults.
 *
 * @param mode       push, dry run or check
 * @param minNodes   how many nodes must have staged for the run to commit (all by default;
 *                   --partial-ok is one): the failed ones are then left as they were
 * @param backupKeep backups kept per destination on each node (older ones are removed)
 * @param postSync   command run on each node where something changed, or null
 * @param parallel   nodes worked on at once
 * @param owner      owner and group for what the run writes (--chown), or null
 * @param bwlimit    bytes per second per node (--bwlimit), 0 for no limit
 * @param maxDelete  the most entries a node may lose, deleted or replaced by another type (--max-delete,
 *                   MaxDelete), or null for the built-in guard (half of the node's entries when over 20;
 *                   none from an empty source)
 * @param hardLinks  names of one file in the source are one file on the nodes (rsync -H; on by default)
 * @param rolling    the batch size of a rolling push (--rolling, Rolling), or null: every node commits
 *                   together; a rolling push always keeps backups (its rollback restores them)
 * @param rollout    Drain, Undrain, HealthCheck and their times, for a rolling push
 */
public record SyncRequest(String command, RunMode mode, List<SyncUnit> units, List<NodeTarget> nodes,
                          ExcludeRules excludes, boolean checksum, MinNodes minNodes, boolean backup, int backupKeep,
                          String postSync, int parallel, OwnerSpec owner, long bwlimit, Integer maxDelete,
                          boolean hardLinks, Rolling rolling, RolloutHooks rollout) {

    public SyncRequest {
        units = List.copyOf(units);
        nodes = List.copyOf(nodes);
        rollout = rollout == null ? RolloutHooks.NONE : rollout;
        backup = backup || rolling != null && !mode.readOnly();
    }

    /** A push that is not rolling (every node commits together). */
    public SyncRequest(String command, RunMode mode, List<SyncUnit> units, List<NodeTarget> nodes,
                       ExcludeRules excludes, boolean checksum, MinNodes minNodes, boolean backup, int backupKeep,
                       String postSync, int parallel, OwnerSpec owner, long bwlimit, Integer maxDelete,
                       boolean hardLinks) {
        this(command, mode, units, nodes, excludes, checksum, minNodes, backup, backupKeep, postSync, parallel, owner,
                bwlimit, maxDelete, hardLinks, null, null);
    }

    /** Whether nothing may change anywhere (a dry run or a check). */
    public boolean dryRun() {
        return mode.readOnly();
    }

    /** The same request for other nodes (after ~/.ssh/config resolved them). */
    public SyncRequest withNodes(List<NodeTarget> resolved) {
        return new SyncRequest(command, mode, units, resolved, excludes, checksum, minNodes, backup, backupKeep,
                postSync, parallel, owner, bwlimit, maxDelete, hardLinks, rolling, rollout);
    }
}
