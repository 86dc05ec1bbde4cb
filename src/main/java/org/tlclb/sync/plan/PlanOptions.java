package org.tlclb.sync.plan;

import java.util.Map;
import java.util.Set;

import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.scan.HardLinks;

/**
 * What the planner needs to know beyond the two manifests.
 *
 * @param delete     remove node entries the source lacks
 * @param checksum   compare content hashes instead of size and mtime
 * @param rootAttrs  set the destination root's own mode and mtime (off for units of single files)
 * @param excludes   node entries these match are neither compared nor deleted
 * @param links      the source's files with several names, to be hard links on the node (NONE: each
 *                   name is a file of its own, as without rsync's -H)
 * @param sameFile   for those names the node has: the lowest of the names that are one file with it
 *                   on the node (see {@code NodeFacts}); a name absent is linked anew
 * @param linkTimes  the node can set a symlink's own time, so it is compared (elsewhere it is not)
 * @param openDirs   the node's directories others than root and the login may change: a file there
 *                   whose attributes differ is sent again rather than changed in place, since setting
 *                   attributes on a name someone may swap for a link at any moment could reach
 *                   what the link points to
 */
public record PlanOptions(boolean delete, boolean checksum, boolean rootAttrs, ExcludeRules excludes,
                          HardLinks links, Map<String, String> sameFile, boolean linkTimes, Set<String> openDirs) {

    public PlanOptions {
        sameFile = Map.copyOf(sameFile);
        openDirs = Set.copyOf(openDirs);
    }

    public PlanOptions(boolean delete, boolean checksum, boolean rootAttrs, ExcludeRules excludes,
                       HardLinks links, Map<String, String> sameFile, boolean linkTimes) {
        this(delete, checksum, rootAttrs, excludes, links, sameFile, linkTimes, Set.of());
    }

    public PlanOptions(boolean delete, boolean checksum, boolean rootAttrs, ExcludeRules excludes) {
        this(delete, checksum, rootAttrs, excludes, HardLinks.NONE, Map.of(), false, Set.of());
    }

    /** Whether the node's {@code name} is the same file as its {@code leader} there. */
    public boolean linkedOnNode(String name, String leader) {
        String a = sameFile.get(name);
        return a != null && a.equals(sameFile.get(leader));
    }
}
