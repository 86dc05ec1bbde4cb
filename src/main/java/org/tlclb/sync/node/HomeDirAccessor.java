package org.tlclb.sync.node;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * Resolves relative SFTP paths against the user's home, as OpenSSH's sftp-server does (its working directory is the
 * home), so that {@code realpath(".")} and {@code .ssh/authorized_keys} mean on an embedded node what they mean on a
 * real one. MINA would resolve them against the node's "/". The home is {@code /root} for root and
 * {@code /home/USER} otherwise; it need not exist. Absolute paths are untouched.
 *
 * <p>Times are reported as OpenSSH's sftp-server reports them: the low 32 bits of the seconds (SFTP
 * version 3 has no more). MINA's own encoding refuses a time from 2038 on (it writes a signed
 * 32-bit number), which failed the whole listing of a directory holding one.
 */
final class HomeDirAccessor implements SftpFileSystemAccessor {

    /** The home directory an embedded node gives a user. */
    static String homeOf(String user) {
        return "root".equals(user) ? "/root" : "/home/" + user;
    }

    @Override
    public Path resolveLocalFilePath(SftpSubsystemProxy subsystem, Path rootDir, String remotePath)
            throws IOException {
        Path base = rootDir;
        if (remotePath != null && !remotePath.startsWith("/")) {
            String user = subsystem.getServerSession().getUsername();
            base = rootDir.getFileSystem().getPath(homeOf(user));
        }
        return SftpFileSystemAccessor.super.resolveLocalFilePath(subsystem, base, remotePath);
    }

    private static final List<String> TIMES = List.of("lastModifiedTime", "lastAccessTime", "creationTime");

    @Override
    public NavigableMap<String, Object> resolveReportedFileAttributes(SftpSubsystemProxy subsystem, Path file,
            int flags, NavigableMap<String, Object> attrs, LinkOption... options) throws IOException {
        for (String name : TIMES) {
            if (attrs.get(name) instanceof FileTime t) {
                // The same 32 bits on the wire as OpenSSH's u_int32_t, as a value MINA's int encoding takes.
                attrs.put(name, FileTime.from((int) t.to(TimeUnit.SECONDS), TimeUnit.SECONDS));
            }
        }
        return attrs;
    }
}
