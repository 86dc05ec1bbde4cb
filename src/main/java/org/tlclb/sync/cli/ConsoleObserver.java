package org.tlclb.sync.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.tlclb.sync.plan.Change;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.report.TextReport;
import org.tlclb.sync.run.RunObserver;
import org.tlclb.sync.run.SyncUnit;
import org.tlclb.sync.ssh.Prompter;

/** Shows plans (dry run, -v) and asks the one question before anything changes. */
final class ConsoleObserver implements RunObserver {
    private final PrintWriter out;
    private final Prompter prompter;
    private final boolean ask;
    private final boolean showPlans;
    private final boolean onlyDrift;
    private volatile boolean drift;
    private final Map<String, List<String>> plans = new TreeMap<>();

    ConsoleObserver(PrintWriter out, Prompter prompter, boolean ask, boolean showPlans, boolean onlyDrift) {
        this.out = out;
        this.prompter = prompter;
        this.ask = ask;
        this.showPlans = showPlans;
        this.onlyDrift = onlyDrift;
    }

    boolean driftFound() {
        return drift;
    }

    /** With a terminal and not -q: show live progress while staging. */
    private boolean progress;
    private volatile ProgressDisplay display;

    void showProgress(boolean on) {
        this.progress = on;
    }

    @Override
    public void stagingStarted(long totalBytes, int nodes) {
        if (progress && totalBytes > 0) {
            display = new ProgressDisplay(totalBytes, nodes);
        }
    }

    @Override
    public void bytesSent(String node, long bytes) {
        ProgressDisplay d = display;
        if (d != null) {
            d.bytes(node, bytes);
        }
    }

    @Override
    public void nodeStaged(String node, boolean ok) {
        ProgressDisplay d = display;
        if (d != null) {
            d.nodeDone(node, ok);
        }
    }

    @Override
    public void stagingDone() {
        ProgressDisplay d = display;
        display = null;
        if (d != null) {
            d.close();
        }
    }

    @Override
    public synchronized void planned(String node, SyncUnit unit, NodePlan plan) {
        if (!plan.isEmpty()) {
            drift = true;
        }
        if (org.tlclb.sync.report.RunLog.perFileEnabled()) {
            for (Change c : plan.changes()) {
                org.tlclb.sync.report.RunLog.fileChange(node, c.itemize());
            }
        }
        if (!showPlans || onlyDrift && plan.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(node + ": " + unit.label());
        for (Change c : plan.changes()) {
            lines.add("  " + c.itemize());
        }
        for (String t : plan.staleTemps()) {
            lines.add("  *deleting   " + org.tlclb.sync.scan.TreeScanner.printable(t) + " (left by an interrupted run)");
        }
        lines.add(String.format("  %d created, %d updated, %d deleted, %s to send", plan.created(), plan.updated(),
                plan.deleted(), TextReport.bytes(plan.bytesToSend())));
        plans.put(node + "\u0000" + unit.label(), lines);
    }

    /** Prints the collected plans in node order (they arrive from many threads). */
    synchronized void printPlans() {
        for (List<String> lines : plans.values()) {
            lines.forEach(out::println);
        }
        out.flush();
        plans.clear();
    }

    @Override
    public boolean confirm(PlanSummary s) {
        printPlans();
        if (!ask) {
            return true;
        }
        if (s.nodesWithChanges() == 0) {
            return true;
        }
        out.printf("%d of %d nodes will change: %d created, %d updated, %d deleted, %s to send.%n",
                s.nodesWithChanges(), s.nodes(), s.created(), s.updated(), s.deleted(), TextReport.bytes(s.bytes()));
        out.println("Once the files are committed there is no turning back (use -n to see every change).");
        out.flush();
        return prompter.confirm("Push now? [y/N]");
    }
}
