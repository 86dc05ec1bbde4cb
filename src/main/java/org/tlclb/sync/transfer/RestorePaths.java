package org.tlclb.sync.transfer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.remote.NodePaths;
import org.tlclb.sync.remote.NodeShell;
import org.tlclb.sync.remote.NodeStat;
import org.tlclb.sync.remote.SftpPathLookup;
import org.tlclb.sync.remote.Trust;
import org.tlclb.sync.scan.Entry;

/**
 * The paths of a rollback: it does not list the tree, so which of the directories it writes
 * others may change is read from the directories themselves and those above them (one lstat each,
 * in one exchange).
 */
final class RestorePaths {
    private RestorePaths() {
    }

    /** @param touched the relative directories (and entries) the rollback writes in */
    static NodePaths of(SftpClient sftp, String root, Set<String> touched, NodeLock lock) throws IOException {
        Set<String> dirs = new TreeSet<>();
        for (String t : touched) {
            for (String d = t; d != null; d = Entry.parentOf(d)) {
                dirs.add(d);
            }
        }
        List<String> abs = new ArrayList<>();
        for (String d : dirs) {
            abs.add(d.isEmpty() ? root : root + "/" + d);
        }
        Map<String, NodeStat> stats = new SftpPathLookup(sftp).lstat(abs);
        int uid = lock == null ? -1 : lock.loginUid();
        Set<String> open = new HashSet<>();
        for (String d : dirs) { // parents first (sorted)
            NodeStat s = stats.getOrDefault(d.isEmpty() ? root : root + "/" + d, NodeStat.MISSING);
            String parent = Entry.parentOf(d);
            if ((parent != null && open.contains(parent)) || s.isDir() && !Trust.sealed(s.uid(), s.mode(), uid)) {
                open.add(d);
            }
        }
        NodeShell shell = lock == null ? null : lock.shell();
        boolean canHold = shell != null && shell.answer(timeout(lock)).capacity() > 0;
        return new NodePaths(sftp, root, open, canHold ? shell : null, null);
    }

    private static Duration timeout(NodeLock lock) {
        return lock.timeout();
    }
}
