package org.tlclb.sync.node;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * Resolves relative SFTP paths against the user's home, as OpenSSH's sftp-server does (its working directory is the
 * home), so that {@code realpath(".")} and {@code .ssh/authorized_keys} mean on an embedded node what they mean on a
 * real one. MINA would resolve them against the node's "/". The home is {@code /root} for root and
 * {@code /home/USER} otherwise; it need not exist. Absolute paths are untouched.
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
}
