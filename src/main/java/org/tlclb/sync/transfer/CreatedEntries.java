package org.tlclb.sync.transfer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.plan.Change;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.remote.NodePaths;
import org.tlclb.sync.scan.Manifest;

/**
 * What a run created where the node had nothing: a backup has nothing to put back there, so a
 * rolling push's rollback takes these away after the restore. Files and links first, then the
 * directories the run made, deepest first (a directory is removed only when empty). An entry the
 * node listed before the run is never touched (a type change is the backup's to undo).
 */
public final class CreatedEntries {
    private CreatedEntries() {
    }

    /** Removes them; returns what could not be removed. */
    public static List<String> remove(SftpClient sftp, NodePaths paths, NodePlan plan, Manifest before) {
        List<String> files = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (Change c : plan.changes()) {
            String rel = null;
            if (c instanceof Change.CreateFile f) {
                rel = f.src().path();
            } else if (c instanceof Change.MakeSymlink l && l.old() == null) {
                rel = l.src().path();
            } else if (c instanceof Change.LinkFile l && l.old() == null) {
                rel = l.src().path();
            } else if (c instanceof Change.Mkdir d) {
                rel = d.src().path();
            }
            if (rel == null || rel.isEmpty() || before.contains(rel)) {
                continue;
            }
            (c instanceof Change.Mkdir ? dirs : files).add(rel);
        }
        List<String> errors = new ArrayList<>();
        for (String rel : files) {
            try {
                SftpClient.Attributes a = RemoteTree.lstatOrNull(sftp, paths.of(rel));
                if (a != null && !a.isDirectory()) {
                    sftp.remove(paths.of(rel));
                }
            } catch (IOException e) {
                errors.add(rel + ": cannot remove what the run created: " + e.getMessage());
            }
        }
        dirs.sort(Comparator.comparingInt((String d) -> d.split("/").length).reversed());
        for (String rel : dirs) {
            try {
                SftpClient.Attributes a = RemoteTree.lstatOrNull(sftp, paths.of(rel));
                if (a != null && a.isDirectory() && !a.isSymbolicLink()) {
                    sftp.rmdir(paths.of(rel));
                }
            } catch (IOException e) {
                errors.add(rel + "/: cannot remove the directory the run made: " + e.getMessage());
            }
        }
        return errors;
    }
}
