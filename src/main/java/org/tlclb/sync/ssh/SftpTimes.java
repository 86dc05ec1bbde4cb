package org.tlclb.sync.ssh;

/**
 * The times SFTP version 3 carries: unsigned 32-bit seconds, 1970-01-01 to 2106-02-07. OpenSSH's
 * sftp-server keeps only the low 32 bits of st_mtime in its listings and takes 32 bits in
 * SETSTAT (and lsetstat@openssh.com), so a time outside that range is neither listed nor set
 * as it is: such times are read and set through the node's shell ({@link NodeShell}).
 */
public final class SftpTimes {
    /** The first time SFTP v3 cannot carry: 2^32 seconds, 2106-02-07T06:28:16Z. */
    public static final long LIMIT = 1L << 32;

    private SftpTimes() {
    }

    /** Whether SFTP v3 carries {@code seconds} as it is. */
    public static boolean carries(long seconds) {
        return seconds >= 0 && seconds < LIMIT;
    }

    /** What an SFTP v3 listing shows for a true time of {@code seconds}: its low 32 bits. */
    public static long listed(long seconds) {
        return seconds & (LIMIT - 1);
    }
}
