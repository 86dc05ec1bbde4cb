package org.tlclb.sync.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.tlclb.sync.plan.Change;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.report.RunLog;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.TextReport;
import org.tlclb.sync.run.RunObserver;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.scan.Names;
import org.tlclb.sync.ssh.Prompter;

/**
 * The console side of a run: prints plans (dry run, -v), each distinct plan once with the nodes
 * that share it; asks the one question before anything changes; drives the progress line.
 */
final class ConsoleObserver implements RunObserver {
    private final PrintWriter out;
    private final Prompter prompter;
    private final boolean ask;
    private final boolean showPlans;
    private final boolean onlyDrift;
    private final ProgressLine progress;
    /** unit label -> a plan as printed -> nodes that share it. */
    private final Map<String, Map<List<String>, List<String>>> plans = new TreeMap<>();
    /** node -> files its plans send; what the stager did not count is added when the node is through staging. */
    private final Map<String, Long> filesToStage = new ConcurrentHashMap<>();
    /** node -> files the stager reported sent so far. */
    private final Map<String, Long> filesSent = new ConcurrentHashMap<>();
    /** node and destination -> the rollback listing, printed in node order. */
    private final Map<String, List<String>> restores = new TreeMap<>();

    ConsoleObserver(PrintWriter out, PrintWriter err, Prompter prompter, boolean ask, boolean showPlans,
                    boolean progress, RunMode mode) {
        this.out = out;
        this.prompter = prompter;
        this.ask = ask;
        this.showPlans = showPlans;
        this.onlyDrift = mode == RunMode.CHECK;
        this.progress = progress ? new ProgressLine(err) : null;
    }

    /**
     * A plan as the user reads it: its itemized lines and counts. Plans that print the same are
     * one, whatever else differs between the nodes (the mtime a node's directory has now).
     */
    private static List<String> printed(NodePlan plan) {
        List<String> lines = new ArrayList<>();
        for (Change c : plan.changes()) {
            lines.add("  " + c.itemize());
        }
        for (String t : plan.staleTemps()) {
            lines.add("  *deleting   " + Names.printable(t) + " (left by an interrupted run)");
        }
        lines.add(String.format("  %d created, %d updated, %d deleted, %s to send", plan.created(), plan.updated(),
                plan.deleted(), TextReport.bytes(plan.bytesToSend())));
        return List.copyOf(lines);
    }

    @Override
    public void started(int nodes) {
        if (progress != null) {
            progress.start(nodes);
        }
    }

    @Override
    public void nodeDone(String node, Phase phase, boolean ok) {
        if (progress != null) {
            progress.nodeDone(node, phase, ok);
            if (phase == Phase.STAGE && ok) {
                // a node through staging has them all, also those the stager did not count (skipped)
                long left = filesToStage.getOrDefault(node, 0L) - filesSent.getOrDefault(node, 0L);
                progress.filesSent(Math.max(0, left));
            }
        }
    }

    @Override
    public void stagingStarted(long totalFiles, long totalBytes) {
        if (progress != null) {
            progress.totals(totalFiles, totalBytes);
        }
    }

    @Override
    public void bytesSent(String node, long bytes) {
        if (progress != null) {
            progress.bytes(bytes);
        }
    }

    @Override
    public void fileSent(String node) {
        if (progress != null && filesSent.merge(node, 1L, Long::sum) <= filesToStage.getOrDefault(node, 0L)) {
            progress.filesSent(1);
        }
    }


    @Override
    public void finished() {
        if (progress != null) {
            progress.close();
        }
    }

    @Override
    public synchronized void planned(String node, SyncUnit unit, NodePlan plan) {
        filesToStage.merge(node, (long) plan.filesToSend().size(), Long::sum);
        if (RunLog.perFileEnabled()) {
            for (Change c : plan.changes()) {
                RunLog.fileChange(node, c.itemize());
            }
        }
        if (!showPlans || onlyDrift && plan.isEmpty()) {
            return;
        }
        plans.computeIfAbsent(unit.label(), k -> new LinkedHashMap<>())
                .computeIfAbsent(printed(plan), k -> new ArrayList<>()).add(node);
    }

    @Override
    public synchronized void restoring(String node, String dest, String run, List<String> entries,
                                       List<String> attributes) {
        if (!showPlans) {
            return;
        }
        List<String> lines = new ArrayList<>();
        for (String e : entries) {
            lines.add("  restore    " + Names.printable(e));
        }
        for (String a : attributes) {
            lines.add("  attributes " + Names.printable(a.isEmpty() ? "." : a));
        }
        lines.add("  " + (entries.size() + attributes.size()) + " to restore");
        restores.put(node + "\u0000" + dest, new ArrayList<>(List.of(node + ": " + dest + " run " + run)));
        restores.get(node + "\u0000" + dest).addAll(lines);
    }

    /** Prints the collected plans (they arrive from many threads), each once. */
    synchronized void printPlans() {
        plans.forEach((label, byPlan) -> {
            Map<String, List<String>> byFirstNode = new TreeMap<>(); // groups in the order of their first node
            byPlan.forEach((lines, nodes) -> {
                List<String> sorted = nodes.stream().sorted().toList();
                byFirstNode.put(sorted.get(0), new ArrayList<>(List.of(String.join(", ", sorted) + ": " + label)));
                byFirstNode.get(sorted.get(0)).addAll(lines);
            });
            byFirstNode.values().forEach(group -> group.forEach(out::println));
        });
        restores.values().forEach(lines -> lines.forEach(out::println));
        out.flush();
        plans.clear();
        restores.clear();
    }

    @Override
    public boolean confirm(PlanSummary s) {
        if (progress != null) {
            progress.pause();
        }
        printPlans();
        if (!ask || s.nodesWithChanges() == 0) {
            if (progress != null) {
                progress.resume(); // -y, or nothing to ask about: the run goes on, and so does its progress
            }
            return true;
        }
        String question = String.format("%s will change %s: %d created, %d updated, %d deleted, %s to send"
                        + " (%d of %d nodes).%nOnce the files are committed there is no turning back (-n shows every"
                        + " change).%nPush now? [y/N]",
                String.join(", ", s.changing()), String.join(" and ", s.destinations()), s.created(), s.updated(),
                s.deleted(), TextReport.bytes(s.bytes()), s.nodesWithChanges(), s.nodes());
        boolean yes = prompter.confirm(question);
        if (yes && progress != null) {
            progress.resume();
        }
        return yes;
    }

}
