package org.tlclb.sync.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything one node needs to match the source: the ordered changes (parents before children,
 * deletes of a directory after its children's), leftover temporary files of interrupted runs, and
 * the entries the plan refuses to touch (with why). The groups the stager and the committer work
 * through are sorted out here, once; they only execute.
 */
public final class NodePlan {
    private final List<Change> changes;
    private final List<String> staleTemps;
    private final List<String> warnings;
    private final List<Change.Delete> forcedDeletes = new ArrayList<>();
    private final Set<String> forcedPaths = new HashSet<>();
    private final List<Change.Mkdir> mkdirs = new ArrayList<>();
    private final List<Change> filesToSend = new ArrayList<>();
    private final List<Change.MakeSymlink> symlinks = new ArrayList<>();
    private final List<Change.SetAttrs> fileAttrs = new ArrayList<>();
    private final List<Change.SetAttrs> dirAttrs = new ArrayList<>();
    private final List<Change.SetAttrs> linkAttrs = new ArrayList<>();
    private final List<Change.LinkFile> links = new ArrayList<>();
    private final List<Change.Delete> deletes = new ArrayList<>();
    private final long created;
    private final long updated;
    private final long bytesToSend;
    private final long filesReplacedByLinks;

    /**
     * @param changes    ordered as {@link Planner} orders them
     * @param staleTemps relative paths of leftovers of interrupted runs (directories end with '/')
     * @param warnings   entries the plan leaves as they are although they differ from the source, and
     *                   why (e.g. a directory holding excluded files where the source has a file): after
     *                   the commit such a node is still not in sync
     */
    public NodePlan(List<Change> changes, List<String> staleTemps, List<String> warnings) {
        this.changes = List.copyOf(changes);
        this.staleTemps = List.copyOf(staleTemps);
        this.warnings = List.copyOf(warnings);
        long c = 0;
        long u = 0;
        long bytes = 0;
        long overFiles = 0;
        for (Change ch : this.changes) {
            if (ch instanceof Change.Delete d) {
                if (d.forced()) {
                    forcedDeletes.add(d);
                    forcedPaths.add(d.path());
                } else {
                    deletes.add(d);
                }
            } else if (ch instanceof Change.Mkdir m) {
                mkdirs.add(m);
                c++;
            } else if (ch instanceof Change.CreateFile f) {
                filesToSend.add(f);
                bytes += f.src().size();
                c++;
            } else if (ch instanceof Change.UpdateFile f) {
                filesToSend.add(f);
                bytes += f.src().size();
                u++;
            } else if (ch instanceof Change.MakeSymlink sl) {
                symlinks.add(sl);
                if (sl.old() == null) {
                    c++;
                } else {
                    u++;
                    overFiles += sl.old().isFile() ? 1 : 0;
                }
            } else if (ch instanceof Change.SetAttrs a) {
                (a.src().isDir() ? dirAttrs : a.src().isSymlink() ? linkAttrs : fileAttrs).add(a);
                u++;
            } else if (ch instanceof Change.LinkFile l) {
                links.add(l);
                if (l.old() == null) {
                    c++;
                } else {
                    u++;
                }
            }
        }
        this.created = c;
        this.updated = u;
        this.bytesToSend = bytes;
        this.filesReplacedByLinks = overFiles;
    }

    public NodePlan(List<Change> changes, List<String> staleTemps) {
        this(changes, staleTemps, List.of());
    }

    public List<Change> changes() {
        return changes;
    }

    public List<String> staleTemps() {
        return staleTemps;
    }

    public List<String> warnings() {
        return warnings;
    }

    public boolean isEmpty() {
        return changes.isEmpty() && staleTemps.isEmpty();
    }

    /** Entries of another type cleared out of the way of a source entry (deepest first within a subtree). */
    public List<Change.Delete> forcedDeletes() {
        return forcedDeletes;
    }

    public boolean forced(String path) {
        return forcedPaths.contains(path);
    }

    public List<Change.Mkdir> mkdirs() {
        return mkdirs;
    }

    /** Files to stream: creates and updates, in path order. */
    public List<Change> filesToSend() {
        return filesToSend;
    }

    public List<Change.MakeSymlink> symlinks() {
        return symlinks;
    }

    /** Files whose content is the same but whose mode or mtime is fixed in place. */
    public List<Change.SetAttrs> fileAttrs() {
        return fileAttrs;
    }

    /** Directories whose mode or mtime is fixed (the root too, unless the unit is of single files). */
    public List<Change.SetAttrs> dirAttrs() {
        return dirAttrs;
    }

    /** Symlinks whose own time is fixed in place (only where the node can set it). */
    public List<Change.SetAttrs> linkAttrs() {
        return linkAttrs;
    }

    /** Names made hard links to a file sent (or already there) under another name, in path order. */
    public List<Change.LinkFile> links() {
        return links;
    }

    /** Entries the source lacks (with delete on), children before their directory. */
    public List<Change.Delete> deletes() {
        return deletes;
    }

    public long bytesToSend() {
        return bytesToSend;
    }

    public long created() {
        return created;
    }

    public long updated() {
        return updated;
    }

    public long deleted() {
        return deletes.size() + forcedDeletes.size();
    }

    /**
     * Every entry the plan takes off the node, for whatever reason: what the delete guard counts.
     * The deletes, the entries of another type cleared out of the way of a source entry (a
     * directory replaced by a file or a link goes with everything in it), and the files a symlink
     * replaces in one rename (no delete of their own, but gone all the same).
     */
    public long removed() {
        return deleted() + filesReplacedByLinks;
    }

    /** Of {@link #removed()}, those that make room for another type of entry (not for --delete). */
    public long removedByTypeChanges() {
        return forcedDeletes.size() + filesReplacedByLinks;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof NodePlan p && p.changes.equals(changes) && p.staleTemps.equals(staleTemps)
                && p.warnings.equals(warnings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(changes, staleTemps, warnings);
    }

    @Override
    public String toString() {
        return "NodePlan" + changes + " stale " + staleTemps;
    }
}
