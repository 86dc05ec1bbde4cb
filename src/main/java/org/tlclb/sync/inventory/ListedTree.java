package org.tlclb.sync.inventory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.remote.Trust;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.ExcludeRules;

/**
 * A node's tree as its directory listings come in: the names a node must never send (empty,
 * with '/' or NUL, "." and ".." are skipped) fail the listing, the backup area and excluded
 * subtrees are left out, leftovers of interrupted runs are set apart, and symlinks get their
 * targets (looked up ahead, or afterwards for those nobody predicted).
 */
final class ListedTree {
    private final String root;
    private final ExcludeRules excludes;
    final Map<String, Entry> entries;
    final List<String> temps;
    /** Directories holding entries the excludes leave out. */
    final Set<String> holdsExcluded;
    /** Link targets read so far, by relative path. */
    final Map<String, String> linkTargets = new HashMap<>();
    /** Symlinks listed whose target was not read ahead. */
    final List<String> unresolvedLinks = new ArrayList<>();
    /** Directories whose entries others than root and the login may change (see {@link Trust}). */
    final Set<String> openDirs;
    private final int loginUid;
    /** The listed mtimes of those symlinks. */
    private final Map<String, Long> unresolvedTimes = new HashMap<>();

    ListedTree(String root, ExcludeRules excludes, Map<String, Entry> entries, List<String> temps,
               Set<String> holdsExcluded, Set<String> openDirs, int loginUid) {
        this.root = root;
        this.excludes = excludes;
        this.entries = entries;
        this.temps = temps;
        this.holdsExcluded = holdsExcluded;
        this.openDirs = openDirs;
        this.loginUid = loginUid;
    }

    /** Records whether the destination's own entries may be changed by others. */
    void root(int uid, int mode) {
        if (!Trust.sealed(uid, mode, loginUid)) {
            openDirs.add("");
        }
    }

    /**
     * Takes one listed name of {@code dir} into the inventory; returns its path when it is a
     * directory to descend into.
     */
    String accept(String dir, SftpNames.Listed n) throws IOException {
        String name = n.name();
        if (name.equals(".") || name.equals("..")) {
            return null;
        }
        if (name.isEmpty() || name.contains("/") || name.indexOf('\0') >= 0) {
            // A node must never make us address something outside the tree.
            throw new IOException("node listed an invalid name in " + (dir.isEmpty() ? root : root + "/" + dir)
                    + ": " + name);
        }
        String rel = dir.isEmpty() ? name : dir + "/" + name;
        if (dir.isEmpty() && name.equals(TempNames.BACKUP_DIR)) {
            return null;
        }
        int type = n.perms() & SftpNames.S_IFMT;
        if (TempNames.isTemp(name)) {
            temps.add(type == SftpNames.S_IFDIR ? rel + "/" : rel); // a subtree left by an interrupted run
            return null;
        }
        if (excludes.excludes(rel, type == SftpNames.S_IFDIR)) {
            holdsExcluded.add(dir);
            return null;
        }
        int mode = n.perms() & 07777;
        if (type == SftpNames.S_IFLNK) {
            String target = linkTargets.get(rel);
            if (target != null) {
                entries.put(rel, Entry.symlink(rel, target, n.mtime()));
            } else {
                unresolvedLinks.add(rel);
                unresolvedTimes.put(rel, n.mtime());
            }
        } else if (type == SftpNames.S_IFDIR) {
            entries.put(rel, Entry.dir(rel, n.mtime(), mode));
            // Its parent was taken first: whoever may change the parent may swap this one too.
            if (openDirs.contains(dir) || !Trust.sealed(n.uid(), mode, loginUid)) {
                openDirs.add(rel);
            }
            return rel;
        } else if (type == SftpNames.S_IFREG) {
            entries.put(rel, Entry.file(rel, n.size(), n.mtime(), mode));
        } else {
            // Special file on the node: of unknown content, so it is replaced or deleted.
            entries.put(rel, Entry.file(rel, -1, n.mtime(), mode));
        }
        return null;
    }

    /** Gives the symlinks listed without a target theirs, from {@link #linkTargets}. */
    void resolveLinks() throws IOException {
        for (String link : unresolvedLinks) {
            String target = linkTargets.get(link);
            if (target == null) {
                throw new IOException("cannot read link " + root + "/" + link);
            }
            entries.put(link, Entry.symlink(link, target, unresolvedTimes.getOrDefault(link, 0L)));
        }
    }
}
