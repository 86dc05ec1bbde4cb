package org.tlclb.sync.scan;

import java.util.List;

/**
 * The source manifest and what the scan had to leave out (special files, names it cannot carry).
 *
 * @param ioErrors some part of the source could not be read: its absence from the manifest says
 *                 nothing, so the run must not delete anything on the nodes (as rsync does)
 */
public record ScanResult(Manifest manifest, List<String> warnings, boolean ioErrors) {
}
