package org.tlclb.sync.transfer;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.plan.Change;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.TreeScanner;

/**
 * Makes a staged node plan visible, over SFTP: entries of another type in the way are cleared,
 * missing directories made, every staged file renamed over its target (atomic per file), symlinks
 * created under a temporary name and renamed likewise, attributes fixed, deletions applied, and
 * directory modes and mtimes set last (children first, since every change touches the parent's
 * mtime). Replaced and deleted entries go to the backup area when backups are on.
 */
public final class SftpCommitter {
    private final SftpClient sftp;
    private final String root;
    private final CommitOptions options;
    private final OpenSSHPosixRenameExtension posixRename;
    private final HardLink hardLink;
    private final List<String> errors = new ArrayList<>();
    private final Set<String> backupDirsMade = new HashSet<>();
    private int renamed;
    private int deleted;
    private int attrs;

    public SftpCommitter(SftpClient sftp, String root, CommitOptions options) {
        this.sftp = sftp;
        this.root = root;
        this.options = options;
        OpenSSHPosixRenameExtension ext = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        this.posixRename = ext != null && ext.isSupported() ? ext : null;
        HardLink hl = new HardLink(sftp, sftp.getServerExtensions());
        this.hardLink = hl.isSupported() ? hl : null;
    }

    public String abs(String rel) {
        return rel.isEmpty() ? root : root + "/" + rel;
    }

    public CommitResult commit(NodePlan plan, StageResult staged, Manifest source) {
        Set<String> dirsToFix = new HashSet<>();
        for (Change c : plan.changes()) {
            if (c instanceof Change.Delete d && d.forced()) {
                delete(d.old(), plan, true);
            }
        }
        for (Change c : plan.changes()) {
            if (c instanceof Change.Mkdir m && !staged.createdDirs().contains(m.path())) {
                op("create directory", m.path(), () -> {
                    if (m.path().isEmpty()) {
                        return; // the root was made before staging
                    }
                    sftp.mkdir(abs(m.path()));
                });
            }
        }
        for (Change c : plan.changes()) {
            String parent = Entry.parentOf(c.path());
            if (c instanceof Change.CreateFile cf) {
                install(cf.path(), null, staged);
            } else if (c instanceof Change.UpdateFile uf) {
                install(uf.path(), uf.old(), staged);
            } else if (c instanceof Change.MakeSymlink ms) {
                symlink(ms);
            } else if (c instanceof Change.SetAttrs sa && !sa.src().isDir()) {
                setAttrs(sa.src(), true);
            }
            if (parent != null && !(c instanceof Change.SetAttrs)) {
                dirsToFix.add(parent);
            }
            if (c instanceof Change.Mkdir || c instanceof Change.SetAttrs sa && sa.src().isDir()) {
                dirsToFix.add(c.path());
            }
        }
        for (Change c : plan.changes()) {
            if (c instanceof Change.Delete d && !d.forced()) {
                delete(d.old(), plan, false);
            }
        }
        for (String temp : staged.abandoned()) {
            op("remove the temporary file of", temp, () -> sftp.remove(abs(temp)));
            dirsToFix.add(Entry.parentOf(temp));
        }
        for (String temp : plan.staleTemps()) {
            op("remove leftover temporary file", temp, () -> sftp.remove(abs(temp)));
            dirsToFix.add(Entry.parentOf(temp));
        }
        // Deepest directories first: setting a child's attributes does not touch the parent's mtime,
        // but creating or renaming inside the parent does, so parents must come after.
        List<String> dirs = new ArrayList<>(dirsToFix);
        dirs.sort(Comparator.comparingInt((String d) -> d.isEmpty() ? 0 : d.split("/").length).reversed());
        for (String d : dirs) {
            source.get(d).filter(Entry::isDir).ifPresent(e -> setAttrs(e, true));
        }
        return new CommitResult(renamed, deleted, attrs, List.copyOf(errors));
    }

    /** Removes staged files everywhere they were written (abort before commit). */
    public void discard(StageResult staged) {
        List<String> temps = new ArrayList<>(staged.staged().values());
        temps.addAll(staged.abandoned());
        for (String temp : temps) {
            try {
                sftp.remove(abs(temp));
            } catch (IOException ignored) {
                // best effort: the next run removes leftovers by their name
            }
        }
        List<String> made = new ArrayList<>(staged.createdDirs());
        made.sort(Comparator.reverseOrder());
        for (String d : made) {
            try {
                sftp.rmdir(abs(d));
            } catch (IOException ignored) {
                // not empty or already gone
            }
        }
    }

    private void install(String target, Entry old, StageResult staged) {
        String temp = staged.staged().get(target);
        if (temp == null) {
            return; // skipped at staging (vanished or changed while read), reported there
        }
        op("replace", target, () -> {
            if (old != null && old.isFile() && options.backupRun() != null) {
                backupCopy(target);
            }
            rename(abs(temp), abs(target));
            renamed++;
            if (options.uid() >= 0) {
                sftp.setStat(abs(target), new SftpClient.Attributes().owner(options.uid(), options.gid()));
            }
        });
    }

    private void symlink(Change.MakeSymlink ms) {
        op("symlink", ms.path(), () -> {
            String parent = Entry.parentOf(ms.path());
            String temp = (parent.isEmpty() ? "" : parent + "/") + TempNames.next();
            sftp.symLink(abs(temp), ms.src().linkTarget());
            if (ms.old() != null && options.backupRun() != null) {
                backupCopy(ms.path());
            }
            rename(abs(temp), abs(ms.path()));
            renamed++;
        });
    }

    private void setAttrs(Entry src, boolean mtime) {
        op("set attributes of", src.path(), () -> {
            SftpClient.Attributes a = new SftpClient.Attributes().perms(src.mode());
            if (mtime) {
                FileTime t = FileTime.from(src.mtime(), TimeUnit.SECONDS);
                a.modifyTime(t).accessTime(t);
            }
            sftp.setStat(abs(src.path()), a);
            attrs++;
        });
    }

    private void delete(Entry old, NodePlan plan, boolean forced) {
        if (options.backupRun() != null) {
            // A whole directory moves into the backup in one rename; its children go with it.
            String parent = Entry.parentOf(old.path());
            for (String p = parent; p != null && !p.isEmpty(); p = Entry.parentOf(p)) {
                if (isDeleted(plan, p, forced)) {
                    return;
                }
            }
            op("back up and delete", old.path(), () -> {
                String dest = backupPath(old.path());
                ensureBackupDirs(Entry.parentOf(old.path()));
                rename(abs(old.path()), dest);
                deleted++;
            });
            return;
        }
        op("delete", old.path(), () -> {
            if (old.isDir()) {
                sftp.rmdir(abs(old.path()));
            } else {
                sftp.remove(abs(old.path()));
            }
            deleted++;
        });
    }

    private static boolean isDeleted(NodePlan plan, String path, boolean forced) {
        for (Change c : plan.changes()) {
            if (c instanceof Change.Delete d && d.forced() == forced && d.path().equals(path)) {
                return true;
            }
        }
        return false;
    }

    private void backupCopy(String target) throws IOException {
        ensureBackupDirs(Entry.parentOf(target));
        if (hardLink == null) {
            throw new IOException("the node's SFTP server has no hardlink@openssh.com; run with --no-backup");
        }
        hardLink.link(abs(target), backupPath(target));
    }

    private String backupPath(String rel) {
        return root + "/" + TempNames.BACKUP_DIR + "/" + options.backupRun() + "/" + rel;
    }

    private void ensureBackupDirs(String relDir) throws IOException {
        List<String> chain = new ArrayList<>();
        chain.add(root + "/" + TempNames.BACKUP_DIR);
        chain.add(root + "/" + TempNames.BACKUP_DIR + "/" + options.backupRun());
        if (relDir != null && !relDir.isEmpty()) {
            String acc = root + "/" + TempNames.BACKUP_DIR + "/" + options.backupRun();
            for (String part : relDir.split("/")) {
                acc = acc + "/" + part;
                chain.add(acc);
            }
        }
        for (String d : chain) {
            if (backupDirsMade.add(d)) {
                try {
                    sftp.mkdir(d);
                    if (d.endsWith("/" + TempNames.BACKUP_DIR)) {
                        // The backup sits in the served tree's filesystem; keep readers out of it.
                        sftp.setStat(d, new SftpClient.Attributes().perms(0700));
                    }
                } catch (SftpException e) {
                    if (e.getStatus() != SftpConstants.SSH_FX_FILE_ALREADY_EXISTS
                            && e.getStatus() != SftpConstants.SSH_FX_FAILURE) {
                        throw e;
                    }
                }
            }
        }
    }

    private void rename(String from, String to) throws IOException {
        if (posixRename != null) {
            posixRename.posixRename(from, to);
        } else {
            sftp.rename(from, to, SftpClient.CopyMode.Overwrite);
        }
    }

    private interface Op {
        void run() throws IOException;
    }

    private void op(String what, String path, Op op) {
        try {
            op.run();
        } catch (IOException e) {
            errors.add("cannot " + what + " " + TreeScanner.printable(path.isEmpty() ? "." : path) + ": "
                    + e.getMessage());
        }
    }

    /** For tests and rollback: list backup run ids on the node, oldest first. */
    public List<String> backupRuns() throws IOException {
        TreeMap<String, String> runs = new TreeMap<>();
        try {
            sftp.lstat(root + "/" + TempNames.BACKUP_DIR);
            for (SftpClient.DirEntry de : sftp.readDir(root + "/" + TempNames.BACKUP_DIR)) {
                if (!de.getFilename().startsWith(".") && de.getAttributes().isDirectory()) {
                    runs.put(de.getFilename(), de.getFilename());
                }
            }
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                throw e;
            }
        }
        return new ArrayList<>(runs.keySet());
    }

    /** Deletes one run's backup directory and everything in it. */
    public void removeBackupRun(String run) throws IOException {
        removeTree(root + "/" + TempNames.BACKUP_DIR + "/" + run);
    }

    /** Removes the oldest backup runs so that at most {@code keep} remain. */
    public void pruneBackups(int keep) throws IOException {
        List<String> runs = backupRuns();
        for (int i = 0; i < runs.size() - keep; i++) {
            removeTree(root + "/" + TempNames.BACKUP_DIR + "/" + runs.get(i));
        }
    }

    private void removeTree(String path) throws IOException {
        SftpClient.Attributes a = sftp.lstat(path);
        if (a.isDirectory()) {
            List<String> children = new ArrayList<>();
            for (SftpClient.DirEntry de : sftp.readDir(path)) {
                if (!de.getFilename().equals(".") && !de.getFilename().equals("..")) {
                    children.add(path + "/" + de.getFilename());
                }
            }
            for (String c : children) {
                removeTree(c);
            }
            sftp.rmdir(path);
        } else {
            sftp.remove(path);
        }
    }
}
