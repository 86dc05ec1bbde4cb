package org.tlclb.sync.transfer;

/**
 * One send of a node's staging: a whole file of the plan, or a part of a large one. The first part
 * is written under the file's own staging name, the others under temporary names of their own
 * beside it, and joined onto the first on the node once every channel is done ({@link PartJoin}).
 *
 * @param index   the file's index in the plan's items
 * @param offset  where the part starts in the source file (0 for a whole file)
 * @param length  the part's bytes, or -1 for the whole file
 * @param written what this send writes: the plan's item itself (a whole file, or the first part),
 *                or a later part's own temporary name
 */
record Piece(int index, long offset, long length, StageItem written) {

    boolean isPart() {
        return length >= 0;
    }

    /** A part after the first: written apart, joined onto the first, then removed. */
    boolean isLaterPart() {
        return isPart() && offset > 0;
    }
}
