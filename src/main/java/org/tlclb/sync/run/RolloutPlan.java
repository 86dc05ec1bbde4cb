package org.tlclb.sync.run;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.tlclb.sync.config.Rolling;
import org.tlclb.sync.config.RolloutHooks;

/**
 * The order of a rolling push: the nodes that commit, in the order the run lists them, cut into
 * batches of the Rolling size (the last one may be smaller), and the steps each node of a batch goes
 * through. What {@code -n} shows and what {@link Rollout} runs.
 */
record RolloutPlan<T>(List<List<T>> batches) {
    RolloutPlan {
        batches = batches.stream().map(List::copyOf).toList();
    }

    static <T> RolloutPlan<T> of(List<T> nodes, Rolling rolling) {
        int size = rolling.batchSize(nodes.size());
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i += size) {
            out.add(nodes.subList(i, Math.min(nodes.size(), i + size)));
        }
        return new RolloutPlan<>(out);
    }

    /** The steps of one node, in order, as -n shows them (commands as written, before substitution). */
    static List<String> steps(RolloutHooks hooks, String postSync) {
        List<String> out = new ArrayList<>();
        if (hooks.drain() != null) {
            out.add("drain: " + hooks.drain() + " (here)");
        }
        if (!hooks.drainWait().isZero()) {
            out.add("wait " + hooks.drainWait().toSeconds() + " s");
        }
        out.add("commit");
        if (postSync != null) {
            out.add("post-sync: " + postSync + " (on the node)");
        }
        if (hooks.healthCheck() != null) {
            out.add("health check: " + hooks.healthCheck() + (hooks.healthLocal() ? " (here)" : " (on the node)")
                    + ", every " + hooks.healthInterval().toSeconds() + " s for up to "
                    + hooks.healthTimeout().toSeconds() + " s");
        }
        if (hooks.undrain() != null) {
            out.add("undrain: " + hooks.undrain() + " (here)");
        }
        return out;
    }

    /** The -n lines: each batch, its nodes and their steps. */
    List<String> describe(Function<T, String> name, RolloutHooks hooks, String postSync) {
        List<String> out = new ArrayList<>();
        String steps = String.join(" -> ", steps(hooks, postSync));
        for (int b = 0; b < batches.size(); b++) {
            out.add("batch " + (b + 1) + " of " + batches.size() + ": "
                    + String.join(", ", batches.get(b).stream().map(name).toList()) + ": " + steps);
        }
        return out;
    }
}
