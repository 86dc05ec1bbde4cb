package org.tlclb.sync.run;

import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.report.NodeResult;

/** What a run tells its user interface as it goes; every method has a no-op default. */
public interface RunObserver {
    RunObserver NONE = new RunObserver() {
    };

    /** A node's plan for one unit is known (the dry run prints it). */
    default void planned(String node, SyncUnit unit, NodePlan plan) {
    }

    /** Asked once all plans are known, before anything changes; false declines the run. */
    default boolean confirm(PlanSummary summary) {
        return true;
    }

    /** Staging starts: this many payload bytes go out in all. */
    default void stagingStarted(long totalBytes, int nodes) {
    }

    default void bytesSent(String node, long bytes) {
    }

    /** A node finished staging (ok) or failed. */
    default void nodeStaged(String node, boolean ok) {
    }

    /** Staging is over on every node (the progress display closes here). */
    default void stagingDone() {
    }

    default void nodeDone(NodeResult result) {
    }

    /** Totals of all nodes' plans, for the question asked before changing anything. */
    record PlanSummary(int nodes, int nodesWithChanges, long created, long updated, long deleted, long bytes) {
    }
}
