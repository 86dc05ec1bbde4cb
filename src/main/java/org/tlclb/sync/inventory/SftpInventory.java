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
import org.tlclb.sync.remote.Trust;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.ssh.SftpPipeline;
import org.tlclb.sync.ssh.SftpTimes;

/**
 * Lists a node's destination tree over SFTP. Directory listings carry lstat attributes, so only
 * symlinks cost an extra round trip (their target). Excluded subtrees are not descended into.
 * Who owns each directory is kept, as far as it tells which ones others may change.
 */
public final class SftpInventory {
    private SftpInventory() {
    }

    /**
     * @param root     absolute destination path on the node (as the destination walk resolved it)
     * @param only     when non-null, only these top-level names are looked at (single-file units)
     * @param source   the source tree: the node's tree is read in a fixed number of round trips as
     *                 far as it is shaped like it (see {@link PipelinedListing})
     * @param loginUid the uid the run logs in as (whose directories, with root's, are trusted)
     */
    public static NodeInventory read(SftpClient sftp, String root, ExcludeRules excludes, Set<String> only,
                                     Manifest source, int loginUid) throws IOException {
        Set<String> openDirs = new HashSet<>();
        if (only == null) {
            SftpPipeline pipe = SftpPipeline.of(sftp, Tunables.SFTP_LIST_WINDOW.get());
            if (pipe == null) {
                throw new IllegalArgumentException("listing a tree needs the run's pipelined SFTP client");
            }
            Map<String, Entry> entries = new HashMap<>();
            List<String> temps = new ArrayList<>();
            Set<String> holdsExcluded = new HashSet<>();
            if (!new PipelinedListing(pipe, root, excludes, source, entries, temps, holdsExcluded, openDirs, loginUid)
                    .run()) {
                return new NodeInventory(Manifest.empty(), List.of(), false);
            }
            return new NodeInventory(new Manifest(entries), temps, true, holdsExcluded, NodeFacts.NONE, openDirs);
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
        if (!Trust.sealed(rootAttrs.getUserId(), rootAttrs.getPermissions() & 07777, loginUid)) {
            openDirs.add("");
        }
        Map<String, Entry> entries = new HashMap<>();
        entries.put("", toEntry(sftp, root, "", rootAttrs));
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
        return new NodeInventory(new Manifest(entries), List.of(), true, Set.of(), NodeFacts.NONE, openDirs);
    }

    private static Entry toEntry(SftpClient sftp, String abs, String rel, SftpClient.Attributes a) throws IOException {
        long mtime = a.getModifyTime() == null ? 0 : SftpTimes.listed(a.getModifyTime().toMillis() / 1000);
        int mode = a.getPermissions() & 07777;
        if (a.isSymbolicLink()) {
            return Entry.symlink(rel, sftp.readLink(abs), mtime);
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
