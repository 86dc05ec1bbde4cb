package org.tlclb.sync.transfer;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What staging left on a node.
 *
 * @param staged      target path -> item of each file fully written
 * @param createdDirs directories the stream created
 * @param warnings    files skipped (vanished, changed while read)
 * @param bytes       payload bytes sent
 * @param written     every item whose file was started, complete or not (for discard)
 * @param error       why the stream failed, or null when it completed
 */
public record StageResult(Map<String, StageItem> staged, Set<String> createdDirs, List<String> warnings, long bytes,
                          List<StageItem> written, String error) {

    /** Temporary paths written but not to be committed (the source changed while it was read). */
    public List<String> abandoned() {
        return written.stream().filter(i -> staged.get(i.target()) != i).map(StageItem::tempPath).toList();
    }
}
