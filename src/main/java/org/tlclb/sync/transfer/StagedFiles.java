package org.tlclb.sync.transfer;

import java.util.BitSet;

/**
 * Which items of a stage plan were fully written: a bit per item of the (possibly shared) plan
 * rather than a map per node, since a full push to 32 nodes held 640,000 map entries for it.
 */
public final class StagedFiles {
    private final StagePlan plan;
    private final BitSet done = new BitSet();

    public StagedFiles(StagePlan plan) {
        this.plan = plan;
    }

    void add(int index) {
        done.set(index);
    }

    /** The item staged for {@code target}, or null when it was not (fully) written. */
    public StageItem get(String target) {
        int i = plan.indexOf(target);
        return i >= 0 && done.get(i) ? plan.items().get(i) : null;
    }

    public boolean contains(String target) {
        return get(target) != null;
    }

    public boolean isEmpty() {
        return done.isEmpty();
    }

    public int size() {
        return done.cardinality();
    }
}
