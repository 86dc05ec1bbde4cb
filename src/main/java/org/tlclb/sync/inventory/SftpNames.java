package org.tlclb.sync.inventory;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.sshd.common.util.buffer.Buffer;

/** The names and attributes of SFTP version 3 replies (READDIR's NAME, STAT's ATTRS), as lstat gives them. */
final class SftpNames {
    private static final int ATTR_SIZE = 0x01;
    private static final int ATTR_UIDGID = 0x02;
    private static final int ATTR_PERMISSIONS = 0x04;
    private static final int ATTR_ACMODTIME = 0x08;
    private static final int ATTR_EXTENDED = 0x80000000;
    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    /** One name as a directory listing gave it: size, mtime (seconds) and st_mode (type and permissions). */
    record Listed(String name, long size, long mtime, int perms) {
    }

    private SftpNames() {
    }

    /** The names of one READDIR reply, with their attributes. */
    static void names(Buffer b, List<Listed> out) {
        int count = b.getInt();
        for (int i = 0; i < count; i++) {
            String name = b.getString(StandardCharsets.UTF_8);
            b.getString(); // long name
            long[] a = attrs(b);
            out.add(new Listed(name, a[0], a[1], (int) a[2]));
        }
    }

    /** Size, mtime and permissions of an SFTP version 3 attribute block (0 when absent). */
    static long[] attrs(Buffer b) {
        int flags = b.getInt();
        long size = (flags & ATTR_SIZE) != 0 ? b.getLong() : 0;
        if ((flags & ATTR_UIDGID) != 0) {
            b.getInt();
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
        return new long[] {size, mtime, perms};
    }

}
