package org.tlclb.sync.inventory;

import java.util.List;
import java.util.Set;

import org.tlclb.sync.scan.Manifest;

/**
 * A node's destination tree as read over SFTP.
 *
 * @param manifest      the entries, relative to the destination root (empty when the root is missing)
 * @param staleTemps    relative paths of temporary files left by interrupted runs (directories, the
 *                      temporary roots of new subtrees, end with '/')
 * @param rootExists    whether the destination directory exists yet
 * @param holdsExcluded directories that hold entries the excludes hide from the manifest
 */
public record NodeInventory(Manifest manifest, List<String> staleTemps, boolean rootExists, Set<String> holdsExcluded) {

    public NodeInventory {
        staleTemps = List.copyOf(staleTemps);
        holdsExcluded = Set.copyOf(holdsExcluded);
    }

    public NodeInventory(Manifest manifest, List<String> staleTemps, boolean rootExists) {
        this(manifest, staleTemps, rootExists, Set.of());
    }
}
