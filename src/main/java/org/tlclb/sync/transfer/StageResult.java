package org.tlclb.sync.transfer;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tlclb.sync.scan.NotCarried;

/**
 * What staging left on a node.
 *
 * @param staged      the files fully written
 * @param createdDirs directories the stream created
 * @param warnings    files skipped (vanished before they were sent, unreadable)
 * @param bytes       payload bytes sent
 * @param written     every item whose file was started, complete or not (for discard)
 * @param error       why the stream failed, or null when it completed
 * @param subtrees    temporary path of each new subtree the stream created -> its real path
 * @param notCarried  files of the plan never staged whole: they changed (or failed) each time they
 *                    were sent ({@link SendAgain}); by their paths in the source
 */
public record StageResult(StagedFiles staged, Set<String> createdDirs, List<String> warnings, long bytes,
                          List<StageItem> written, String error, Map<String, String> subtrees,
                          List<NotCarried> notCarried) {

    public StageResult {
        notCarried = List.copyOf(notCarried);
    }

    /** The directories the stream created, by the paths they have once the subtrees are renamed. */
    public Set<String> createdRealDirs() {
        Set<String> real = new HashSet<>();
        for (String d : createdDirs) {
            real.add(realPath(d));
        }
        return real;
    }

    /** A staged path as it will be after the commit renames the new subtrees into place. */
    public String realPath(String staged) {
        for (Map.Entry<String, String> s : subtrees.entrySet()) {
            String temp = s.getKey();
            if (staged.equals(temp)) {
                return s.getValue();
            }
            if (staged.startsWith(temp) && staged.charAt(temp.length()) == '/') {
                return s.getValue() + staged.substring(temp.length());
            }
        }
        return staged;
    }

    /** Temporary paths written but not to be committed (the source changed while it was read). */
    public List<String> abandoned() {
        return written.stream().filter(i -> staged.get(i.target()) != i).map(StageItem::tempPath).toList();
    }
}
