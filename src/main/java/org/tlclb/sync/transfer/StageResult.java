package org.tlclb.sync.transfer;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What staging left on a node.
 *
 * @param staged      target path -> temporary path (relative) of each file fully written
 * @param createdDirs directories the stream created
 * @param warnings    files skipped (vanished, changed while read)
 * @param bytes       payload bytes sent
 * @param written     every temporary path a file was started under, complete or not (for discard)
 * @param error       why the stream failed, or null when it completed
 */
public record StageResult(Map<String, String> staged, Set<String> createdDirs, List<String> warnings, long bytes,
                          List<String> written, String error) {

    /** Temporary files written but not to be committed (the source changed while it was read). */
    public List<String> abandoned() {
        java.util.Set<String> good = new java.util.HashSet<>(staged.values());
        return written.stream().filter(t -> !good.contains(t)).toList();
    }
}
