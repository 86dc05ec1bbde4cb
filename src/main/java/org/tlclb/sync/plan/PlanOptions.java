package org.tlclb.sync.plan;

import java.util.Set;

import org.tlclb.sync.scan.ExcludeRules;

/**
 * What the planner needs to know beyond the two manifests.
 *
 * @param delete     remove node entries the source lacks
 * @param checksum   compare content hashes instead of size and mtime
 * @param rootAttrs  set the destination root's own mode and mtime (off for units of single files)
 * @param excludes   node entries these match are neither compared nor deleted
 * @param leaveAlone source paths that cannot be sent (e.g. an mtime before 1970): neither sent
 *                   nor deleted on the node
 */
public record PlanOptions(boolean delete, boolean checksum, boolean rootAttrs, ExcludeRules excludes,
                          Set<String> leaveAlone) {

    public PlanOptions {
        leaveAlone = Set.copyOf(leaveAlone);
    }

    public PlanOptions(boolean delete, boolean checksum, boolean rootAttrs, ExcludeRules excludes) {
        this(delete, checksum, rootAttrs, excludes, Set.of());
    }
}
