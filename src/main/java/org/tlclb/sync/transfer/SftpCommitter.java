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
import org.tlclb.sync.ssh.SftpPipeline;

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
    private final SftpPipeline pipeline;
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
        this.pipeline = SftpPipeline.of(sftp, 256);
        if (pipeline == null) {
            throw new IllegalArgumentException("the commit needs an SFTP version 3 client");
        }
    }

    public String abs(String rel) {
        return rel.isEmpty() ? root : root + "/" + rel;
    }

    public CommitResult commit(NodePlan plan, StageResult staged, Manifest source) {
        Set<String> dirsToFix = new HashSet<>();
        Set<String> forcedDeletes = new HashSet<>();
        Set<String> plainDeletes = new HashSet<>();
        for (Change c : plan.changes()) {
            if (c instanceof Change.Delete d) {
                (d.forced() ? forcedDeletes : plainDeletes).add(d.path());
            }
        }
        // Files that changed while they were read never become visible: inside a new subtree they
        // have their real names, so they go before the subtree is renamed into place.
        List<String> abandoned = staged.abandoned();
        wave(abandoned, (p, temp) -> p.remove(abs(temp), e -> fail("remove the temporary file", temp, e)));
        for (String temp : abandoned) {
            dirsToFix.add(Entry.parentOf(staged.realPath(temp)));
        }
        for (Change c : plan.changes()) {
            if (c instanceof Change.Delete d && d.forced()) {
                delete(d.old(), forcedDeletes);
            }
        }
        wave(List.copyOf(staged.subtrees().entrySet()), (p, s) -> {
            p.posixRename(abs(s.getKey()), abs(s.getValue()), e -> fail("install the new directory", s.getValue(), e));
            renamed++;
        });
        Set<String> made = staged.createdRealDirs();
        for (Change c : plan.changes()) {
            if (c instanceof Change.Mkdir m && !m.path().isEmpty() && !made.contains(m.path())) {
                op("create directory", m.path(), () -> sftp.mkdir(abs(m.path())));
            }
        }
        List<Change> installs = new ArrayList<>();
        for (Change c : plan.changes()) {
            String parent = Entry.parentOf(c.path());
            if (c instanceof Change.CreateFile || c instanceof Change.UpdateFile) {
                installs.add(c);
            } else if (c instanceof Change.MakeSymlink ms) {
                symlink(ms);
            }
            if (parent != null && !(c instanceof Change.SetAttrs)) {
                dirsToFix.add(parent);
            }
            if (c instanceof Change.Mkdir || c instanceof Change.SetAttrs sa && sa.src().isDir()) {
                dirsToFix.add(c.path());
            }
        }
        install(installs, staged);
        wave(plan.changes().stream().filter(c -> c instanceof Change.SetAttrs sa && !sa.src().isDir()).toList(),
                (p, c) -> setAttrs(p, ((Change.SetAttrs) c).src()));
        List<Entry> deletes = new ArrayList<>();
        for (Change c : plan.changes()) {
            if (c instanceof Change.Delete d && !d.forced()) {
                deletes.add(d.old());
            }
        }
        deleteAll(deletes, plainDeletes);
        // Leftovers of interrupted runs: temporary files, and temporary subtrees (listed with a
        // trailing '/').
        wave(plan.staleTemps().stream().filter(t -> !t.endsWith("/")).toList(),
                (p, temp) -> p.remove(abs(temp), e -> fail("remove leftover temporary file", temp, e)));
        for (String temp : plan.staleTemps()) {
            boolean dir = temp.endsWith("/");
            String path = dir ? temp.substring(0, temp.length() - 1) : temp;
            if (dir) {
                op("remove leftover temporary directory", path, () -> removeTree(abs(path)));
            }
            dirsToFix.add(Entry.parentOf(path));
        }
        // Last, since every change inside a directory moves its mtime; a child's setstat does not
        // touch its parent, so the order among directories does not matter.
        List<Entry> dirs = new ArrayList<>();
        for (String d : dirsToFix) {
            source.get(d).filter(Entry::isDir).ifPresent(dirs::add);
        }
        wave(dirs, this::setAttrs);
        return new CommitResult(renamed, deleted, attrs, List.copyOf(errors));
    }

    private interface Step<T> {
        void submit(SftpPipeline p, T item) throws IOException;
    }

    /** Sends one independent request per item through the pipeline and waits for all the replies. */
    private <T> void wave(List<T> items, Step<T> step) {
        if (items.isEmpty()) {
            return;
        }
        try {
            for (T item : items) {
                step.submit(pipeline, item);
            }
            pipeline.drain();
        } catch (IOException e) {
            errors.add("SFTP channel failed during commit: " + e.getMessage());
        }
    }

    private void setAttrs(SftpPipeline p, Entry src) throws IOException {
        p.setStat(abs(src.path()), src.mode(), src.mtime(), -1, -1, e -> fail("set attributes of", src.path(), e));
        attrs++;
    }

    private void fail(String what, String path, IOException e) {
        synchronized (errors) {
            errors.add("cannot " + what + " " + TreeScanner.printable(path.isEmpty() ? "." : path) + ": "
                    + e.getMessage());
        }
    }

    /** Staged files renamed over their targets: one wave (after a wave of backup hard links). */
    private void install(List<Change> installs, StageResult staged) {
        List<Change> ready = installs.stream().filter(c -> staged.staged().contains(c.path())).toList();
        // Files of a new subtree are in place already (the subtree was renamed as a whole).
        List<Change> toRename = ready.stream().filter(c -> !staged.staged().get(c.path()).underOwnName()).toList();
        if (options.backupRun() != null) {
            List<Change> replaced = ready.stream()
                    .filter(c -> c instanceof Change.UpdateFile uf && uf.old().isFile()).toList();
            if (!replaced.isEmpty() && hardLink == null) {
                errors.add("the node's SFTP server has no hardlink@openssh.com, so replaced files cannot be"
                        + " backed up; run with --no-backup");
                return;
            }
            for (Change c : replaced) {
                op("prepare the backup of", c.path(), () -> ensureBackupDirs(Entry.parentOf(c.path())));
            }
            wave(replaced, (p, c) -> p.hardLink(abs(c.path()), backupPath(c.path()),
                    e -> fail("back up", c.path(), e)));
        }
        wave(toRename, (p, c) -> {
            p.posixRename(abs(staged.staged().get(c.path()).tempPath()), abs(c.path()), e -> fail("replace", c.path(), e));
            renamed++;
        });
        if (options.uid() >= 0) {
            wave(ready, (p, c) -> p.setStat(abs(c.path()), -1, -1, options.uid(), options.gid(),
                    e -> fail("change the owner of", c.path(), e)));
        }
    }

    /**
     * Deletes: with backups, each topmost deleted entry moves into the backup in one rename (its
     * subtree goes with it); without, files go in one wave and directories by depth, deepest first.
     */
    private void deleteAll(List<Entry> deletes, Set<String> deletedSet) {
        if (options.backupRun() != null) {
            List<Entry> tops = deletes.stream().filter(e -> !ancestorIn(e.path(), deletedSet)).toList();
            for (Entry e : tops) {
                op("prepare the backup of", e.path(), () -> ensureBackupDirs(Entry.parentOf(e.path())));
            }
            wave(tops, (p, e) -> {
                p.posixRename(abs(e.path()), backupPath(e.path()), x -> fail("back up and delete", e.path(), x));
                deleted++;
            });
            return;
        }
        wave(deletes.stream().filter(e -> !e.isDir()).toList(), (p, e) -> {
            p.remove(abs(e.path()), x -> fail("delete", e.path(), x));
            deleted++;
        });
        java.util.TreeMap<Integer, List<Entry>> byDepth = new java.util.TreeMap<>(Comparator.reverseOrder());
        for (Entry e : deletes) {
            if (e.isDir()) {
                byDepth.computeIfAbsent(e.path().split("/").length, k -> new ArrayList<>()).add(e);
            }
        }
        for (List<Entry> level : byDepth.values()) {
            wave(level, (p, e) -> {
                p.rmdir(abs(e.path()), x -> fail("delete", e.path(), x));
                deleted++;
            });
        }
    }

    /** Clears an entry of another type out of the way (its subtree's deletes are in the plan too). */
    private void delete(Entry old, Set<String> deletedSet) {
        if (options.backupRun() != null) {
            if (ancestorIn(old.path(), deletedSet)) {
                return;
            }
            op("back up and delete", old.path(), () -> {
                ensureBackupDirs(Entry.parentOf(old.path()));
                rename(abs(old.path()), backupPath(old.path()));
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

    private static boolean ancestorIn(String path, Set<String> set) {
        for (String p = Entry.parentOf(path); p != null && !p.isEmpty(); p = Entry.parentOf(p)) {
            if (set.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes staged files everywhere they were written (abort before commit), and puts back the
     * mtimes of the existing directories they were written into, so an aborted run changes nothing.
     */
    public void discard(StageResult staged, Manifest node) {
        Set<String> touched = new HashSet<>();
        // Best effort, one pipelined wave: what cannot be removed now the next run removes as a
        // leftover, recognised by its name.
        wave(staged.written(), (p, item) -> p.remove(abs(item.tempPath()), e -> { }));
        errors.clear();
        for (StageItem item : staged.written()) {
            String temp = item.tempPath();
            String dir = Entry.parentOf(temp);
            while (dir != null && staged.createdDirs().contains(dir)) {
                dir = Entry.parentOf(dir);
            }
            if (dir != null) {
                touched.add(dir);
            }
        }
        for (String d : staged.createdDirs()) {
            String parent = Entry.parentOf(d);
            if (parent != null && !staged.createdDirs().contains(parent)) {
                touched.add(parent);
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
        for (String d : touched) {
            node.get(d).filter(Entry::isDir).ifPresent(e -> {
                FileTime t = FileTime.from(e.mtime(), TimeUnit.SECONDS);
                try {
                    sftp.setStat(abs(d), new SftpClient.Attributes().modifyTime(t).accessTime(t));
                } catch (IOException ignored) {
                    // best effort: the next successful run sets it anyway
                }
            });
        }
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
