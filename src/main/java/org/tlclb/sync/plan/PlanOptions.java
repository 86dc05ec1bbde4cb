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
 * @param openDirs   the node's directories others than root and the login may change: a file there
 *                   whose attributes differ is sent again rather than changed in place, since setting
 *                   attributes on a name someone may swap for a link at any moment could reach
 *                   what the link points to
 */
public record PlanOptions(boolean delete, boolean checksum, boolean rootAttrs, ExcludeRules excludes,
                          Set<String> leaveAlone, Set<String> openDirs) {

    public PlanOptions {
        leaveAlone = Set.copyOf(leaveAlone);
        openDirs = Set.copyOf(openDirs);
    }

    public PlanOptions(boolean delete, boolean checksum, boolean rootAttrs, ExcludeRules excludes,
                       Set<String> leaveAlone) {
        this(delete, checksum, rootAttrs, excludes, leaveAlone, Set.of());
    }

    public PlanOptions(boolean delete, boolean checksum, boolean rootAttrs, ExcludeRules excludes) {
        this(delete, checksum, rootAttrs, excludes, Set.of(), Set.of());
    }
}
