package org.tlclb.sync.scan;

import java.util.List;

/** The source manifest and what the scan had to leave out (special files, names it cannot carry). */
public record ScanResult(Manifest manifest, List<String> warnings) {
}
