package org.tlclb.sync.scan;

import java.util.List;

/**
 * The source manifest and what the scan had to leave out (special files, names it cannot carry).
 *
 * @param ioErrors   some part of the source could not be read: its absence from the manifest says
 *                   nothing, so the run must not delete anything on the nodes (as rsync does)
 * @param notCarried entries of the source the scan could not take into the manifest (a name it
 *                   cannot read back, a file it cannot read): no node gets them, so none is in sync
 * @param links      the files with several names in the tree
 */
public record ScanResult(Manifest manifest, List<String> warnings, boolean ioErrors, List<NotCarried> notCarried,
                         HardLinks links) {

    public ScanResult {
        warnings = List.copyOf(warnings);
        notCarried = List.copyOf(notCarried);
    }

    public ScanResult(Manifest manifest, List<String> warnings, boolean ioErrors) {
        this(manifest, warnings, ioErrors, List.of(), HardLinks.NONE);
    }
}
