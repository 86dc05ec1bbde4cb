package org.tlclb.sync.transfer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.remote.NodePaths;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.ssh.ShellBatch;

/**
 * Removes staged files everywhere they were written (abort before commit), and puts back the
 * mtimes of the existing directories they were written into, so an aborted run changes nothing.
 * Best effort, in pipelined waves: what cannot be removed now the next run removes as a leftover,
 * recognised by its name.
 */
public final class StagedDiscard {
    private final CommitSteps steps;

    public StagedDiscard(SftpClient sftp, NodePaths paths) {
        this.steps = new CommitSteps(sftp, paths);
    }

    public void discard(StageResult staged, Manifest node) {
        steps.wave(staged.written(), (p, item) -> p.remove(steps.staged(item.tempPath()), e -> { }));
        Set<String> touched = new HashSet<>();
        for (StageItem item : staged.written()) {
            String dir = Entry.parentOf(item.tempPath());
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
        steps.wave(made, (p, d) -> p.rmdir(steps.staged(d), e -> { }));
        List<Entry> dirs = new ArrayList<>();
        for (String d : touched) {
            node.get(d).filter(Entry::isDir).ifPresent(dirs::add);
        }
        // Only directories the stream wrote into: never an open one (what goes there is staged apart).
        steps.wave(dirs, (p, e) -> p.setStat(steps.self(e.path()), -1, e.mtime(), -1, -1, x -> { }));
        // A time SFTP cannot carry (the node's true one, read by its shell) goes back the same way.
        TimeFixes times = new TimeFixes();
        dirs.forEach(times::add);
        if (!times.isEmpty()) {
            times.apply(new ShellBatch(steps.sftp().getClientSession(), steps.root(), CoreModuleProperties.IDLE_TIMEOUT
                    .getRequired(steps.sftp().getClientSession())));
        }
    }
}
