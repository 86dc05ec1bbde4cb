package org.tlclb.sync.inventory;

import java.util.Map;

/**
 * What a node tells beyond its SFTP listing, which the plan depends on (so two nodes share a plan
 * only when these are equal too).
 *
 * @param sameFile  for each of the source's names of a file with several names that the node has as
 *                  a file: the lowest of those names that is the same file on the node (so names
 *                  linked together map to one name); empty when not looked at
 * @param hardLinks names of one file are made hard links on this node (the run keeps them, the source has
 *                  some, and the node's SFTP server has hardlink@openssh.com)
 * @param linkTimes the node can set a symlink's own time (lsetstat@openssh.com), so those times are compared
 */
public record NodeFacts(Map<String, String> sameFile, boolean hardLinks, boolean linkTimes) {
    public static final NodeFacts NONE = new NodeFacts(Map.of(), false, false);

    public NodeFacts {
        sameFile = Map.copyOf(sameFile);
    }

    public NodeFacts withSameFile(Map<String, String> same) {
        return new NodeFacts(same, hardLinks, linkTimes);
    }
}
