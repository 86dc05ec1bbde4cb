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
 * @param abandoned   temporary paths (relative) written but not to be committed (the source changed
 *                    while it was read): removed at commit and at discard
 */
public record StageResult(Map<String, String> staged, Set<String> createdDirs, List<String> warnings, long bytes,
                          List<String> abandoned) {
    public StageResult(Map<String, String> staged, Set<String> createdDirs, List<String> warnings, long bytes) {
        this(staged, createdDirs, warnings, bytes, List.of());
    }
}
