package org.tlclb.sync.transfer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.tlclb.sync.plan.Change;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.scan.Entry;

/**
 * The names of a file with several names (rsync -H), once its leader is in place: each is made a
 * hard link to the leader under a temporary name beside it ({@code hardlink@openssh.com}), then
 * renamed over the name (atomic, as a file's replace is). With a backup, a file that was there is
 * kept by a hard link first, as a replaced file is; one whose backup fails is left as it is.
 */
final class LinkInstaller {
    private final CommitSteps steps;
    private final BackupArea backup;

    LinkInstaller(CommitSteps steps, BackupArea backup) {
        this.steps = steps;
        this.backup = backup;
    }

    /**
     * @param notInstalled leaders the commit was to put in place and did not: their names are left
     *                     as they are (they are sent, and linked, by the next run)
     * @param clearedOut   paths cleared of another type; a name whose place was not cleared is skipped
     * @return the links made (whose old entry was null: created; else updated), by change
     */
    List<Change.LinkFile> install(NodePlan plan, Set<String> notInstalled, Set<String> clearedOut) {
        List<Change.LinkFile> ready = new ArrayList<>();
        for (Change.LinkFile l : plan.links()) {
            if (!notInstalled.contains(l.leader()) && (!plan.forced(l.path()) || clearedOut.contains(l.path()))) {
                ready.add(l);
            }
        }
        Set<String> skip = new HashSet<>();
        if (backup != null) {
            List<Change.LinkFile> replaced = ready.stream()
                    .filter(l -> l.replacesFile() && !clearedOut.contains(l.path())).toList();
            for (Change.LinkFile l : replaced) {
                if (!steps.op("prepare the backup of", l.path(), () -> backup.ensureDirs(Entry.parentOf(l.path())))) {
                    skip.add(l.path());
                }
            }
            steps.wave(replaced.stream().filter(l -> !skip.contains(l.path())).toList(),
                    (p, l) -> p.hardLink(steps.of(l.path()), backup.pathOf(l.path()), e -> {
                        steps.fail("back up (so not linked)", l.path(), e);
                        skip.add(l.path());
                    }));
        }
        List<String[]> temps = new ArrayList<>();
        for (Change.LinkFile l : ready) {
            if (!skip.contains(l.path())) {
                String parent = Entry.parentOf(l.path());
                temps.add(new String[] {l.path(), (parent.isEmpty() ? "" : parent + "/") + TempNames.next(), l.leader()});
            }
        }
        Set<String> failed = new HashSet<>();
        steps.wave(temps, (p, t) -> p.hardLink(steps.of(t[2]), steps.of(t[1]), e -> {
            steps.fail("link to " + t[2] + ":", t[0], e);
            failed.add(t[0]);
        }));
        List<String[]> made = temps.stream().filter(t -> !failed.contains(t[0])).toList();
        Set<String> linked = new HashSet<>();
        steps.wave(made, (p, t) -> p.posixRename(steps.of(t[1]), steps.of(t[0]),
                e -> steps.fail("replace (by a link to " + t[2] + ")", t[0], e), () -> linked.add(t[0])));
        // rename(2) of a name onto another name of the same file does nothing and succeeds: where the
        // name was linked already (the node's stat could not tell), the temporary name is still there.
        steps.wave(made, (p, t) -> p.remove(steps.of(t[1]), e -> { }));
        return ready.stream().filter(l -> linked.contains(l.path())).toList();
    }
}
