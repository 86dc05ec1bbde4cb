package org.tlclb.sync.ssh;

import org.apache.sshd.common.util.buffer.Buffer;

/**
 * An SFTP version 3 attribute block as lstat, stat and READDIR give it (what OpenSSH sends):
 * the fields absent from the block are 0, the uid -1.
 *
 * @param size  bytes
 * @param uid   owner
 * @param perms st_mode: type and permission bits
 * @param mtime seconds (unsigned 32 bits on the wire)
 */
public record SftpAttrs(long size, int uid, int perms, long mtime) {
    private static final int ATTR_SIZE = 0x01;
    private static final int ATTR_UIDGID = 0x02;
    private static final int ATTR_PERMISSIONS = 0x04;
    private static final int ATTR_ACMODTIME = 0x08;
    private static final int ATTR_EXTENDED = 0x80000000;
    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;

    /** Reads one block at the buffer's position. */
    public static SftpAttrs read(Buffer b) {
        int flags = b.getInt();
        long size = (flags & ATTR_SIZE) != 0 ? b.getLong() : 0;
        int uid = -1;
        if ((flags & ATTR_UIDGID) != 0) {
            uid = b.getInt();
            b.getInt();
        }
        int perms = (flags & ATTR_PERMISSIONS) != 0 ? b.getInt() : 0;
        long mtime = 0;
        if ((flags & ATTR_ACMODTIME) != 0) {
            b.getUInt(); // atime
            mtime = b.getUInt();
        }
        if ((flags & ATTR_EXTENDED) != 0) {
            int n = b.getInt();
            for (int k = 0; k < n; k++) {
                b.getString();
                b.getString();
            }
        }
        return new SftpAttrs(size, uid, perms, mtime);
    }

    public int type() {
        return perms & S_IFMT;
    }

    public int mode() {
        return perms & 07777;
    }
}
