package org.tlclb.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.config.Tunables;

class StageChannelsTest {
    static final long MS = 1_000_000L;
    static final long WINDOW = StageChannels.OPENSSH_WINDOW;
    static final long MB = 1_000_000L;

    @Test
    void aLanGetsOneChannelWhateverTheSize() {
        assertThat(StageChannels.count(MS / 2, WINDOW, 4_000 * MB, 3000, 0)).isEqualTo(1);
        assertThat(StageChannels.count(5 * MS, WINDOW, 4_000 * MB, 3000, 0)).isEqualTo(1);
    }

    @Test
    void aLongRoundTripGetsEnoughWindowsInFlightForAGigabitLink() {
        // 125 MB/s x 100 ms = 12.5 MB in flight = 6 windows of 2 MiB
        assertThat(StageChannels.count(100 * MS, WINDOW, 300 * MB, 3000, 0)).isEqualTo(6);
        // 2.5 MB: a second window would add a fifth of one, not worth a process on the node
        assertThat(StageChannels.count(20 * MS, WINDOW, 300 * MB, 3000, 0)).isEqualTo(1);
        assertThat(StageChannels.count(30 * MS, WINDOW, 300 * MB, 3000, 0)).isEqualTo(2);
        assertThat(StageChannels.count(500 * MS, WINDOW, 300 * MB, 3000, 0)).isEqualTo(Tunables.SCP_CHANNELS.get());
    }

    @Test
    void aSmallPlanOrOneFileOrAnUnknownRoundTripGetsOne() {
        assertThat(StageChannels.count(100 * MS, WINDOW, 2 * MB, 30, 0)).as("within a few windows").isEqualTo(1);
        assertThat(StageChannels.count(100 * MS, WINDOW, 13 * MB, 30, 0)).as("two channels' worth").isEqualTo(2);
        assertThat(StageChannels.count(100 * MS, WINDOW, 1_000 * MB, 1, 0)).as("one file").isEqualTo(1);
        assertThat(StageChannels.count(100 * MS, WINDOW, 1_000 * MB, 3, 0)).as("three files").isEqualTo(3);
        assertThat(StageChannels.count(0, WINDOW, 1_000 * MB, 3000, 0)).as("no round trip measured").isEqualTo(1);
    }

    @Test
    void aBandwidthLimitNeedsOnlyTheWindowsItFills() {
        // 5 MB/s x 100 ms = 0.5 MB: one window carries it
        assertThat(StageChannels.count(100 * MS, WINDOW, 300 * MB, 3000, 5 * MB)).isEqualTo(1);
        // 50 MB/s x 100 ms = 5 MB: 2.4 windows
        assertThat(StageChannels.count(100 * MS, WINDOW, 300 * MB, 3000, 50 * MB)).isEqualTo(2);
    }

    @Test
    void batchesCoverEveryItemOnceInOrderWithAboutEqualBytes() {
        List<StageItem> items = new ArrayList<>();
        Map<String, Long> sizes = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            String t = String.format("d%02d/f%04d", i / 100, i);
            items.add(StageItem.underOwnName(t, t.substring(0, 3)));
            sizes.put(t, i % 10 == 0 ? 4_000_000L : 20_000L);
        }
        StagePlan plan = new StagePlan(Path.of("/src"), items, Map.of(), new HashSet<>(), Map.of());
        int[] b = StageChannels.batches(plan, i -> sizes.get(i.target()), 4);
        assertThat(b[0]).isZero();
        assertThat(b[b.length - 1]).isEqualTo(1000);
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        long target = total / (4 * 8);
        for (int k = 0; k + 1 < b.length; k++) {
            assertThat(b[k + 1]).isGreaterThan(b[k]);
            long bytes = 0;
            for (int i = b[k]; i < b[k + 1]; i++) {
                bytes += sizes.get(items.get(i).target());
            }
            assertThat(bytes).as("batch " + k).isLessThan(target + 4_100_000L);
        }
        assertThat(b.length - 1).isBetween(20, 40);
        assertThat(StageChannels.batches(plan, i -> 0, 1)).containsExactly(0, 1000);
    }
}
