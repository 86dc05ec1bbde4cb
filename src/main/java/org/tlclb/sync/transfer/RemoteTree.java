package org.tlclb.sync.transfer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/** Entries of a node's tree over SFTP: looked at without following a link, removed depth first. */
final class RemoteTree {
    private RemoteTree() {
    }

    /** The entry itself (a symlink is not followed), or null when there is none. */
    static SftpClient.Attributes lstatOrNull(SftpClient sftp, String path) throws IOException {
        try {
            return sftp.lstat(path);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    /** Removes a tree depth first; a symlink is removed, never followed. */
    static void remove(SftpClient sftp, String path) throws IOException {
        SftpClient.Attributes a = sftp.lstat(path);
        if (a.isDirectory() && !a.isSymbolicLink()) {
            List<String> children = new ArrayList<>();
            for (SftpClient.DirEntry de : sftp.readDir(path)) {
                if (!de.getFilename().equals(".") && !de.getFilename().equals("..")) {
                    children.add(path + "/" + de.getFilename());
                }
            }
            for (String c : children) {
                remove(sftp, c);
            }
            sftp.rmdir(path);
        } else {
            sftp.remove(path);
        }
    }
}
