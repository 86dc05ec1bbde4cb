package org.tlclb.sync.transfer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.sftp.client.SftpClient;

/** A tree on a node removed over SFTP, depth first; a symlink is removed, never followed. */
final class RemoteTree {
    private RemoteTree() {
    }

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
