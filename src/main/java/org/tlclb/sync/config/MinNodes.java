package org.tlclb.sync.config;

import java.util.Optional;

/**
 * How many of a push's nodes must have staged for it to commit ({@code MinNodes N|P%},
 * {@code --min-nodes}): every node (the default, all-or-nothing), a count, or a share of the run's
 * nodes rounded up. {@code --partial-ok} is a count of 1. A count above the run's nodes (a {@code
 * -w} subset) asks for all of them.
 */
public record MinNodes(NodeCount count) {
    /** Every node of the run: all-or-nothing. */
    public static final MinNodes ALL = new MinNodes(100, true);
    /** --partial-ok: commit wherever staging went through. */
    public static final MinNodes ONE = new MinNodes(1, false);
    /** The form an error quotes. */
    public static final String USAGE = NodeCount.USAGE;

    public MinNodes(int value, boolean percent) {
        this(new NodeCount(value, percent));
    }

    /** "3" or "75%"; empty when the text is neither (the caller names where it was written). */
    public static Optional<MinNodes> parse(String text) {
        return NodeCount.parse(text).map(MinNodes::new);
    }

    /** The nodes that must have staged, of {@code nodes} the run works on. */
    public int required(int nodes) {
        return count.of(nodes);
    }

    public boolean all() {
        return count.percent() && count.value() == 100;
    }

    @Override
    public String toString() {
        return count.toString();
    }
}
