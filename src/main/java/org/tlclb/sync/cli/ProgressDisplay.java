package org.tlclb.sync.cli;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The live progress line on a terminal (stderr): bytes staged of the total with the rate, nodes
 * done, and which nodes are slow or failed. Only ever built when a terminal is there.
 */
final class ProgressDisplay implements AutoCloseable {
    private final ProgressBar bar;
    private final int nodes;
    private final Map<String, AtomicLong> perNode = new ConcurrentHashMap<>();
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final Set<String> failed = ConcurrentHashMap.newKeySet();

    ProgressDisplay(long totalBytes, int nodes) {
        this.nodes = nodes;
        this.bar = new ProgressBarBuilder().setTaskName("staging").setInitialMax(Math.max(1, totalBytes))
                .setStyle(ProgressBarStyle.ASCII).setUnit("MiB", 1 << 20).showSpeed().setUpdateIntervalMillis(250)
                .continuousUpdate().build();
        refresh();
    }

    void bytes(String node, long n) {
        perNode.computeIfAbsent(node, k -> new AtomicLong()).addAndGet(n);
        bar.stepBy(n);
    }

    void nodeDone(String node, boolean ok) {
        done.add(node);
        if (!ok) {
            failed.add(node);
        }
        refresh();
    }

    private void refresh() {
        StringBuilder sb = new StringBuilder("nodes ").append(done.size()).append('/').append(nodes);
        long avg = perNode.isEmpty() ? 0 : perNode.values().stream().mapToLong(AtomicLong::get).sum() / perNode.size();
        String slow = String.join(",", perNode.entrySet().stream()
                .filter(e -> !done.contains(e.getKey()) && avg > (1 << 20) && e.getValue().get() < avg / 2)
                .map(Map.Entry::getKey).sorted().toList());
        if (!slow.isEmpty()) {
            sb.append(" slow: ").append(slow);
        }
        if (!failed.isEmpty()) {
            sb.append(" FAILED: ").append(String.join(",", failed.stream().sorted().toList()));
        }
        bar.setExtraMessage(sb.toString());
    }

    @Override
    public void close() {
        refresh();
        bar.close();
    }
}
