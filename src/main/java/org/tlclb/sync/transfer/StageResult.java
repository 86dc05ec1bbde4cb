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
 */
public record StageResult(Map<String, String> staged, Set<String> createdDirs, List<String> warnings, long bytes) {
}
