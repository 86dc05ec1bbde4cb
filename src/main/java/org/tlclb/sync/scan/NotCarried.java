package org.tlclb.sync.scan;

/**
 * An entry of the source that a run could not put on a node, and why (a name the scan could not
 * read back, a file that never held still while it was sent, a time no protocol could carry...).
 * A node that misses one is not in sync: the run reports it partial (exit 1) and names the entry,
 * as rsync's exit 23 and 24 do, and the next run tries it again.
 *
 * @param path the entry's relative path in the source ("" for the root)
 * @param why  what stopped it, for the report
 */
public record NotCarried(String path, String why) {

    /** One line of a report: the printable path, then why. */
    public String display() {
        return Names.printable(path.isEmpty() ? "." : path) + ": " + why;
    }
}
