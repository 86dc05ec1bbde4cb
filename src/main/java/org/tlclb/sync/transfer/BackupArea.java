package org.tlclb.sync.transfer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.RawNames;
import org.tlclb.sync.ssh.SftpPipeline;

/**
 * The backups of one destination on one node: {@code DEST/.tlclb-backup/RUN/}, holding the entries
 * run RUN replaced or deleted (under their relative paths) and a record of the attributes it
 * changed in place ({@value #ATTRS}). It owns creating a run's backup safely, listing and pruning
 * runs, and restoring one.
 *
 * <p>The area sits inside the served tree, so it is made by the run and kept private (0700, the
 * area and every run in it); one that is a symlink, not a directory, or owned by another user is
 * refused, never followed. A run id is a name from {@link #runs()}, never a path.
 */
public final class BackupArea {
    /** The attribute record's name inside a run's directory: "MODE MTIME PATH\0" per entry. */
    static final String ATTRS = ".attrs";
    private static final Pattern RUN_ID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]{4}");
    private static final int PRIVATE = 0700;
    private final SftpClient sftp;
    private final String root;
    private final String area;
    private final Set<String> dirsMade = new HashSet<>();
    private String run;

    /** The area of a destination whose entries only root or the login can change: reached by its path. */
    public BackupArea(SftpClient sftp, String root) {
        this(sftp, root, root + "/" + TempNames.BACKUP_DIR);
    }

    /**
     * @param area how SFTP reaches the area: its path, or (where others may write the destination)
     *             the node shell's descriptor holding it ({@code /proc/PID/fd/8/.})
     */
    public BackupArea(SftpClient sftp, String root, String area) {
        this.sftp = sftp;
        this.root = root;
        this.area = area;
    }

    /** Whether a string has the form of a run id (what {@code SyncRun.newRunId} makes). */
    public static boolean isRunId(String s) {
        return s != null && RUN_ID.matcher(s).matches();
    }

    public String area() {
        return area;
    }

    /**
     * Makes this run's backup directory: the area is created if missing (0700), and refused when it
     * is a symlink, not a directory, or another user's.
     */
    public void open(String runId) throws IOException {
        if (!isRunId(runId)) {
            throw new IllegalArgumentException("not a run id: " + runId);
        }
        SftpClient.Attributes area = checkedArea(true);
        String dir = area() + "/" + runId;
        mkdir(dir);
        SftpClient.Attributes mine = sftp.lstat(dir);
        if (mine.getUserId() != area.getUserId()) {
            sftp.rmdir(dir);
            throw new IOException(refusal("belongs to uid " + area.getUserId() + ", not to the user this run logs in as"
                    + " (uid " + mine.getUserId() + ")"));
        }
        SftpClient.Attributes again = sftp.lstat(area());
        if (again.isSymbolicLink() || !again.isDirectory()) {
            throw new IOException(refusal("was replaced while the run used it"));
        }
        if ((area.getPermissions() & 077) != 0) {
            sftp.setStat(area(), new SftpClient.Attributes().perms(PRIVATE));
        }
        sftp.setStat(dir, new SftpClient.Attributes().perms(PRIVATE));
        this.run = runId;
        dirsMade.add(dir);
    }

    /** Makes the area (0700) when missing; refuses one that is a symlink or not a directory. */
    public void prepareArea() throws IOException {
        SftpClient.Attributes before = RemoteTree.lstatOrNull(sftp, area());
        FileTime rootTime = before != null ? null : sftp.stat(root).getModifyTime();
        SftpClient.Attributes a = before != null ? checked(before) : checkedArea(true);
        if (rootTime != null) {
            keepTime(rootTime); // the area is the run's, not the tree's: the root's mtime stays
        }
        if ((a.getPermissions() & 077) != 0) {
            sftp.setStat(area(), new SftpClient.Attributes().perms(PRIVATE));
        }
    }

    /** Removes the area when nothing is left in it, keeping the destination root's mtime. */
    public void removeIfEmpty() {
        try {
            FileTime rootTime = sftp.stat(root).getModifyTime();
            sftp.rmdir(area());
            keepTime(rootTime);
        } catch (IOException | RuntimeException e) {
            // backups (or another run's lock) live there: it stays
        }
    }

    private void keepTime(FileTime t) throws IOException {
        SftpPipeline pipe = SftpPipeline.of(sftp, 1);
        if (pipe == null) {
            sftp.setStat(root, new SftpClient.Attributes().modifyTime(t).accessTime(t));
            return;
        }
        // As unsigned 32 bits, as it was listed: MINA's own encoding refuses a time from 2038 on.
        IOException[] failure = new IOException[1];
        pipe.setStat(root, -1, t.to(TimeUnit.SECONDS), -1, -1, e -> failure[0] = e);
        pipe.drain();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** The backup path of a destination entry in the open run. */
    public String pathOf(String rel) {
        return area() + "/" + run + "/" + rel;
    }

    /** Makes the open run's directories down to {@code relDir}. */
    public void ensureDirs(String relDir) throws IOException {
        if (relDir == null || relDir.isEmpty()) {
            return;
        }
        String acc = area() + "/" + run;
        for (String part : relDir.split("/")) {
            acc = acc + "/" + part;
            if (dirsMade.add(acc)) {
                mkdir(acc);
            }
        }
    }

    /** Records the attributes of entries the run changes in place, for rollback. */
    public void recordAttrs(List<Entry> before) throws IOException {
        if (before.isEmpty()) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Entry e : before) {
            bytes.writeBytes((Integer.toOctalString(e.mode()) + " " + e.mtime() + " " + e.path() + "\0")
                    .getBytes(RawNames.CHARSET));
        }
        try (OutputStream out = sftp.write(area() + "/" + run + "/" + ATTRS,
                EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive))) {
            out.write(bytes.toByteArray());
        }
    }

    /** The run ids on the node, oldest first (names of the right form only). */
    public List<String> runs() throws IOException {
        if (checkedArea(false) == null) {
            return List.of();
        }
        List<String> runs = new ArrayList<>();
        for (SftpClient.DirEntry de : sftp.readDir(area())) {
            if (isRunId(de.getFilename()) && de.getAttributes().isDirectory()) {
                runs.add(de.getFilename());
            }
        }
        Collections.sort(runs);
        return runs;
    }

    /** Removes the oldest runs so that at most {@code keep} remain. */
    public void prune(int keep) throws IOException {
        List<String> runs = runs();
        for (int i = 0; i < runs.size() - keep; i++) {
            removeTree(area() + "/" + runs.get(i));
        }
    }

    /**
     * Puts back what run {@code runId} replaced or deleted; see {@link BackupRestore}.
     *
     * @param lock the node lock this run holds (its shell reaches directories others may change), or
     *             null for a dry run
     */
    public BackupRestore.Result restore(String runId, boolean dryRun, NodeLock lock) throws IOException {
        if (!runs().contains(runId)) {
            throw new IOException("no backup of run " + runId + " here");
        }
        BackupRestore.Result r = new BackupRestore(sftp, root, area() + "/" + runId, lock).restore(dryRun);
        if (!dryRun && r.errors().isEmpty()) {
            removeTree(area() + "/" + runId);
        }
        return r;
    }

    /** The area's attributes, refusing what must not be followed; null when it is absent and not wanted. */
    private SftpClient.Attributes checkedArea(boolean create) throws IOException {
        SftpClient.Attributes a = RemoteTree.lstatOrNull(sftp, area());
        if (a == null) {
            if (!create) {
                return null;
            }
            mkdir(area());
            a = sftp.lstat(area());
        }
        return checked(a);
    }

    /** The area's attributes, when it is a plain directory (a symlink is refused, never followed). */
    private SftpClient.Attributes checked(SftpClient.Attributes a) throws IOException {
        if (a.isSymbolicLink()) {
            throw new IOException(refusal("is a symlink (not followed)"));
        }
        if (!a.isDirectory()) {
            throw new IOException(refusal("is not a directory"));
        }
        return a;
    }

    /** The refusal of an area that another user owns than the one the run logs in as. */
    IOException notOwnedByLogin() {
        return new IOException(refusal("belongs to another user than the one this run logs in as"));
    }

    private String refusal(String why) {
        return "the state and backup area " + area() + " " + why + ": remove it on the node";
    }

    private void mkdir(String dir) throws IOException {
        try {
            sftp.mkdir(dir);
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_FILE_ALREADY_EXISTS) {
                SftpClient.Attributes a = RemoteTree.lstatOrNull(sftp, dir);
                if (a == null || !a.isDirectory() || a.isSymbolicLink()) {
                    throw e;
                }
            }
        }
    }

    private void removeTree(String path) throws IOException {
        RemoteTree.remove(sftp, path);
    }

    /** The open run, or null. */
    public String run() {
        return run;
    }
}
