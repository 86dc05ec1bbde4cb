package org.tlclb.sync.scan;

/**
 * One entry of a tree, relative to the tree's root.
 *
 * @param path       relative path with '/' separators; "" is the root directory itself
 * @param type       file, directory or symlink
 * @param size       size in bytes (files only, 0 otherwise)
 * @param mtime      modification time in whole seconds since the epoch, floored (before 1970 negative, after
 *                   2106 beyond 32 bits: every time a filesystem holds); sub-second parts are not compared
 * @param mode       permission bits, 07777 at most
 * @param linkTarget the symlink's target as stored, or null
 * @param sha256     lowercase hex SHA-256 of the content when known, or null
 */
public record Entry(String path, EntryType type, long size, long mtime, int mode, String linkTarget, String sha256) {

    public static Entry file(String path, long size, long mtime, int mode) {
        return new Entry(path, EntryType.FILE, size, mtime, mode, null, null);
    }

    public static Entry dir(String path, long mtime, int mode) {
        return new Entry(path, EntryType.DIR, 0, mtime, mode, null, null);
    }

    public static Entry symlink(String path, String target) {
        return symlink(path, target, 0);
    }

    /** A symlink with its own (lstat) modification time. */
    public static Entry symlink(String path, String target, long mtime) {
        return new Entry(path, EntryType.SYMLINK, 0, mtime, 0777, target, null);
    }

    public Entry withSha256(String hash) {
        return new Entry(path, type, size, mtime, mode, linkTarget, hash);
    }

    public boolean isFile() {
        return type == EntryType.FILE;
    }

    public boolean isDir() {
        return type == EntryType.DIR;
    }

    public boolean isSymlink() {
        return type == EntryType.SYMLINK;
    }

    /** The last path element ("" for the root). */
    public String name() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** The parent's relative path ("" for top-level entries), or null for the root. */
    public String parent() {
        return parentOf(path);
    }

    public static String parentOf(String path) {
        if (path.isEmpty()) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
