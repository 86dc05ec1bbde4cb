package org.tlclb.sync.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.config.Tunables;

/** The small SFTP file operations a node lock is made of: create exclusively, read, stat, and the lease's age. */
final class LockFiles {
    private LockFiles() {
    }

    static boolean create(SftpClient sftp, String path, byte[] content) throws IOException {
        try (OutputStream out = sftp.write(path,
                EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive))) {
            out.write(content);
            return true;
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_FILE_ALREADY_EXISTS || e.getStatus() == SftpConstants.SSH_FX_FAILURE) {
                return false; // OpenSSH answers "Failure" for EEXIST on open(O_EXCL)
            }
            throw e;
        }
    }

    static String read(SftpClient sftp, String path) throws IOException {
        try (InputStream in = sftp.read(path)) {
            return new String(in.readNBytes(1024), StandardCharsets.UTF_8);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    /** Whether a lease file's last renewal is older than the lease, by the node's own clock. */
    static boolean stale(SftpClient sftp, String area, String path) throws IOException {
        long lockTime = sftp.lstat(path).getModifyTime().toMillis();
        String probe = area + "/.probe." + ProcessHandle.current().pid() + "." + System.nanoTime();
        create(sftp, probe, new byte[0]);
        long now;
        try {
            now = sftp.lstat(probe).getModifyTime().toMillis();
        } finally {
            sftp.remove(probe);
        }
        return Duration.ofMillis(now - lockTime).compareTo(Tunables.NODE_LOCK_LEASE.get()) > 0;
    }

}
