package org.tlclb.sync.transfer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tlclb.sync.plan.Change;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.NotCarried;

/**
 * Where each changed file of a node plan is staged, and which directories the SCP stream walks
 * through (with the mode each is given). Three cases:
 * <ul>
 * <li>A file under a directory that does not exist on the node goes into a <em>new subtree</em>:
 *     the topmost missing directory is streamed under a temporary name, with everything below it
 *     under the real names, and the commit renames that one directory into place. A full push of
 *     a tree is then a handful of renames instead of one per file, and the SCP headers carry the
 *     short real names (the node's scp reads a header one byte per system call).</li>
 * <li>A file in an existing directory is staged beside its target under a temporary name.</li>
 * <li>When the stream cannot reach the target's directory (a name the line-based SCP protocol
 *     cannot carry, or an entry of another type in the way) the file is staged under a temporary
 *     name in the deepest directory that can be reached and moved into place at commit.</li>
 * <li>A file or new subtree whose directory others may change ({@link Exposure}) is never written
 *     there: it is staged in the run's private staging directory inside the state area, where only
 *     the run can reach it, and renamed in at commit through the directory the node's shell holds.
 *     New empty directories there are streamed into that directory too.</li>
 * </ul>
 * Paths here ({@code stageDir}, {@code dirModes}, {@code newDirs}) are as the stream sees them:
 * inside a new subtree they start with its temporary name.
 *
 * @param sourceRoot the local directory the items' targets are relative to
 * @param items    files to stream, sorted by staging directory
 * @param dirModes every directory the stream enters: its mode in the D line (the node's current
 *                 mode for directories that exist, so that staging changes nothing visible)
 * @param newDirs  directories the stream creates
 * @param subtrees temporary path of each new subtree -> the path it is renamed to at commit
 * @param index    target -> position in {@code items}
 * @param dirTimes directories whose mtime the stream sets itself (a T line before their D line): the
 *                 full copy's, which nothing else sets; empty where the commit sets them
 */
public record StagePlan(Path sourceRoot, List<StageItem> items, Map<String, Integer> dirModes, Set<String> newDirs,
                        Map<String, String> subtrees, Map<String, Integer> index, Map<String, Long> dirTimes) {

    public StagePlan(Path sourceRoot, List<StageItem> items, Map<String, Integer> dirModes, Set<String> newDirs,
                     Map<String, String> subtrees) {
        this(sourceRoot, items, dirModes, newDirs, subtrees, index(items), Map.of());
    }

    /** Immutable: one plan is shared by every node whose tree is the same (views, not copies, of large maps). */
    public StagePlan {
        items = List.copyOf(items);
        dirModes = Collections.unmodifiableMap(dirModes);
        newDirs = Collections.unmodifiableSet(newDirs);
        subtrees = Collections.unmodifiableMap(subtrees);
        index = Collections.unmodifiableMap(index);
        dirTimes = Collections.unmodifiableMap(dirTimes);
    }

    /**
     * Depth-first order of staging directories ('/' sorts before every other character), so the
     * SCP stream enters each directory once: "a", "a/c", then "a b".
     */
    static final Comparator<StageItem> TREE_ORDER = Comparator
            .comparing((StageItem i) -> i.stageDir().replace('/', '\0'))
            .thenComparing(StageItem::target);

    /**
     * Which directories others may change, and where the run stages what goes into them.
     *
     * @param openDirs the node's open directories, with the plan's new directories made in them
     *                 ({@link org.tlclb.sync.remote.NodePaths#withNewDirs})
     * @param stageDir the run's private staging directory as the stream sees it, and every
     *                 directory above it that the stream enters ("" separated by '/')
     */
    public record Exposure(Set<String> openDirs, String stageDir) {
        public static final Exposure NONE = new Exposure(Set.of(), null);

        boolean exposed(String rel) {
            return rel != null && !rel.isEmpty() && openDirs.contains(Entry.parentOf(rel));
        }
    }

    public static StagePlan of(NodePlan plan, Manifest source, Manifest node, Path sourceRoot) {
        return of(plan, source, node, sourceRoot, Exposure.NONE);
    }

    public static StagePlan of(NodePlan plan, Manifest source, Manifest node, Path sourceRoot, Exposure exposure) {
        Set<String> forced = new HashSet<>();
        for (Change c : plan.changes()) {
            if (c instanceof Change.Delete d && d.forced()) {
                forced.add(d.path());
            }
        }
        // New subtrees: the topmost missing directory of each file, unless some file or directory
        // under it has a name SCP cannot carry (then that subtree is staged file by file).
        Map<String, String> rootOf = new HashMap<>();
        Set<String> unfit = new HashSet<>();
        for (Change c : plan.filesToSend()) {
            String top = missingTop(Entry.parentOf(c.path()), node, forced);
            if (top != null) {
                rootOf.put(c.path(), top);
                if (!scpSafe(c.path().substring(top.length()))) {
                    unfit.add(top);
                }
            }
        }
        List<StageItem> items = new ArrayList<>();
        Map<String, Integer> dirModes = new LinkedHashMap<>();
        Set<String> newDirs = new HashSet<>();
        Map<String, String> shared = new HashMap<>();
        Map<String, String> tempRoots = new HashMap<>();
        for (Change c : plan.filesToSend()) {
            String target = c.path();
            String top = rootOf.get(target);
            if (top != null && !unfit.contains(top)) {
                boolean apart = exposure.exposed(top);
                String tempRoot = tempRoots.computeIfAbsent(top, t -> {
                    if (apart) {
                        return exposure.stageDir() + "/" + TempNames.next();
                    }
                    String parent = Entry.parentOf(t);
                    return (parent.isEmpty() ? "" : parent + "/") + TempNames.next();
                });
                String parent = Entry.parentOf(target);
                String dir = shared.computeIfAbsent(tempRoot + parent.substring(top.length()), d -> d);
                for (String real = parent, wire = dir; real.length() >= top.length();
                     real = Entry.parentOf(real), wire = Entry.parentOf(wire)) {
                    dirModes.putIfAbsent(wire, source.get(real).map(Entry::mode).orElse(0755));
                    newDirs.add(wire);
                    if (real.equals(top)) {
                        break;
                    }
                }
                if (apart) {
                    stageDirChain(exposure, dirModes, newDirs);
                } else {
                    existingAncestors(Entry.parentOf(top), node, dirModes);
                }
                items.add(StageItem.underOwnName(target, dir));
                continue;
            }
            if (exposure.exposed(target)) {
                String dir = shared.computeIfAbsent(exposure.stageDir(), d -> d);
                stageDirChain(exposure, dirModes, newDirs);
                items.add(new StageItem(target, dir, TempNames.randomHigh(), TempNames.randomLow()));
                continue;
            }
            String dir = shared.computeIfAbsent(reachable(Entry.parentOf(target), source, node, forced), d -> d);
            for (String d = dir; d != null && !d.isEmpty(); d = Entry.parentOf(d)) {
                Entry existing = node.get(d).orElse(null);
                if (existing != null && existing.isDir()) {
                    dirModes.putIfAbsent(d, existing.mode());
                } else {
                    dirModes.putIfAbsent(d, source.get(d).map(Entry::mode).orElse(0755));
                    newDirs.add(d);
                }
            }
            items.add(new StageItem(target, dir, TempNames.randomHigh(), TempNames.randomLow()));
        }
        // New directories without files in directories others may change: streamed apart as well.
        for (Change.Mkdir m : plan.mkdirs()) {
            if (m.path().isEmpty() || !exposure.openDirs().contains(Entry.parentOf(m.path()))) {
                continue;
            }
            String top = missingTop(m.path(), node, forced);
            if (top == null || !exposure.exposed(top) || unfit.contains(top) || !scpSafe(m.path().substring(top.length()))) {
                continue;
            }
            String tempRoot = tempRoots.computeIfAbsent(top, t -> exposure.stageDir() + "/" + TempNames.next());
            stageDirChain(exposure, dirModes, newDirs);
            for (String real = m.path(), wire = tempRoot + m.path().substring(top.length());
                 real.length() >= top.length(); real = Entry.parentOf(real), wire = Entry.parentOf(wire)) {
                dirModes.putIfAbsent(wire, source.get(real).map(Entry::mode).orElse(0755));
                newDirs.add(wire);
                if (real.equals(top)) {
                    break;
                }
            }
        }
        items.sort(TREE_ORDER);
        Map<String, String> subtrees = new LinkedHashMap<>();
        tempRoots.forEach((real, temp) -> subtrees.put(temp, real));
        return new StagePlan(sourceRoot, List.copyOf(items), dirModes, newDirs, subtrees);
    }

    /**
     * The stream enters the staging directory through the state area: both private (0700); the
     * area exists (the node lock made it), the staging directory is the stream's to make.
     */
    private static void stageDirChain(Exposure exposure, Map<String, Integer> dirModes, Set<String> newDirs) {
        String stage = exposure.stageDir();
        for (String d = Entry.parentOf(stage); d != null && !d.isEmpty(); d = Entry.parentOf(d)) {
            dirModes.putIfAbsent(d, 0700);
        }
        dirModes.putIfAbsent(stage, 0700);
        newDirs.add(stage);
    }

    /** The stream walks through existing directories with their current modes. */
    private static void existingAncestors(String dir, Manifest node, Map<String, Integer> dirModes) {
        for (String d = dir; d != null && !d.isEmpty(); d = Entry.parentOf(d)) {
            int mode = node.get(d).map(Entry::mode).orElse(0755);
            if (dirModes.putIfAbsent(d, mode) != null) {
                return;
            }
        }
    }

    /**
     * The topmost directory on the way to {@code dir} that the node does not have at all, when
     * every directory above it exists on the node as a directory; null otherwise.
     */
    private static String missingTop(String dir, Manifest node, Set<String> forced) {
        if (dir == null || dir.isEmpty()) {
            return null;
        }
        int from = 0;
        while (true) {
            int slash = dir.indexOf('/', from);
            String d = slash < 0 ? dir : dir.substring(0, slash);
            Entry existing = node.get(d).orElse(null);
            // An entry of another type there is cleared before the new subtrees go in: as good as missing.
            if (existing == null || forced.contains(d)) {
                return !scpSafe(d.substring(d.lastIndexOf('/') + 1)) ? null : d;
            }
            if (!existing.isDir() || slash < 0) {
                return null;
            }
            from = slash + 1;
        }
    }

    private static boolean scpSafe(String name) {
        return name.indexOf('\n') < 0 && name.indexOf('\r') < 0;
    }

    /** Nothing to stream: no file, and no new directory (one in a directory others may change is streamed too). */
    public boolean isEmpty() {
        return items.isEmpty() && newDirs.isEmpty();
    }

    /** Index of the item for {@code target} in {@link #items()}, or -1. */
    public int indexOf(String target) {
        return index.getOrDefault(target, -1);
    }

    private static Map<String, Integer> index(List<StageItem> items) {
        Map<String, Integer> m = new HashMap<>(items.size() * 2);
        for (int i = 0; i < items.size(); i++) {
            m.put(items.get(i).target(), i);
        }
        return m;
    }

    /** The deepest ancestor-or-self of {@code dir} the SCP stream can enter. */
    private static String reachable(String dir, Manifest source, Manifest node, Set<String> forced) {
        List<String> chain = new ArrayList<>();
        for (String d = dir; d != null && !d.isEmpty(); d = Entry.parentOf(d)) {
            chain.add(0, d);
        }
        String ok = "";
        for (String d : chain) {
            Entry existing = node.get(d).orElse(null);
            boolean enterable = existing == null ? !forced.contains(d) : existing.isDir() && !forced.contains(d);
            String name = d.substring(d.lastIndexOf('/') + 1);
            if (!enterable || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                break;
            }
            ok = d;
        }
        return ok;
    }

    /**
     * For a node without SFTP: every file of the source, under its real name (the original
     * tool's full copy). Symlinks and names SCP cannot carry are left out, each in {@code notCarried}.
     */
    public static StagePlan fullCopy(Manifest source, Path sourceRoot, List<NotCarried> notCarried) {
        List<StageItem> items = new ArrayList<>();
        Map<String, Integer> dirModes = new LinkedHashMap<>();
        Map<String, Long> dirTimes = new HashMap<>();
        Map<String, String> shared = new HashMap<>();
        for (Entry e : source.entries()) {
            if (e.isDir()) {
                dirTimes.put(e.path(), e.mtime());
            }
            if (e.path().indexOf('\n') >= 0 || e.path().indexOf('\r') >= 0) {
                notCarried.add(new NotCarried(e.path(), "SCP cannot carry this name and the node has no SFTP"));
                continue;
            }
            if (e.isSymlink()) {
                notCarried.add(new NotCarried(e.path(), "a symlink, and the node has no SFTP to create it"));
            } else if (e.isDir() && !e.path().isEmpty()) {
                dirModes.put(e.path(), e.mode());
            } else if (e.isFile()) {
                String dir = shared.computeIfAbsent(Entry.parentOf(e.path()), d -> d);
                items.add(StageItem.underOwnName(e.path(), dir));
            }
        }
        items.sort(TREE_ORDER);
        List<StageItem> all = List.copyOf(items);
        return new StagePlan(sourceRoot, all, dirModes, new HashSet<>(dirModes.keySet()), Map.of(), index(all),
                dirTimes);
    }

    /**
     * The same plan seen from the parent directory: every path gains {@code name/} in front, so a
     * stream opened on the parent creates the destination itself when it is missing (the SCP-only
     * fallback has no SFTP to make it).
     */
    public StagePlan under(String name, int mode) {
        List<StageItem> moved = new ArrayList<>();
        Map<String, String> shared = new HashMap<>();
        for (StageItem i : items) {
            String dir = shared.computeIfAbsent(i.stageDir().isEmpty() ? name : name + "/" + i.stageDir(), d -> d);
            moved.add(new StageItem(i.target(), dir, i.high(), i.low()));
        }
        Map<String, Integer> modes = new LinkedHashMap<>();
        modes.put(name, mode);
        dirModes.forEach((d, m) -> modes.put(name + "/" + d, m));
        Set<String> made = new HashSet<>();
        made.add(name);
        newDirs.forEach(d -> made.add(name + "/" + d));
        moved.sort(TREE_ORDER);
        Map<String, Long> times = new HashMap<>();
        dirTimes.forEach((d, t) -> times.put(d.isEmpty() ? name : name + "/" + d, t));
        List<StageItem> all = List.copyOf(moved);
        return new StagePlan(sourceRoot, all, modes, made, Map.of(), index(all), times);
    }
}
