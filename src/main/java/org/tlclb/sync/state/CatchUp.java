package org.tlclb.sync.state;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.tlclb.sync.scan.Generation;

/**
 * {@code --catch-up}: which nodes a push goes to when only the nodes that missed runs should get
 * one, and whether it may. The one place that keeps a catch-up from splitting the cluster over two
 * versions: the source must still be the tree the current nodes hold, unless the admin says any
 * source will do.
 */
public final class CatchUp {
    private CatchUp() {
    }

    /** What a catch-up does: push to {@code nodes}, or nothing (with the line that says why). */
    public sealed interface Decision {
    }

    /** Every selected node holds the latest generation: contact none. */
    public record NothingBehind(String message) implements Decision {
    }

    /** Push to these nodes (display names, in the order given). */
    public record Push(List<String> nodes) implements Decision {
        public Push {
            nodes = List.copyOf(nodes);
        }
    }

    /** The source is no longer what the current nodes hold: a full run is needed. */
    public record Refused(String message) implements Decision {
    }

    /**
     * @param selected  the nodes the command names (sync.conf's servers, or -w, less -x), display names
     * @param source    the source's generation, computed only when some node is behind
     * @param anySource push whatever the source is now to the nodes behind
     */
    public static Decision decide(DestinationRecord record, List<String> selected, Supplier<Generation> source,
                                  boolean anySource) {
        Set<String> current = record.nodes().stream()
                .filter(n -> n.standing(record.latest()) == NodeRecord.Standing.CURRENT)
                .map(NodeRecord::node).collect(Collectors.toSet());
        List<String> behind = selected.stream().filter(n -> !current.contains(n)).toList();
        if (behind.isEmpty()) {
            return new NothingBehind("nothing to catch up: " + (selected.size() == 1 ? "the node holds" : "all "
                    + selected.size() + " nodes hold") + " generation " + shortId(record.latest()) + " (run "
                    + record.latestRun() + ")");
        }
        if (record.latest() == null || anySource) {
            return new Push(behind);
        }
        Generation now = source.get();
        if (!now.id().equals(record.latest())) {
            return new Refused("--catch-up: the source is no longer generation " + shortId(record.latest())
                    + " that the current nodes hold (run " + record.latestRun() + "), it is " + now.shortId()
                    + ": push to every node (without --catch-up) to keep one version, or add --any-source to send"
                    + " this source to the nodes behind only");
        }
        return new Push(behind);
    }

    private static String shortId(String generation) {
        return generation == null ? "-" : new Generation(generation).shortId();
    }
}
