package org.tlclb.sync.transfer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.remote.Trust;

/**
 * Takes an entry out of a rollback's way: what a run put where it removed another type of entry
 * (a link or a file where a directory was, a directory where a file or a link was) is renamed
 * into the run's private backup directory (one rename, which never follows the name's link) and
 * removed there. Nobody else can reach that directory by name, so the removal walks it by path,
 * but it descends only into directories nobody else can change either (root's or the login's, not
 * writable by group or others): a node user who owns a directory in there, or can write one, could
 * swap an entry of it for a link between a listing and a removal. Such a directory is left where
 * it was set aside, for the caller to name.
 */
final class SetAside {
    private final SftpClient sftp;
    private final Rename rename;
    private final String privateDir;
    private final int loginUid;

    /** A rename that replaces nothing it should not (POSIX rename where the node has it). */
    interface Rename {
        void rename(String from, String to) throws IOException;
    }

    /**
     * @param privateDir the run's backup directory (0700, the login's; never in the way of anything)
     * @param loginUid   the user the rollback logs in as, who may own what it removes
     */
    SetAside(SftpClient sftp, Rename rename, String privateDir, int loginUid) {
        this.sftp = sftp;
        this.rename = rename;
        this.privateDir = privateDir;
        this.loginUid = loginUid;
    }

    /**
     * Moves the entry at {@code path} (an SFTP path, through a held directory where others may
     * change it) aside, out of the tree, in one rename; the place is then clear.
     *
     * @return where it is now, for {@link #remove}
     */
    String move(String path) throws IOException {
        String aside = privateDir + "/" + TempNames.next();
        rename.rename(path, aside);
        return aside;
    }

    /**
     * Removes what {@link #move} set aside.
     *
     * @return the directories left (with what is in them), since others can change them: empty when
     *         all of it is gone
     */
    List<String> remove(String aside) throws IOException {
        List<String> left = new ArrayList<>();
        removeTree(aside, left);
        return left;
    }

    private void removeTree(String path, List<String> left) throws IOException {
        SftpClient.Attributes a = sftp.lstat(path);
        if (!a.isDirectory() || a.isSymbolicLink()) {
            sftp.remove(path); // a file or a link: unlinked, never followed
            return;
        }
        if (!Trust.sealed(a.getUserId(), a.getPermissions(), loginUid)) {
            left.add(path);
            return;
        }
        List<String> children = new ArrayList<>();
        for (SftpClient.DirEntry de : sftp.readDir(path)) {
            String n = de.getFilename();
            if (!n.equals(".") && !n.equals("..") && !n.contains("/")) {
                children.add(path + "/" + n);
            }
        }
        int before = left.size();
        for (String c : children) {
            removeTree(c, left);
        }
        if (left.size() == before) {
            sftp.rmdir(path);
        }
    }
}
