package org.tlclb.sync.state;

import java.time.Instant;

/**
 * What the admin host knows of one node and destination. Times are the admin host's.
 *
 * @param node        the node's name, as reports give it
 * @param generation  the generation the node holds (its last successful run's), or null: never pushed
 * @param lastSuccess when a run last brought it in sync, or null
 * @param lastRun     that run's id, or null
 * @param lastFailure when a run last failed there, or null
 * @param failure     why it failed, or null
 * @param behindSince when it first missed a generation the others got, or null while current
 * @param runsMissed  how many committed runs it has missed since
 */
public record NodeRecord(String node, String generation, Instant lastSuccess, String lastRun, Instant lastFailure,
                         String failure, Instant behindSince, int runsMissed) {

    public static NodeRecord never(String node) {
        return new NodeRecord(node, null, null, null, null, null, null, 0);
    }

    /** Where the node stands against the destination's latest generation. */
    public Standing standing(String latest) {
        if (generation == null) {
            return Standing.NEVER;
        }
        return generation.equals(latest) ? Standing.CURRENT : Standing.BEHIND;
    }

    /** A node's place in the cluster's history. */
    public enum Standing {
        CURRENT, BEHIND, NEVER
    }
}
