package org.tlclb.sync.config;

import java.util.Optional;

/**
 * The batch size of a rolling push ({@code Rolling N|P%}, {@code --rolling}): a count of nodes, or a
 * share of the run's nodes rounded up; never less than one node, never more than all of them
 * ({@link NodeCount}, the form {@link MinNodes} takes too).
 */
public record Rolling(NodeCount count) {
    /** The form an error quotes. */
    public static final String USAGE = NodeCount.USAGE;

    public Rolling(int value, boolean percent) {
        this(new NodeCount(value, percent));
    }

    /** "1" or "25%"; empty when the text is neither, or out of range (the caller names where it was written). */
    public static Optional<Rolling> parse(String text) {
        return NodeCount.parse(text).map(Rolling::new);
    }

    /** The nodes committed at once, of {@code nodes} the rollout commits. */
    public int batchSize(int nodes) {
        return count.of(nodes);
    }

    @Override
    public String toString() {
        return count.toString();
    }
}
