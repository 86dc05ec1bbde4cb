package org.tlclb.sync.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.Names;

/**
 * Decides what differs between the source and a node: rsync's generator, as a pure function.
 * A file is unchanged by {@link Diff#sameContent}; then only a differing mode (or mtime) is fixed
 * in place. Files the excludes protect on the node are never touched: a directory that holds some
 * is neither deleted nor replaced by another type (the plan says so in its warnings), and without
 * delete a directory that is not empty is not replaced by another type either (rsync's "cannot
 * delete non-empty directory").
 */
public final class Planner {
    private Planner() {
    }

    public static NodePlan plan(Manifest source, Manifest node, List<String> staleTemps, PlanOptions options) {
        return plan(source, node, staleTemps, Set.of(), options);
    }

    /**
     * @param holdsExcluded directories of the node that hold entries the excludes hide (so they
     *                      can never become empty)
     */
    public static NodePlan plan(Manifest source, Manifest node, List<String> staleTemps, Set<String> holdsExcluded,
                                PlanOptions options) {
        // The source is walked in no particular order (sorting 20,000 paths cost more than the
        // rest of a plan that finds nothing to do); the changes found are sorted by path, which
        // puts every directory before its children, and the deletes that clear the way for an
        // entry come right before it.
        Set<String> protectedDirs = withAncestors(holdsExcluded);
        List<Change> found = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, List<Change>> clearing = new HashMap<>();
        Set<String> cleared = new HashSet<>();
        List<Entry[]> followers = new ArrayList<>();
        for (Entry src : source.unordered()) {
            Entry old = node.get(src.path()).orElse(null);
            if (old != null && old.type() != src.type() && !(src.isSymlink() && old.isFile())) {
                if (old.isDir() && protectedDirs.contains(old.path())) {
                    warnings.add(Names.printable(old.path()) + "/ is a directory on the node that holds excluded"
                            + " files, and the source has a " + src.type().name().toLowerCase(Locale.ROOT) + " there: left as it is"
                            + " (remove it on the node, or change the excludes)");
                    continue;
                }
                if (old.isDir() && !options.delete() && hasChildren(node, old.path())) {
                    warnings.add(Names.printable(old.path()) + "/ is a directory on the node that is not empty, and the"
                            + " source has a " + src.type().name().toLowerCase(Locale.ROOT) + " there: cannot delete"
                            + " non-empty directory without --delete, left as it is");
                    continue;
                }
                // Another type is in the way: clear it (and, for a directory, its subtree) first.
                List<Change> group = new ArrayList<>();
                clearSubtree(node, old, group, cleared);
                clearing.put(src.path(), group);
                old = null;
            }
            if (src.isFile() && options.links().isFollower(src.path())) {
                followers.add(new Entry[] {src, old}); // once every leader is planned
                continue;
            }
            planEntry(src, old, options, found);
        }
        planLinks(followers, options, found);
        found.sort(Comparator.comparing(Change::path));
        List<Change> changes = new ArrayList<>(found.size() + clearing.size());
        for (Change c : found) {
            List<Change> group = clearing.get(c.path());
            if (group != null) {
                changes.addAll(group);
            }
            changes.add(c);
        }
        if (options.delete()) {
            List<Entry> gone = new ArrayList<>();
            for (Entry old : node.unordered()) {
                if (!source.contains(old.path()) && !cleared.contains(old.path())
                        && !(old.isDir() && protectedDirs.contains(old.path()))
                        && !options.excludes().excludesWithAncestors(old.path(), old.isDir())) {
                    gone.add(old);
                }
            }
            // Children before their directory: reverse path order.
            gone.sort(Comparator.comparing(Entry::path).reversed());
            for (Entry old : gone) {
                changes.add(new Change.Delete(old, false));
            }
        }
        return new NodePlan(changes, staleTemps, warnings);
    }

    private static Set<String> withAncestors(Set<String> dirs) {
        Set<String> out = new HashSet<>();
        for (String d : dirs) {
            for (String p = d; p != null && !p.isEmpty() && out.add(p); p = Entry.parentOf(p)) {
                // every ancestor holds the excluded entry too
            }
        }
        return out;
    }

    private static void planEntry(Entry src, Entry old, PlanOptions options, List<Change> changes) {
        switch (src.type()) {
            case DIR -> {
                if (old == null) {
                    changes.add(new Change.Mkdir(src));
                } else if ((src.mode() != old.mode() || src.mtime() != old.mtime())
                        && (options.rootAttrs() || !src.path().isEmpty())) {
                    changes.add(new Change.SetAttrs(src, old));
                }
            }
            case FILE -> {
                if (old == null) {
                    changes.add(new Change.CreateFile(src));
                } else if (!Diff.sameContent(src, old, options.checksum())) {
                    changes.add(new Change.UpdateFile(src, old));
                } else if (src.mode() != old.mode() || src.mtime() != old.mtime()) {
                    // In a directory others may change, the name may be a link by the time it is set.
                    boolean exposed = options.openDirs().contains(Entry.parentOf(src.path()));
                    changes.add(exposed ? new Change.UpdateFile(src, old) : new Change.SetAttrs(src, old));
                }
            }
            case SYMLINK -> {
                if (old == null || !old.isSymlink() || !src.linkTarget().equals(old.linkTarget())) {
                    changes.add(new Change.MakeSymlink(src, old));
                } else if (options.linkTimes() && src.mtime() != old.mtime()) {
                    changes.add(new Change.SetAttrs(src, old)); // its own time, where the node can set it
                }
            }
        }
    }

    /**
     * A name of a file with several names is linked to its leader on the node unless it already is
     * the same file there and the leader is not sent anew (a new leader is a new file, which every
     * name must then be linked to). Its attributes are the leader's: that file's fix covers it.
     */
    private static void planLinks(List<Entry[]> followers, PlanOptions options, List<Change> found) {
        if (followers.isEmpty()) {
            return;
        }
        Set<String> sent = new HashSet<>();
        for (Change c : found) {
            if (c instanceof Change.CreateFile || c instanceof Change.UpdateFile) {
                sent.add(c.path());
            }
        }
        for (Entry[] f : followers) {
            Entry src = f[0];
            Entry old = f[1];
            String leader = options.links().leader(src.path());
            boolean linked = old != null && old.isFile() && !sent.contains(leader)
                    && options.linkedOnNode(src.path(), leader);
            if (!linked) {
                found.add(new Change.LinkFile(src, old, leader));
            }
        }
    }

    private static boolean hasChildren(Manifest node, String dir) {
        String prefix = dir + "/"; // "x-y" sorts between "x" and "x/a": look from "x/" on
        String next = node.asMap().ceilingKey(prefix);
        return next != null && next.startsWith(prefix);
    }

    private static void clearSubtree(Manifest node, Entry old, List<Change> changes, Set<String> cleared) {
        List<Entry> subtree = new ArrayList<>();
        subtree.add(old);
        if (old.isDir()) {
            for (Map.Entry<String, Entry> e : node.asMap().tailMap(old.path() + "/", true).entrySet()) {
                if (!e.getKey().startsWith(old.path() + "/")) {
                    break;
                }
                subtree.add(e.getValue());
            }
        }
        for (int i = subtree.size() - 1; i >= 0; i--) {
            Entry e = subtree.get(i);
            if (cleared.add(e.path())) {
                changes.add(new Change.Delete(e, true));
            }
        }
    }
}
