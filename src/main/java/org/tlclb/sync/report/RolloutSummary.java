package org.tlclb.sync.report;

import java.util.List;

/**
 * A rolling push as a whole: how many nodes a batch commits, how many batches there were, the
 * batch where it stopped (null when every batch went through), and the steps in the order they
 * ran (for a dry run: would run).
 */
public record RolloutSummary(int batchSize, int batches, Integer stoppedAtBatch, List<String> steps) {
    public RolloutSummary {
        steps = List.copyOf(steps);
    }
}
