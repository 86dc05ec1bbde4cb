package org.tlclb.sync.transfer;

/**
 * What staging reports as it goes: payload bytes as they are written to a channel, and a file
 * once all of it is (a large file sent in parts counts when its first part is written). Called
 * from the node's staging threads.
 */
@FunctionalInterface
public interface StageProgress {
    /** {@code n} more payload bytes were written. */
    void bytes(long n);

    /** One more file was written whole (or the first part of a large one). */
    default void file() {
    }
}
