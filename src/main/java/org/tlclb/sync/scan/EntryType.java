package org.tlclb.sync.scan;

/** The kinds of tree entries that are synchronized; special files never make it into a manifest. */
public enum EntryType {
    FILE, DIR, SYMLINK
}
