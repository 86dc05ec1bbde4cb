package org.tlclb.sync.transfer;

import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * Where each changed file of a node plan is staged, and which directories the SCP stream walks
 * through (with the mode each is given). A file is staged beside its target when the SCP stream
 * can reach the target's directory: every directory on the way either exists on the node or is
 * new, and its name fits the line-based SCP protocol (no newline). Otherwise it is staged in the
 * deepest directory that can be reached and moved into place at commit.
 *
 * @param sourceRoot the local directory the items' targets are relative to
 * @param items    files to stream, sorted by staging directory
 * @param dirModes every directory the stream enters: its mode in the D line (the node's current
 *                 mode for directories that exist, so that staging changes nothing visible)
 * @param newDirs  directories the stream creates
 */
public record StagePlan(Path sourceRoot, List<StageItem> items, Map<String, Integer> dirModes, Set<String> newDirs) {

    /**
     * Depth-first order of staging directories ('/' sorts before every other character), so the
     * SCP stream enters each directory once: "a", "a/c", then "a b".
     */
    static final Comparator<StageItem> TREE_ORDER = Comparator
            .comparing((StageItem i) -> i.stageDir().replace('/', '\0'))
            .thenComparing(StageItem::target);

    public static StagePlan of(NodePlan plan, Manifest source, Manifest node, Path sourceRoot) {
        Set<String> forced = new HashSet<>();
        for (Change c : plan.changes()) {
            if (c instanceof Change.Delete d && d.forced()) {
                forced.add(d.path());
            }
        }
        List<StageItem> items = new ArrayList<>();
        Map<String, Integer> dirModes = new LinkedHashMap<>();
        Set<String> newDirs = new HashSet<>();
        Map<String, String> shared = new HashMap<>();
        for (Change c : plan.filesToSend()) {
            String target = c.path();
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
        items.sort(TREE_ORDER);
        return new StagePlan(sourceRoot, List.copyOf(items), dirModes, newDirs);
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
     * tool's full copy). Symlinks and names SCP cannot carry are left out with a warning.
     */
    public static StagePlan fullCopy(Manifest source, Path sourceRoot, List<String> warnings) {
        List<StageItem> items = new ArrayList<>();
        Map<String, Integer> dirModes = new LinkedHashMap<>();
        Map<String, String> shared = new HashMap<>();
        for (Entry e : source.entries()) {
            if (e.path().indexOf('\n') >= 0 || e.path().indexOf('\r') >= 0) {
                warnings.add(org.tlclb.sync.scan.TreeScanner.printable(e.path())
                        + ": SCP cannot carry this name and the node has no SFTP; skipped");
                continue;
            }
            if (e.isSymlink()) {
                warnings.add(org.tlclb.sync.scan.TreeScanner.printable(e.path())
                        + ": a symlink, and the node has no SFTP to create it; skipped");
            } else if (e.isDir() && !e.path().isEmpty()) {
                dirModes.put(e.path(), e.mode());
            } else if (e.isFile()) {
                String dir = shared.computeIfAbsent(Entry.parentOf(e.path()), d -> d);
                items.add(StageItem.underOwnName(e.path(), dir));
            }
        }
        items.sort(TREE_ORDER);
        return new StagePlan(sourceRoot, List.copyOf(items), dirModes, new HashSet<>(dirModes.keySet()));
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
        return new StagePlan(sourceRoot, List.copyOf(moved), modes, made);
    }
}
