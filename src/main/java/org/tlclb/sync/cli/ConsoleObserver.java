package org.tlclb.sync.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
    /** unit label -> plan -> nodes that share it, in node order once printed. */
    private final Map<String, Map<PlanKey, List<String>>> plans = new TreeMap<>();
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

    /** A plan by content: identical plans of several nodes print once. */
    private record PlanKey(NodePlan plan) {
        @Override
        public boolean equals(Object o) {
            return o instanceof PlanKey k && (k.plan == plan || k.plan.equals(plan));
        }

        @Override
        public int hashCode() {
            return Objects.hash(plan.changes().size(), plan.staleTemps().size());
        }
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
        if (progress != null) {
            progress.file();
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
        if (RunLog.perFileEnabled()) {
            for (Change c : plan.changes()) {
                RunLog.fileChange(node, c.itemize());
            }
        }
        if (!showPlans || onlyDrift && plan.isEmpty()) {
            return;
        }
        plans.computeIfAbsent(unit.label(), k -> new LinkedHashMap<>())
                .computeIfAbsent(new PlanKey(plan), k -> new ArrayList<>()).add(node);
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
            lines.add("  attributes " + Names.printable(a));
        }
        lines.add("  " + (entries.size() + attributes.size()) + " to restore");
        restores.put(node + "\u0000" + dest, new ArrayList<>(List.of(node + ": " + dest + " run " + run)));
        restores.get(node + "\u0000" + dest).addAll(lines);
    }

    /** Prints the collected plans (they arrive from many threads), each once. */
    synchronized void printPlans() {
        plans.forEach((label, byPlan) -> byPlan.forEach((key, nodes) -> {
            NodePlan plan = key.plan();
            out.println(String.join(", ", nodes.stream().sorted().toList()) + ": " + label);
            for (Change c : plan.changes()) {
                out.println("  " + c.itemize());
            }
            for (String t : plan.staleTemps()) {
                out.println("  *deleting   " + Names.printable(t) + " (left by an interrupted run)");
            }
            out.printf("  %d created, %d updated, %d deleted, %s to send%n", plan.created(), plan.updated(),
                    plan.deleted(), TextReport.bytes(plan.bytesToSend()));
        }));
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
