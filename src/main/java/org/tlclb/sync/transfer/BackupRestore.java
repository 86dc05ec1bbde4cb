package org.tlclb.sync.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.remote.NodePaths;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Names;
import org.tlclb.sync.scan.RawNames;
import org.tlclb.sync.ssh.SftpPipeline;

/**
 * tlclb rollback of one run on one destination: every entry of the run's backup directory renamed
 * back over its target (atomic per entry), then the attributes it recorded ({@value BackupArea#ATTRS})
 * set again. Where the run put another type of entry in the place of one it removed (a link or a
 * file for a directory, a directory for a file or a link), that entry is first taken out of the way
 * ({@link SetAside}); a file and a link replace each other in the rename itself. A dry run only
 * lists what it would do.
 */
public final class BackupRestore {
    private final SftpClient sftp;
    private final String root;
    private final String base;
    private final NodeLock lock;
    private final SftpPipeline posixRename;
    /** Takes what a run put in place of another type of entry out of the way. */
    private final SetAside aside;
    /** How the real pass reaches the tree's entries (through held directories where others may change them). */
    private NodePaths paths;

    /**
     * @param base the run's backup directory
     * @param lock the node lock held (its shell holds directories others may change), or null for a dry run
     */
    BackupRestore(SftpClient sftp, String root, String base, NodeLock lock) {
        this.sftp = sftp;
        this.root = root;
        this.base = base;
        this.lock = lock;
        this.paths = NodePaths.sealed(sftp, root);
        OpenSSHPosixRenameExtension ext = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        // Sent by our pipeline, whose names are bytes (MINA's extension encodes them as UTF-8 strings).
        this.posixRename = ext != null && ext.isSupported() ? SftpPipeline.of(sftp, 1) : null;
        this.aside = new SetAside(sftp, this::rename, base, lock == null ? -1 : lock.loginUid());
    }

    /** What a restore did, or (in a dry run) would do. */
    public record Result(List<String> restored, List<String> attributes, List<String> errors) {
        public int count() {
            return restored.size() + attributes.size();
        }
    }

    /**
     * Puts back what run {@code runId} replaced or deleted (each entry renamed over its target: atomic)
     * and the attributes it changed, then removes the run's backup. With {@code dryRun}, only lists.
     */
    public Result restore(boolean dryRun) throws IOException {
        List<String> restored = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Map<String, long[]> attrs = readAttrs(base);
        Map<String, SftpClient.Attributes> keepTimes = new LinkedHashMap<>();
        if (!dryRun) {
            List<String> planned = new ArrayList<>();
            walk(base, "", true, planned, new ArrayList<>());
            Set<String> touched = new HashSet<>();
            planned.forEach(r -> touched.add(Entry.parentOf(r)));
            attrs.keySet().forEach(r -> {
                touched.add(r);
                touched.add(Entry.parentOf(r));
            });
            paths = RestorePaths.of(sftp, root, touched, lock);
            Set<String> hold = new HashSet<>();
            for (String r : planned) {
                if (paths.exposed(r)) {
                    hold.add(Entry.parentOf(r));
                }
            }
            for (String r : attrs.keySet()) {
                if (paths.exposed(r)) {
                    hold.add(r);
                }
            }
            // A directory the run did not record kept its attributes through the run (its commit set
            // them back); the renames below move its mtime, so it gets back the one it has now.
            List<String> keep = new ArrayList<>();
            for (String d : touched) {
                if (d != null && !attrs.containsKey(d)) {
                    keep.add(d);
                    if (paths.exposed(d)) {
                        hold.add(d);
                    }
                }
            }
            if (!hold.isEmpty()) {
                if (!paths.canReachExposed()) {
                    throw new IOException("users other than root and the login can change directories of " + root
                            + " that the rollback must write, and the node has no shell (with /proc) to do it safely");
                }
                paths.hold(hold, lock.timeout());
            }
            for (String d : keep) {
                // a held directory is reached by its /proc link, which stat follows; lstat elsewhere
                SftpClient.Attributes a = paths.exposed(d) ? sftp.stat(paths.self(d))
                        : RemoteTree.lstatOrNull(sftp, paths.self(d));
                if (a != null && a.isDirectory()) {
                    keepTimes.put(d, a);
                }
            }
        }
        walk(base, "", dryRun, restored, errors);
        for (Map.Entry<String, SftpClient.Attributes> k : keepTimes.entrySet()) {
            FileTime t = k.getValue().getModifyTime();
            try {
                sftp.setStat(paths.self(k.getKey()), new SftpClient.Attributes().modifyTime(t).accessTime(t));
            } catch (IOException e) {
                errors.add("cannot restore the time of " + Names.printable(k.getKey()) + ": " + e.getMessage());
            }
        }
        List<String> fixed = new ArrayList<>();
        for (Map.Entry<String, long[]> a : attrs.entrySet()) {
            String rel = a.getKey();
            if (dryRun) {
                fixed.add(rel);
                continue;
            }
            FileTime t = FileTime.from(a.getValue()[1], TimeUnit.SECONDS);
            try {
                sftp.setStat(paths.self(rel), new SftpClient.Attributes().perms((int) a.getValue()[0])
                        .modifyTime(t).accessTime(t));
                fixed.add(rel);
            } catch (IOException e) {
                errors.add("cannot restore the attributes of " + Names.printable(rel) + ": " + e.getMessage());
            }
        }
        return new Result(restored, fixed, errors);
    }

    private void walk(String base, String rel, boolean dryRun, List<String> restored, List<String> errors)
            throws IOException {
        List<SftpClient.DirEntry> children = new ArrayList<>();
        for (SftpClient.DirEntry de : sftp.readDir(rel.isEmpty() ? base : base + "/" + rel)) {
            String n = de.getFilename();
            if (!n.equals(".") && !n.equals("..") && !n.contains("/")
                    && !(rel.isEmpty() && (n.equals(BackupArea.ATTRS) || TempNames.isTemp(n)))) { // its own, not the tree's
                children.add(de);
            }
        }
        for (SftpClient.DirEntry de : children) {
            String childRel = rel.isEmpty() ? de.getFilename() : rel + "/" + de.getFilename();
            String target = root + "/" + childRel;
            SftpClient.Attributes existing = RemoteTree.lstatOrNull(sftp, target);
            if (de.getAttributes().isDirectory() && existing != null && existing.isDirectory()) {
                walk(base, childRel, dryRun, restored, errors);
                continue;
            }
            // Another type where the run removed this entry (a link or a file for a directory, a directory
            // for a file or a link): what the run put there goes first, a rename cannot replace it.
            boolean typeChanged = existing != null && existing.isDirectory() != de.getAttributes().isDirectory();
            if (dryRun) {
                restored.add(childRel);
                continue;
            }
            try {
                String setAside = typeChanged ? aside.move(paths.of(childRel)) : null;
                try {
                    rename(base + "/" + childRel, paths.of(childRel));
                } catch (IOException e) {
                    if (setAside != null) {
                        putBack(setAside, childRel);
                    }
                    throw e;
                }
                restored.add(childRel);
                List<String> left = setAside == null ? List.of() : aside.remove(setAside);
                if (!left.isEmpty()) {
                    errors.add("restored " + Names.printable(childRel) + ", but what the run had put there is left in "
                            + Names.printable(setAside) + ": users other than root and the login can change "
                            + String.join(", ", left.stream().map(Names::printable).toList()) + ", so it is not"
                            + " walked; remove it on the node");
                }
            } catch (IOException e) {
                errors.add("cannot restore " + Names.printable(childRel) + ": " + e.getMessage());
            }
        }
    }

    /** What was set aside goes back where it was when the backup could not take its place. */
    private void putBack(String setAside, String rel) {
        try {
            rename(setAside, paths.of(rel));
        } catch (IOException e) {
            // the rename's own error is reported; what was set aside stays in the backup
        }
    }

    private Map<String, long[]> readAttrs(String base) throws IOException {
        Map<String, long[]> out = new LinkedHashMap<>();
        byte[] data;
        try (InputStream in = sftp.read(base + "/" + BackupArea.ATTRS)) {
            data = in.readAllBytes();
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return out;
            }
            throw e;
        }
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                String rec = new String(data, start, i - start, RawNames.CHARSET);
                start = i + 1;
                String[] f = rec.split(" ", 3);
                if (f.length == 3 && safeRelative(f[2])) {
                    out.put(f[2], new long[] {Integer.parseInt(f[0], 8), Long.parseLong(f[1])});
                }
            }
        }
        return out;
    }

    /** The tree's root (""), or a relative path inside it: no empty, "." or ".." segment, not absolute. */
    private static boolean safeRelative(String rel) {
        if (rel.isEmpty()) {
            return true; // the root's own mode and mtime, which a run sets when the source's differ
        }
        if (rel.startsWith("/")) {
            return false;
        }
        for (String seg : rel.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private void rename(String from, String to) throws IOException {
        if (posixRename != null) {
            IOException[] failed = {null};
            posixRename.posixRename(from, to, e -> failed[0] = e);
            posixRename.drain();
            if (failed[0] != null) {
                throw failed[0];
            }
        } else {
            sftp.rename(from, to, SftpClient.CopyMode.Overwrite);
        }
    }
}
