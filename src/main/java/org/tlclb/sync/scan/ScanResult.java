package org.tlclb.sync.scan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /** Whether an entry has a name that is not UTF-8 ({@link RawNames}): only some servers take it. */
    public boolean hasRawNames() {
        return manifest.unordered().stream().anyMatch(e -> raw(e.path()));
    }

    /**
     * The source for a node whose server takes UTF-8 names only: the entries whose name is not
     * UTF-8 (and what is under them) left out, each top one named as not carried; nothing is
     * deleted on that node then, as for any entry the node cannot be given.
     */
    public ScanResult withoutRawNames() {
        Map<String, Entry> kept = new HashMap<>();
        List<NotCarried> left = new ArrayList<>(notCarried);
        for (Entry e : manifest.unordered()) {
            if (!raw(e.path())) {
                kept.put(e.path(), e);
            } else if (!raw(Entry.parentOf(e.path()))) {
                left.add(new NotCarried(e.path(), "the name is not valid UTF-8, and the node's server takes UTF-8"
                        + " names only"));
            }
        }
        Map<String, String> leaders = new HashMap<>();
        links.leaderOf().forEach((name, leader) -> {
            if (!raw(name) && !raw(leader)) {
                leaders.put(name, leader);
            }
        });
        return new ScanResult(new Manifest(kept), warnings, true, left, new HardLinks(leaders));
    }

    private static boolean raw(String path) {
        return path != null && path.chars().anyMatch(RawNames::escaped);
    }
}
