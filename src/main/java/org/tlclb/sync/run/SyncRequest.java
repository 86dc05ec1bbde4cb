package org.tlclb.sync.run;

import java.time.Duration;
import java.util.List;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.scan.ExcludeRules;

/**
 * Everything a run needs, resolved from the command line, sync.conf and the defaults.
 *
 * @param partialOk   commit on the nodes that staged even when others failed
 * @param backupKeep  backups kept per destination on each node (older ones are removed)
 * @param postSync    command run on each node where something changed, or null
 * @param uid         owner for what the run writes (--chown), or -1
 * @param bwlimit     bytes per second per node (--bwlimit), 0 for no limit
 */
public record SyncRequest(String command, List<SyncUnit> units, List<NodeTarget> nodes, ExcludeRules excludes,
                          boolean checksum, boolean dryRun, boolean partialOk, boolean backup, int backupKeep,
                          String postSync, Duration hookTimeout, int parallel, int uid, int gid,
                          long bwlimit) {
}
