package org.tlclb.sync.transfer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.scan.TreeScanner;

/**
 * tlclb rollback on one node: moves the entries a run replaced or deleted back from
 * {@code .tlclb-backup/RUN/} over their targets (rename, so each is atomic), then drops the run's
 * backup directory.
 */
public final class BackupRestore {
    private final SftpClient sftp;
    private final String root;
    private final OpenSSHPosixRenameExtension posixRename;
    private final List<String> errors = new ArrayList<>();
    private int restored;

    public BackupRestore(SftpClient sftp, String root) {
        this.sftp = sftp;
        this.root = root;
        OpenSSHPosixRenameExtension ext = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        this.posixRename = ext != null && ext.isSupported() ? ext : null;
    }

    public String backupDir(String run) {
        return root + "/" + TempNames.BACKUP_DIR + "/" + run;
    }

    /** Restores the run; returns the number of entries put back. Errors are in {@link #errors()}. */
    public int restore(String run) throws IOException {
        String base = backupDir(run);
        sftp.lstat(base);
        walk(base, "");
        if (errors.isEmpty()) {
            new SftpCommitter(sftp, root, CommitOptions.plain()).removeBackupRun(run);
        }
        return restored;
    }

    public List<String> errors() {
        return errors;
    }

    private void walk(String base, String rel) throws IOException {
        List<SftpClient.DirEntry> children = new ArrayList<>();
        for (SftpClient.DirEntry de : sftp.readDir(rel.isEmpty() ? base : base + "/" + rel)) {
            String n = de.getFilename();
            if (!n.equals(".") && !n.equals("..") && !n.contains("/")) {
                children.add(de);
            }
        }
        for (SftpClient.DirEntry de : children) {
            String childRel = rel.isEmpty() ? de.getFilename() : rel + "/" + de.getFilename();
            String target = root + "/" + childRel;
            SftpClient.Attributes existing = lstatOrNull(target);
            if (de.getAttributes().isDirectory() && existing != null && existing.isDirectory()) {
                walk(base, childRel);
                continue;
            }
            try {
                if (existing != null && existing.isDirectory()) {
                    throw new IOException("a directory is in the way");
                }
                if (posixRename != null) {
                    posixRename.posixRename(base + "/" + childRel, target);
                } else {
                    sftp.rename(base + "/" + childRel, target, SftpClient.CopyMode.Overwrite);
                }
                restored++;
            } catch (IOException e) {
                errors.add("cannot restore " + TreeScanner.printable(childRel) + ": " + e.getMessage());
            }
        }
    }

    private SftpClient.Attributes lstatOrNull(String path) throws IOException {
        try {
            return sftp.lstat(path);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }
}
