package org.tlclb.sync.remote;

/**
 * What lstat says of one path on a node: enough to tell who may change it.
 *
 * @param kind what the path is (a symlink is never followed)
 * @param uid  the owner's uid (-1 when missing)
 * @param mode the permission bits (07777), 0 when missing
 */
public record NodeStat(Kind kind, int uid, int mode) {
    /** The kinds the destination walk tells apart. */
    public enum Kind {
        DIR, LINK, OTHER, MISSING
    }

    public static final NodeStat MISSING = new NodeStat(Kind.MISSING, -1, 0);

    public boolean isDir() {
        return kind == Kind.DIR;
    }

    public boolean isLink() {
        return kind == Kind.LINK;
    }
}
