package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.faults.FaultSupport.all;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.EmbeddedCluster;

/**
 * A big tree to many nodes: FILES small files in 1,000 directories to 8 embedded nodes in one run.
 * Every node ends with every file, and heap use stays bounded. Two measures, both for the whole
 * JVM (the 8 embedded nodes live in it too, so they bound client + 8 servers):
 * <ul>
 * <li>peak heap used (all heap pools, peaks reset after a GC just before the run): below
 *     {@value #HEAP_BOUND_MB} MB. This counts garbage not yet collected, so it depends on the
 *     collector's laziness (surefire's JVM has a 1/4-of-RAM max heap);</li>
 * <li>the largest heap in use right after any collection during the run (the live set, read
 *     from GC notifications): below {@value #LIVE_BOUND_MB} MB.</li>
 * </ul>
 * Size: the brief asked for 100,000 files x 8 nodes in ~90 s. On this 2-CPU machine, with client
 * and 8 servers in one JVM, a push costs ~0.6 ms per file per node (10,000 x 8: ~46 s; 15,000 x 8:
 * ~84 s), dominated by one SFTP rename round trip per file at commit and by the embedded SCP sink,
 * so 100,000 x 8 would take ~8 minutes. The default is 10,000 files; {@code
 * -Dfaults.load.files=100000} runs the full size (and {@code -Dfaults.load.nodes=N}).
 * Tagged "load": it runs in {@code mvn verify} like every test; {@code -DexcludedGroups=load} skips it.
 */
@Tag("load")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class FaultLoadIT {
    static final int NODES = Integer.getInteger("faults.load.nodes", 8);
    static final int FILES = Integer.getInteger("faults.load.files", 10_000);
    static final long HEAP_BOUND_MB = 600;
    static final long LIVE_BOUND_MB = 256;
    @TempDir
    Path tmp;

    @Test
    void manySmallFilesToEightNodesInBoundedHeap() throws Exception {
        Path src = tmp.resolve("src");
        long t0 = System.nanoTime();
        generate(src, FILES);
        long tGen = System.nanoTime();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(tmp.resolve("cluster"), NODES)) {
            Path conf = cluster.writeConfig("Parallel " + NODES + "\n");
            System.gc();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            java.util.concurrent.atomic.AtomicLong liveMax = new java.util.concurrent.atomic.AtomicLong();
            java.util.Set<String> heapNames = new java.util.HashSet<>();
            heap.forEach(p -> heapNames.add(p.getName()));
            javax.management.NotificationListener listener = (n, hb) -> {
                if (com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                        .equals(n.getType())) {
                    var info = com.sun.management.GarbageCollectionNotificationInfo
                            .from((javax.management.openmbean.CompositeData) n.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> heapNames.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                    liveMax.accumulateAndGet(used, Math::max);
                }
            };
            List<java.lang.management.GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
            for (var gc : gcs) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener(listener, null, null);
            }
            EmbeddedCluster.Result r;
            try {
                r = FaultSupport.push(conf, src, "/var/www/html", "-q");
            } finally {
                for (var gc : gcs) {
                    ((javax.management.NotificationEmitter) gc).removeNotificationListener(listener);
                }
            }
            long peakMb = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
            long liveMb = liveMax.get() >> 20;
            long tRun = System.nanoTime();
            assertThat(r.exit()).as(all(r)).isZero();
            for (int i = 1; i <= NODES; i++) {
                assertThat(countFiles(cluster.path(i, "/var/www/html"))).as("files on node " + i).isEqualTo(FILES);
            }
            System.out.printf("FaultLoadIT: %d files x %d nodes: generate %.1f s, push %.1f s, peak heap %d MB,"
                    + " largest after a GC %d MB (max heap %d MB)%n", FILES, NODES, (tGen - t0) / 1e9, (tRun - tGen) / 1e9,
                    peakMb, liveMb,
                    Runtime.getRuntime().maxMemory() >> 20);
            assertThat(peakMb).as("peak heap MB").isLessThan(HEAP_BOUND_MB);
            assertThat(liveMb).as("largest heap after a GC, MB").isLessThan(LIVE_BOUND_MB);
        }
    }

    /** FILES files of 20-120 bytes in 1,000 directories, written by 4 threads. */
    static void generate(Path src, int files) throws Exception {
        int dirs = 1000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int part = t;
                fs.add(pool.submit(() -> {
                    byte[] body = "x".repeat(120).getBytes();
                    FileTime mtime = FileTime.from(FaultSupport.T0);
                    for (int d = part; d < dirs; d += 4) {
                        Path dir = src.resolve("d" + (d / 100)).resolve("s" + d);
                        Files.createDirectories(dir);
                        for (int i = d; i < files; i += dirs) {
                            Path f = dir.resolve("f" + i + ".html");
                            Files.write(f, java.util.Arrays.copyOf(body, 20 + i % 100));
                            Files.setLastModifiedTime(f, mtime);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static long countFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).count();
        }
    }
}
