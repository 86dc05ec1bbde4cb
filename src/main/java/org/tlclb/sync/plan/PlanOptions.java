package org.tlclb.sync.plan;

import org.tlclb.sync.scan.ExcludeRules;

/**
 * What the planner needs to know beyond the two manifests.
 *
 * @param delete    remove node entries the source lacks
 * @param checksum  compare content hashes instead of size and mtime
 * @param rootAttrs set the destination root's own mode and mtime (off for units of single files)
 * @param excludes  node entries these match are neither compared nor deleted
 */
public record PlanOptions(boolean delete, boolean checksum, boolean rootAttrs, ExcludeRules excludes) {
}
