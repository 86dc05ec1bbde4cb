package org.tlclb.sync.transfer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.plan.Change;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.remote.NodePaths;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.NotCarried;
import org.tlclb.sync.ssh.ShellBatch;
import org.tlclb.sync.ssh.SftpPipeline;
import org.tlclb.sync.ssh.SftpTimes;

/**
 * Makes a staged node plan visible, over SFTP, executing the plan's groups in order: entries of
 * another type in the way are cleared, new subtrees renamed into place, missing directories made,
 * symlinks made under a temporary name and renamed, every staged file renamed over its target
 * (atomic per file), attributes fixed, deletions applied, leftovers of interrupted runs removed, and
 * directory modes and mtimes set last (every change touches its parent's mtime). Names of a file with
 * several names are linked to it once it is in place ({@link LinkInstaller}); times SFTP cannot
 * carry are set by the node's shell at the very end ({@link TimeFixes}).
 *
 * <p>Every entry is reached through {@link NodePaths}: by its path where only root and the login
 * can change its directory, else through the directory the node's shell holds. What goes into a
 * directory others may change was staged apart (in the run's private staging directory), and a new
 * subtree there is finished where it was staged (its symlinks, owners, directory modes and times)
 * before it is renamed in, so the commit never sets an attribute on a name someone may swap.
 *
 * <p>With a backup run, every replaced or deleted entry is kept in the {@link BackupArea} first, and
 * an entry whose backup cannot be made is left as it is (never replaced or deleted without one).
 * Per-entry errors do not stop the commit; the result counts what was really done.
 *
 * <p>Longer than most classes here on purpose: the order of the groups is the commit's safety (a
 * backup before its replace, children before their directory's attributes), and it reads as one
 * sequence; the request mechanics are in {@link CommitSteps}.
 */
public final class SftpCommitter {
    private final SftpClient sftp;
    private final NodePaths paths;
    private final CommitOptions options;
    private final BackupArea backup;
    private final HardLink hardLink;
    private final CommitSteps steps;
    private final String root;
    /** The node can set a symlink's own time (lsetstat@openssh.com). */
    private final boolean linkTimes;
    private final TimeFixes times = new TimeFixes();
    /** Symlinks made, whose own time is set once they are all in place (where the node can). */
    private final List<Entry> linksMade = new ArrayList<>();
    /** Files the commit put in place (leaders of hard links among them). */
    private final Set<String> installed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger updated = new AtomicInteger();
    private final AtomicInteger deleted = new AtomicInteger();

    /** @param backup the node's backup area with the run opened, or null without backups */
    public SftpCommitter(SftpClient sftp, NodePaths paths, CommitOptions options, BackupArea backup) {
        this.sftp = sftp;
        this.paths = paths;
        this.options = options;
        this.backup = backup;
        HardLink hl = new HardLink(sftp, sftp.getServerExtensions());
        this.hardLink = hl.isSupported() ? hl : null;
        this.steps = new CommitSteps(sftp, paths);
        this.root = paths.root();
        this.linkTimes = sftp.getServerExtensions().containsKey(SftpPipeline.LSETSTAT);
    }

    /**
     * The directories others may change that the commit works in: they must be held
     * ({@link NodePaths#hold}) before it starts. New directories are not among them: what goes into
     * one made in an open directory is finished where it was staged.
     */
    public static Set<String> dirsToHold(NodePlan plan, NodePaths paths) {
        Set<String> made = new HashSet<>();
        plan.mkdirs().forEach(m -> made.add(m.path()));
        Set<String> out = new TreeSet<>();
        for (Change c : plan.changes()) {
            String parent = Entry.parentOf(c.path());
            if (parent != null && paths.open(parent) && !made.contains(parent)) {
                out.add(parent);
            }
            if (c instanceof Change.SetAttrs a && a.src().isDir() && paths.exposed(a.path())) {
                out.add(a.path());
            }
        }
        for (String temp : plan.staleTemps()) {
            String parent = Entry.parentOf(temp.endsWith("/") ? temp.substring(0, temp.length() - 1) : temp);
            if (parent != null && paths.open(parent)) {
                out.add(parent);
            }
        }
        return out;
    }

    public CommitResult commit(NodePlan plan, StageResult staged, Manifest source) {
        Set<String> dirsToFix = new HashSet<>();
        Set<String> made = new HashSet<>();
        plan.mkdirs().forEach(m -> made.add(m.path()));
        // Files that changed while they were read never become visible: inside a new subtree they
        // have their real names, so they go before the subtree is renamed into place.
        List<String> abandoned = staged.abandoned();
        steps.wave(abandoned, (p, temp) -> p.remove(steps.staged(temp), e -> steps.fail("remove the temporary file",
                temp, e)));
        for (String temp : abandoned) {
            dirsToFix.add(Entry.parentOf(staged.realPath(temp)));
        }
        if (backup != null) {
            recordAttrs(plan);
        }
        Set<String> clearedOut = clear(plan.forcedDeletes(), plan);
        finishApart(plan, staged, source, made);
        steps.wave(List.copyOf(staged.subtrees().entrySet()), (p, s) -> p.posixRename(steps.staged(s.getKey()),
                steps.of(s.getValue()), e -> steps.fail("install the new directory", s.getValue(), e)));
        Set<String> madeByStream = staged.createdRealDirs();
        for (Change.Mkdir m : plan.mkdirs()) {
            if (!m.path().isEmpty() && !madeByStream.contains(m.path())) {
                if (paths.exposed(m.path())) {
                    steps.error("cannot create " + m.display() + " safely: a name SCP cannot carry, in a directory"
                            + " other users can change");
                    continue;
                }
                steps.op("create directory", m.path(), () -> sftp.mkdir(steps.of(m.path())));
            }
            created.incrementAndGet();
        }
        for (Change.MakeSymlink s : plan.symlinks()) {
            if (!madeApart(s.path(), made)) {
                symlink(s, clearedOut);
            }
        }
        setLinkTimes(linksMade); // one wave for every link made, not a round trip each
        install(plan.filesToSend(), staged, clearedOut);
        Set<String> notInstalled = new HashSet<>();
        plan.filesToSend().forEach(c -> notInstalled.add(c.path()));
        notInstalled.removeAll(installed);
        for (Change.LinkFile l : new LinkInstaller(steps, backup).install(plan, notInstalled, clearedOut)) {
            (l.old() == null ? created : updated).incrementAndGet();
        }
        steps.wave(plan.fileAttrs(), (p, c) -> p.setStat(steps.of(c.path()), c.src().mode(), c.src().mtime(), -1, -1,
                e -> steps.fail("set attributes of", c.path(), e), () -> {
                    updated.incrementAndGet();
                    times.add(c.src());
                }));
        setLinkTimes(plan.linkAttrs().stream().map(Change.SetAttrs::src).toList());
        updated.addAndGet(plan.linkAttrs().size());
        deleteAll(plan.deletes());
        removeLeftovers(plan.staleTemps(), dirsToFix);
        for (Change c : plan.changes()) {
            String parent = Entry.parentOf(c.path());
            if (parent != null && !(c instanceof Change.SetAttrs)) {
                dirsToFix.add(parent);
            }
            if (c instanceof Change.Mkdir) {
                dirsToFix.add(c.path());
            }
        }
        for (Change.SetAttrs a : plan.dirAttrs()) {
            dirsToFix.add(a.path());
            updated.incrementAndGet();
        }
        // Last, since every change inside a directory moves its mtime; a child's setstat does not
        // touch its parent, so the order among directories does not matter. New directories made
        // apart were finished before they were renamed in.
        List<Entry> dirs = new ArrayList<>();
        for (String d : dirsToFix) {
            if (!madeApart(d, made)) {
                source.get(d).filter(Entry::isDir).ifPresent(dirs::add);
            }
        }
        if (backup != null && source.get("").filter(r -> !SftpTimes.carries(r.mtime())).isPresent()) {
            dirs.add(source.get("").get()); // the backup area's making moved the root's time, which SFTP cannot put back
        }
        // --chown: the directories this run made get the owner too, as its files do
        steps.wave(dirs, (p, e) -> p.setStat(steps.self(e.path()), e.mode(), e.mtime(),
                made.contains(e.path()) ? options.uid() : -1, made.contains(e.path()) ? options.gid() : -1,
                x -> steps.fail("set attributes of", e.path(), x)));
        if (paths.stageDir() != null && staged.createdDirs().contains(paths.stageDir())) {
            // Empty by now, unless a file of it could not be renamed in (the next run's lock removes it).
            steps.wave(List.of(paths.stageDir()), (p, d) -> p.rmdir(steps.staged(d), x -> { }));
        }
        dirs.forEach(times::add);
        List<NotCarried> notCarried = times.isEmpty() ? List.of() : times.apply(
                new ShellBatch(sftp.getClientSession(), root, CoreModuleProperties.IDLE_TIMEOUT.getRequired(
                        sftp.getClientSession())));
        return new CommitResult(created.get(), updated.get(), deleted.get(), steps.errors(), notCarried);
    }

    /** Whether {@code rel} is in (or is) a new directory made in a directory others may change. */
    private boolean madeApart(String rel, Set<String> made) {
        for (String d = rel; d != null && !d.isEmpty(); d = Entry.parentOf(d)) {
            if (made.contains(d) && paths.exposed(d)) {
                return true;
            }
        }
        return false;
    }

    /**
     * New subtrees staged apart, finished where they are before they are renamed in: their
     * symlinks, --chown of what is in them, and the modes and times of their directories.
     */
    private void finishApart(NodePlan plan, StageResult staged, Manifest source, Set<String> made) {
        Map<String, String> subtrees = staged.subtrees();
        if (subtrees.isEmpty() || subtrees.values().stream().noneMatch(paths::exposed)) {
            return;
        }
        Map<String, String> tempOf = new TreeMap<>();
        subtrees.forEach((temp, real) -> {
            if (paths.exposed(real)) {
                tempOf.put(real, temp);
            }
        });
        for (Change.MakeSymlink s : plan.symlinks()) {
            String wire = wire(s.path(), tempOf);
            if (wire != null && madeApart(s.path(), made)) {
                steps.op("symlink", s.path(), () -> {
                    sftp.symLink(steps.staged(wire), s.src().linkTarget());
                    created.incrementAndGet();
                });
            }
        }
        List<String> owned = new ArrayList<>();
        List<Entry> dirs = new ArrayList<>();
        for (Change c : plan.changes()) {
            String wire = wire(c.path(), tempOf);
            if (wire == null) {
                continue;
            }
            if (c instanceof Change.Mkdir m) {
                dirs.add(m.src());
            } else if (c instanceof Change.CreateFile || c instanceof Change.UpdateFile) {
                owned.add(wire);
            }
        }
        if (options.uid() >= 0 || options.gid() >= 0) {
            steps.wave(owned, (p, w) -> p.setStat(steps.staged(w), -1, -1, options.uid(), options.gid(),
                    e -> steps.fail("change the owner of", w, e)));
        }
        steps.wave(dirs, (p, e) -> p.setStat(steps.staged(wire(e.path(), tempOf)), e.mode(), e.mtime(),
                options.uid(), options.gid(), x -> steps.fail("set attributes of", e.path(), x)));
    }

    /** Where the stream put {@code rel}, inside the new subtree staged apart that holds it; null if none does. */
    private static String wire(String rel, Map<String, String> tempOf) {
        for (Map.Entry<String, String> t : tempOf.entrySet()) {
            String real = t.getKey();
            if (rel.equals(real)) {
                return t.getValue();
            }
            if (rel.startsWith(real + "/")) {
                return t.getValue() + rel.substring(real.length());
            }
        }
        return null;
    }

    /** The attributes the plan changes in place, kept for rollback before they change. */
    private void recordAttrs(NodePlan plan) {
        List<Entry> before = new ArrayList<>();
        plan.fileAttrs().forEach(a -> before.add(a.old()));
        plan.dirAttrs().forEach(a -> before.add(a.old()));
        steps.op("record attributes for the backup of", ".", () -> backup.recordAttrs(before));
    }

    /**
     * Clears entries of another type out of the way (moved into the backup when on, a subtree in one
     * rename); returns the paths that are now clear.
     */
    private Set<String> clear(List<Change.Delete> forced, NodePlan plan) {
        Set<String> clear = new HashSet<>();
        List<Change.Delete> dirs = new ArrayList<>();
        for (Change.Delete d : forced) {
            if (backup != null) {
                if (!plan.forced(Entry.parentOf(d.path()))) { // the topmost: its subtree goes with it
                    if (moveToBackup(d.old(), "back up and replace")) {
                        markSubtree(forced, d.path(), clear);
                    }
                }
            } else if (d.old().isDir()) {
                dirs.add(d);
            } else if (steps.op("delete", d.path(), () -> sftp.remove(steps.of(d.path())))) {
                clear.add(d.path());
                deleted.incrementAndGet();
            }
        }
        for (Change.Delete d : dirs) { // children came first in the plan: deepest first here too
            if (steps.op("delete", d.path(), () -> sftp.rmdir(steps.of(d.path())))) {
                clear.add(d.path());
                deleted.incrementAndGet();
            }
        }
        return clear;
    }

    private void markSubtree(List<Change.Delete> forced, String top, Set<String> clear) {
        for (Change.Delete d : forced) {
            if (d.path().equals(top) || d.path().startsWith(top + "/")) {
                clear.add(d.path());
                deleted.incrementAndGet();
            }
        }
    }

    /** Moves an entry into the backup; false (and an error) when that cannot be done. */
    private boolean moveToBackup(Entry old, String what) {
        return steps.op(what, old.path(), () -> {
            backup.ensureDirs(Entry.parentOf(old.path()));
            steps.rename(steps.of(old.path()), backup.pathOf(old.path()));
        });
    }

    /**
     * Staged files renamed over their targets, in one wave; with backups, a wave of hard links first
     * (the target never goes missing), and a file whose link failed keeps its old content.
     */
    private void install(List<Change> files, StageResult staged, Set<String> clearedOut) {
        List<Change> ready = new ArrayList<>();
        for (Change c : files) {
            if (staged.staged().contains(c.path()) && reachable(c.path(), clearedOut, c)) {
                ready.add(c);
            }
        }
        Set<String> notBackedUp = new HashSet<>();
        if (backup != null) {
            List<Change> replaced = ready.stream()
                    .filter(c -> c instanceof Change.UpdateFile uf && uf.replacesFile()).toList();
            if (!replaced.isEmpty() && hardLink == null) {
                steps.error("the node's SFTP server has no hardlink@openssh.com, so replaced files cannot be"
                        + " backed up: nothing was replaced; run with --no-backup");
                replaced.forEach(c -> notBackedUp.add(c.path()));
            } else {
                for (Change c : replaced) {
                    if (!steps.op("prepare the backup of", c.path(), () -> backup.ensureDirs(Entry.parentOf(c.path())))) {
                        notBackedUp.add(c.path());
                    }
                }
                steps.wave(replaced.stream().filter(c -> !notBackedUp.contains(c.path())).toList(),
                        (p, c) -> p.hardLink(steps.of(c.path()), backup.pathOf(c.path()), e -> {
                            steps.fail("back up (so not replaced)", c.path(), e);
                            synchronized (notBackedUp) {
                                notBackedUp.add(c.path());
                            }
                        }));
            }
        }
        List<Change> toRename = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (Change c : ready) {
            StageItem item = staged.staged().get(c.path());
            if (notBackedUp.contains(c.path())) {
                if (!item.underOwnName()) {
                    dropped.add(item.tempPath());
                }
            } else if (item.underOwnName()) {
                count(c); // in place already: its new subtree was renamed as a whole
            } else {
                toRename.add(c);
            }
        }
        steps.wave(dropped, (p, temp) -> p.remove(steps.staged(temp), e -> steps.fail("remove the temporary file",
                temp, e)));
        boolean chown = options.uid() >= 0 || options.gid() >= 0;
        if (chown) {
            // Where others may change the directory, the owner is set while the file is still staged apart.
            steps.wave(toRename.stream().filter(c -> paths.exposed(c.path())).toList(),
                    (p, c) -> p.setStat(steps.staged(staged.staged().get(c.path()).tempPath()), -1, -1, options.uid(),
                            options.gid(), e -> steps.fail("change the owner of", c.path(), e)));
        }
        steps.wave(toRename, (p, c) -> p.posixRename(steps.staged(staged.staged().get(c.path()).tempPath()),
                steps.of(c.path()), e -> steps.fail("replace", c.path(), e), () -> count(c)));
        if (chown) {
            steps.wave(ready.stream().filter(c -> !notBackedUp.contains(c.path()) && !paths.exposed(c.path())).toList(),
                    (p, c) -> p.setStat(steps.of(c.path()), -1, -1, options.uid(), options.gid(),
                            e -> steps.fail("change the owner of", c.path(), e)));
        }
    }

    /** A file whose place was to be cleared of another type goes in only when it was. */
    private static boolean reachable(String path, Set<String> clearedOut, Change c) {
        return !(c instanceof Change.UpdateFile uf && !uf.old().isFile()) || clearedOut.contains(path);
    }

    private void count(Change c) {
        (c instanceof Change.CreateFile ? created : updated).incrementAndGet();
        installed.add(c.path());
        if (c instanceof Change.CreateFile f) {
            times.add(f.src());
        } else if (c instanceof Change.UpdateFile f) {
            times.add(f.src());
        }
    }

    /**
     * Deletes: with backups, each topmost deleted entry moves into the backup in one rename (its
     * subtree goes with it); without, files go in one wave and directories by depth, deepest first.
     */
    private void deleteAll(List<Change.Delete> deletes) {
        Set<String> paths = new HashSet<>();
        deletes.forEach(d -> paths.add(d.path()));
        if (backup != null) {
            for (Change.Delete d : deletes) {
                if (!ancestorIn(d.path(), paths) && moveToBackup(d.old(), "back up and delete")) {
                    for (Change.Delete inner : deletes) {
                        if (inner.path().equals(d.path()) || inner.path().startsWith(d.path() + "/")) {
                            deleted.incrementAndGet();
                        }
                    }
                }
            }
            return;
        }
        steps.wave(deletes.stream().filter(d -> !d.old().isDir()).toList(), (p, d) -> p.remove(steps.of(d.path()),
                x -> steps.fail("delete", d.path(), x), () -> deleted.incrementAndGet()));
        TreeMap<Integer, List<Change.Delete>> byDepth = new TreeMap<>(Comparator.reverseOrder());
        for (Change.Delete d : deletes) {
            if (d.old().isDir()) {
                byDepth.computeIfAbsent(d.path().split("/").length, k -> new ArrayList<>()).add(d);
            }
        }
        for (List<Change.Delete> level : byDepth.values()) {
            steps.wave(level, (p, d) -> p.rmdir(steps.of(d.path()), x -> steps.fail("delete", d.path(), x),
                    () -> deleted.incrementAndGet()));
        }
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
     * Leftovers of interrupted runs: temporary files, and temporary subtrees (listed with a trailing
     * '/'). A subtree in a directory others may change is first moved into the run's private
     * staging directory, then removed there: never walked through a name someone may swap.
     */
    private void removeLeftovers(List<String> staleTemps, Set<String> dirsToFix) {
        steps.wave(staleTemps.stream().filter(t -> !t.endsWith("/")).toList(),
                (p, temp) -> p.remove(steps.of(temp), e -> steps.failUnlessGone("remove leftover temporary file", temp, e)));
        for (String temp : staleTemps) {
            boolean dir = temp.endsWith("/");
            String path = dir ? temp.substring(0, temp.length() - 1) : temp;
            if (dir) {
                steps.op("remove leftover temporary directory", path, () -> {
                    String where = steps.of(path);
                    if (paths.exposed(path)) {
                        String apart = paths.stageBase() + "/" + TempNames.next();
                        steps.rename(where, apart);
                        where = apart;
                    }
                    RemoteTree.remove(sftp, where);
                });
            }
            dirsToFix.add(Entry.parentOf(path));
        }
    }

    private void symlink(Change.MakeSymlink ms, Set<String> clearedOut) {
        if (ms.old() != null && !ms.old().isSymlink() && !ms.old().isFile() && !clearedOut.contains(ms.path())) {
            return; // another type was in the way and could not be cleared: its error is reported
        }
        steps.op("symlink", ms.path(), () -> {
            String parent = Entry.parentOf(ms.path());
            // Made beside its target, or apart where others may change the directory.
            String temp = paths.exposed(ms.path()) ? paths.stageBase() + "/" + TempNames.next()
                    : steps.of((parent.isEmpty() ? "" : parent + "/") + TempNames.next());
            sftp.symLink(temp, ms.src().linkTarget());
            if (ms.old() != null && backup != null && !clearedOut.contains(ms.path())) {
                try {
                    backup.ensureDirs(parent);
                    if (hardLink == null) {
                        throw new IOException("the node's SFTP server has no hardlink@openssh.com; run with --no-backup");
                    }
                    hardLink.link(steps.of(ms.path()), backup.pathOf(ms.path()));
                } catch (IOException e) {
                    sftp.remove(temp);
                    throw new IOException("cannot back it up (so not replaced): " + e.getMessage(), e);
                }
            }
            steps.rename(temp, steps.of(ms.path()));
            if (linkTimes) {
                linksMade.add(ms.src());
            }
            if (ms.old() == null) {
                created.incrementAndGet();
            } else {
                updated.incrementAndGet();
            }
        });
    }

    /** A symlink's own time: by lsetstat in a wave, or at the end by the node's shell. */
    private void setLinkTimes(List<Entry> links) {
        steps.wave(links, (p, e) -> {
            if (SftpTimes.carries(e.mtime())) {
                p.setLinkTime(steps.of(e.path()), e.mtime(), x -> steps.fail("set the time of", e.path(), x));
            } else {
                times.add(e);
            }
        });
    }
}
