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
 * @param facts         what the node told beyond the listing (hard links, what its SFTP server can set)
 * @param openDirs      directories whose entries a node user other than root and the login may
 *                      change (the directory is theirs or they may write it, or one above it is:
 *                      {@link org.tlclb.sync.remote.Trust}), relative ("" for the destination itself)
 */
public record NodeInventory(Manifest manifest, List<String> staleTemps, boolean rootExists, Set<String> holdsExcluded,
                            NodeFacts facts, Set<String> openDirs) {

    public NodeInventory {
        staleTemps = List.copyOf(staleTemps);
        holdsExcluded = Set.copyOf(holdsExcluded);
        openDirs = Set.copyOf(openDirs);
    }

    public NodeInventory(Manifest manifest, List<String> staleTemps, boolean rootExists, Set<String> holdsExcluded) {
        this(manifest, staleTemps, rootExists, holdsExcluded, NodeFacts.NONE, Set.of());
    }

    public NodeInventory(Manifest manifest, List<String> staleTemps, boolean rootExists) {
        this(manifest, staleTemps, rootExists, Set.of());
    }

    /** The same listing, with other entries and facts (the node's true times, its hard links). */
    public NodeInventory with(Manifest entries, NodeFacts nodeFacts) {
        return new NodeInventory(entries, staleTemps, rootExists, holdsExcluded, nodeFacts, openDirs);
    }

    /** The same tree with other entries (hashes added for --checksum). */
    public NodeInventory withManifest(Manifest m) {
        return new NodeInventory(m, staleTemps, rootExists, holdsExcluded, facts, openDirs);
    }
}
