package org.tlclb.sync.scan;

import java.util.List;
import java.util.Set;

/**
 * The source manifest and what the scan had to leave out (special files, names it cannot carry).
 *
 * @param ioErrors   some part of the source could not be read: its absence from the manifest says
 *                   nothing, so the run must not delete anything on the nodes (as rsync does)
 * @param leaveAlone paths the source has but no protocol of ours can carry (an mtime before 1970):
 *                   the nodes' copies are left as they are
 * @param notCarried entries of the source the scan could not take into the manifest (a name it
 *                   cannot read back, a file it cannot read): no node gets them, so none is in sync
 */
public record ScanResult(Manifest manifest, List<String> warnings, boolean ioErrors, Set<String> leaveAlone,
                         List<NotCarried> notCarried) {

    public ScanResult {
        warnings = List.copyOf(warnings);
        leaveAlone = Set.copyOf(leaveAlone);
        notCarried = List.copyOf(notCarried);
    }

    public ScanResult(Manifest manifest, List<String> warnings, boolean ioErrors) {
        this(manifest, warnings, ioErrors, Set.of(), List.of());
    }
}
