package org.tlclb.sync.inventory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.ssh.SftpPipeline;

/**
 * Lists a node's destination tree over SFTP. Directory listings carry lstat attributes, so only
 * symlinks cost an extra round trip (their target). Excluded subtrees are not descended into.
 */
public final class SftpInventory {
    private SftpInventory() {
    }

    /**
     * @param root  absolute destination path on the node
     * @param only  when non-null, only these top-level names are looked at (single-file units)
     */
    public static NodeInventory read(SftpClient sftp, String root, ExcludeRules excludes, Set<String> only)
            throws IOException {
        return read(sftp, root, excludes, only, null);
    }

    /**
     * @param source the source tree, when known: the node's tree is read in a fixed number of
     *               round trips as far as it is shaped like it (see {@link PipelinedListing})
     */
    public static NodeInventory read(SftpClient sftp, String root, ExcludeRules excludes, Set<String> only,
                                     Manifest source) throws IOException {
        // A pipelined listing on our own client; a plain client (tests, tools) walks one directory at a time.
        SftpPipeline pipe = only == null ? SftpPipeline.of(sftp, Tunables.SFTP_LIST_WINDOW.get()) : null;
        if (pipe != null) {
            Map<String, Entry> entries = new HashMap<>();
            List<String> temps = new ArrayList<>();
            Set<String> holdsExcluded = new HashSet<>();
            if (!new PipelinedListing(pipe, root, excludes, source, entries, temps, holdsExcluded).run()) {
                return new NodeInventory(Manifest.empty(), List.of(), false);
            }
            return new NodeInventory(new Manifest(entries), temps, true, holdsExcluded);
        }
        SftpClient.Attributes rootAttrs;
        try {
            rootAttrs = sftp.stat(root);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return new NodeInventory(Manifest.empty(), List.of(), false);
            }
            throw new IOException("cannot read " + root + ": " + e.getMessage(), e);
        }
        if (!rootAttrs.isDirectory()) {
            throw new IOException("destination " + root + " exists on the node but is not a directory");
        }
        Map<String, Entry> entries = new HashMap<>();
        List<String> temps = new ArrayList<>();
        Set<String> holdsExcluded = new HashSet<>();
        entries.put("", toEntry(sftp, root, "", rootAttrs));
        if (only != null) {
            for (String name : only) {
                try {
                    SftpClient.Attributes a = sftp.lstat(root + "/" + name);
                    entries.put(name, toEntry(sftp, root + "/" + name, name, a));
                } catch (SftpException e) {
                    if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                        throw e;
                    }
                }
            }
            return new NodeInventory(new Manifest(entries), temps, true);
        }
        walk(sftp, root, "", excludes, entries, temps, holdsExcluded);
        return new NodeInventory(new Manifest(entries), List.copyOf(temps), true, holdsExcluded);
    }

    private static void walk(SftpClient sftp, String root, String dir, ExcludeRules excludes,
                             Map<String, Entry> entries, List<String> temps, Set<String> holdsExcluded)
            throws IOException {
        String abs = dir.isEmpty() ? root : root + "/" + dir;
        List<String> subdirs = new ArrayList<>();
        for (SftpClient.DirEntry de : sftp.readDir(abs)) {
            String name = de.getFilename();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            if (name.isEmpty() || name.contains("/") || name.indexOf('\0') >= 0) {
                // A node must never make us address something outside the tree.
                throw new IOException("node listed an invalid name in " + abs + ": " + name);
            }
            String rel = dir.isEmpty() ? name : dir + "/" + name;
            if (dir.isEmpty() && name.equals(TempNames.BACKUP_DIR)) {
                continue;
            }
            SftpClient.Attributes a = de.getAttributes();
            if (TempNames.isTemp(name)) {
                temps.add(a.isDirectory() ? rel + "/" : rel); // a subtree left by an interrupted run
                continue;
            }
            if (excludes.excludes(rel, a.isDirectory())) {
                holdsExcluded.add(dir);
                continue;
            }
            Entry e = toEntry(sftp, abs + "/" + name, rel, a);
            if (e == null) {
                continue;
            }
            entries.put(rel, e);
            if (e.isDir()) {
                subdirs.add(rel);
            }
        }
        for (String sub : subdirs) {
            walk(sftp, root, sub, excludes, entries, temps, holdsExcluded);
        }
    }

    private static Entry toEntry(SftpClient sftp, String abs, String rel, SftpClient.Attributes a) throws IOException {
        long mtime = a.getModifyTime() == null ? 0 : a.getModifyTime().toMillis() / 1000;
        int mode = a.getPermissions() & 07777;
        if (a.isSymbolicLink()) {
            return Entry.symlink(rel, sftp.readLink(abs));
        }
        if (a.isDirectory()) {
            return Entry.dir(rel, mtime, mode);
        }
        if (a.isRegularFile()) {
            return Entry.file(rel, a.getSize(), mtime, mode);
        }
        // A special file on the node: model it as a file of unknown content so it is replaced or deleted.
        return Entry.file(rel, -1, mtime, mode);
    }
}
