package org.tlclb.sync.inventory;

import java.util.List;

import org.apache.sshd.common.util.buffer.Buffer;
import org.tlclb.sync.scan.RawNames;
import org.tlclb.sync.ssh.SftpAttrs;

/** The names and attributes of SFTP version 3 replies (READDIR's NAME, STAT's ATTRS), as lstat gives them. */
final class SftpNames {
    static final int S_IFMT = SftpAttrs.S_IFMT;
    static final int S_IFDIR = SftpAttrs.S_IFDIR;
    static final int S_IFREG = SftpAttrs.S_IFREG;
    static final int S_IFLNK = SftpAttrs.S_IFLNK;

    /** One name as a directory listing gave it: size, mtime (seconds), st_mode (type and permissions), owner. */
    record Listed(String name, long size, long mtime, int perms, int uid) {
    }

    private SftpNames() {
    }

    /** The names of one READDIR reply, with their attributes. */
    static void names(Buffer b, List<Listed> out) {
        int count = b.getInt();
        for (int i = 0; i < count; i++) {
            String name = b.getString(RawNames.CHARSET);
            b.getString(); // long name
            long[] a = attrs(b);
            out.add(new Listed(name, a[0], a[1], (int) a[2], (int) a[3]));
        }
    }

    /** Size, mtime, permissions and owner uid of an SFTP version 3 attribute block (0, or uid -1, when absent). */
    static long[] attrs(Buffer b) {
        SftpAttrs a = SftpAttrs.read(b);
        return new long[] {a.size(), a.mtime(), a.perms(), a.uid()};
    }

}
