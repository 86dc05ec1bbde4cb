package org.tlclb.sync.transfer;

/**
 * One send of a node's staging: a whole file of the plan, or a part of a large one. A part is
 * written under a temporary name of its own beside where the file is staged, and the parts are
 * joined into the file's staging name on the node once every channel is done ({@link PartJoin}).
 *
 * @param index   the file's index in the plan's items
 * @param offset  where the part starts in the source file (0 for a whole file)
 * @param length  the part's bytes, or -1 for the whole file
 * @param written what this send writes: the plan's item itself, or the part's own temporary name
 */
record Piece(int index, long offset, long length, StageItem written) {

    boolean isPart() {
        return length >= 0;
    }
}
