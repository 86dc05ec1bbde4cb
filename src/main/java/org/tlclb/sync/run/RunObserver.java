package org.tlclb.sync.run;

import java.util.List;

import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.report.NodeResult;

/**
 * What a run tells its user interface as it goes; every method has a no-op default, and
 * {@link #EMPTY} observes nothing. Calls come from the nodes' threads.
 */
public interface RunObserver {
    RunObserver EMPTY = new RunObserver() {
    };

    /** The phases of a run, in order. */
    enum Phase {
        CONNECT, LIST, STAGE, COMMIT
    }

    /** The run's {@code nodes} nodes start; the first phase is {@link Phase#CONNECT}. */
    default void started(int nodes) {
    }

    /** One node is through {@code phase} (or failed in it). */
    default void nodeDone(String node, Phase phase, boolean ok) {
    }

    /** A node's plan for one unit is known (the dry run prints it). */
    default void planned(String node, SyncUnit unit, NodePlan plan) {
    }

    /** tlclb rollback: what restoring {@code run} in {@code dest} puts back on a node (-n prints it). */
    default void restoring(String node, String dest, String run, List<String> entries, List<String> attributes) {
    }

    /** Asked once all plans are known, before anything changes; false declines the run. */
    default boolean confirm(PlanSummary summary) {
        return true;
    }

    /** Staging starts: this many files and payload bytes go out in all (summed over nodes). */
    default void stagingStarted(long totalFiles, long totalBytes) {
    }

    default void bytesSent(String node, long bytes) {
    }

    default void fileSent(String node) {
    }

    /** The run is over; the progress display goes. */
    default void finished() {
    }

    /** A node's final result. */
    default void result(NodeResult result) {
    }

    /**
     * Totals of all nodes' plans, for the question asked before changing anything.
     *
     * @param destinations the destinations of the run, for the question
     * @param changing     names of the nodes that will change
     * @param files        files to stream, summed over the nodes
     */
    record PlanSummary(int nodes, List<String> changing, List<String> destinations, long created,
                       long updated, long deleted, long bytes, long files) {
        public int nodesWithChanges() {
            return changing.size();
        }
    }
}
