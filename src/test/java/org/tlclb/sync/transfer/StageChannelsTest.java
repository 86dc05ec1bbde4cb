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
        // 125 MB/s x 100 ms = 12.5 MB in flight; a channel keeps 3/4 of its 2 MiB window in flight
        assertThat(StageChannels.count(100 * MS, WINDOW, 300 * MB, 3000, 0)).isEqualTo(8);
        assertThat(StageChannels.count(20 * MS, WINDOW, 300 * MB, 3000, 0)).isEqualTo(2);
        assertThat(StageChannels.count(30 * MS, WINDOW, 300 * MB, 3000, 0)).isEqualTo(3);
        assertThat(StageChannels.count(10 * MS, WINDOW, 300 * MB, 3000, 0)).isEqualTo(1);
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
        // 50 MB/s x 100 ms = 5 MB: 3.2 channels' worth
        assertThat(StageChannels.count(100 * MS, WINDOW, 300 * MB, 3000, 50 * MB)).isEqualTo(4);
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
        int[] b = StageChannels.batches(items.stream().mapToLong(i -> sizes.get(i.target())).toArray(), 4);
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
        assertThat(StageChannels.batches(new long[1000], 1)).containsExactly(0, 1000);
    }

    @Test
    void aLargeFileIsCutIntoPartsByItsShareOfTheChannelsTheFirstUnderItsOwnStagingName() {
        List<StageItem> items = List.of(StageItem.underOwnName("big/a.iso", "big"),
                new StageItem("small.txt", "", 5, 6), new StageItem("big/b.iso", "big", 7, 8));
        StagePlan plan = new StagePlan(Path.of("/src"), items, Map.of(), new HashSet<>(), Map.of());
        long[] sizes = {256L << 20, 5000, (32L << 20) + 3};
        List<Piece> pieces = StageChannels.pieces(plan, sizes, 6, true);
        assertThat(pieces.stream().filter(p -> p.index() == 0)).as("256 of 288 MiB: 5.3 channels' share").hasSize(6);
        assertThat(pieces.stream().filter(p -> p.index() == 1)).singleElement()
                .satisfies(p -> assertThat(p.isPart()).isFalse()).satisfies(p -> assertThat(p.written()).isSameAs(items.get(1)));
        assertThat(pieces.stream().filter(p -> p.index() == 2)).as("a share under one channel: whole").singleElement()
                .satisfies(p -> assertThat(p.isPart()).isFalse());
        long at = 0;
        HashSet<String> names = new HashSet<>();
        List<Piece> parts = pieces.stream().filter(x -> x.index() == 0).toList();
        assertThat(parts.get(0).written()).as("the first part is the file's own staging").isSameAs(items.get(0));
        assertThat(parts.get(0).isLaterPart()).isFalse();
        for (Piece p : parts) {
            assertThat(p.offset()).isEqualTo(at);
            at += p.length();
            assertThat(p.written().stageDir()).isEqualTo("big");
            names.add(p.written().tempName());
            if (p.isLaterPart()) {
                assertThat(org.tlclb.sync.plan.TempNames.isTemp(p.written().tempName())).isTrue();
            }
        }
        assertThat(at).isEqualTo(sizes[0]);
        assertThat(names).hasSize(6);
        // Four equal large files over 8 channels: two parts each, not eight.
        long[] four = {256L << 20, 256L << 20, 256L << 20, 256L << 20};
        List<StageItem> isos = List.of(new StageItem("a", "", 1, 1), new StageItem("b", "", 2, 2),
                new StageItem("c", "", 3, 3), new StageItem("d", "", 4, 4));
        StagePlan fourPlan = new StagePlan(Path.of("/src"), isos, Map.of(), new HashSet<>(), Map.of());
        assertThat(StageChannels.pieces(fourPlan, four, 8, true)).hasSize(8);
        assertThat(StageChannels.pieces(plan, sizes, 6, false)).as("the node cannot join").hasSize(3);
        assertThat(StageChannels.pieces(plan, sizes, 1, true)).as("one channel").hasSize(3);
        assertThat(StageChannels.maxPieces(sizes, true)).isEqualTo(16 + 1 + 2);
        assertThat(StageChannels.maxPieces(sizes, false)).isEqualTo(3);
    }
}
