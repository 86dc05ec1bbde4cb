package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.faults.FaultSupport.all;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.EmbeddedCluster;

/**
 * A big tree to many nodes: FILES small files in DIRS directories to 8 embedded nodes in one run.
 * Every node ends with every file, and heap use stays bounded. Two measures, both for the whole
 * JVM (the 8 embedded nodes live in it too, so they bound client + 8 servers):
 * <ul>
 * <li>peak heap used (all heap pools, peaks reset after a GC just before the run): below
 *     {@value #HEAP_BOUND_MB} MB. This counts garbage not yet collected, so it depends on the
 *     collector's laziness (failsafe's JVM has a 1/4-of-RAM max heap);</li>
 * <li>the growth of the live set (the heap in use right after a collection, read from GC
 *     notifications during the run, less the heap in use after a full GC just before it): below
 *     {@value #LIVE_BYTES_PER_FILE_NODE} bytes per file per node. A run that kept a per-node copy
 *     of each file's plan, listing or buffers would cross it at any tree size; so 4,000 files show
 *     what 10,000 did (the earlier default, with an absolute 256 MB bound: 3.3 KB per file-node).</li>
 * </ul>
 * Size: on this 2-CPU machine, with client and 8 servers in one JVM, a push costs ~0.35 ms per file
 * per node, dominated by one SFTP rename round trip per file at commit and by the embedded SCP
 * sink. {@code -Dfaults.load.files=100000} runs the full size of the brief (about 5 minutes), and
 * {@code -Dfaults.load.nodes=N} another node count. Tagged "load": it runs in {@code mvn verify} like
 * every test; {@code -DexcludedGroups=load} skips it.
 */
@Tag("load")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class FaultLoadIT {
    static final int NODES = Integer.getInteger("faults.load.nodes", 8);
    static final int FILES = Integer.getInteger("faults.load.files", 4_000);
    static final int DIRS = Math.max(1, FILES / 10);
    static final long HEAP_BOUND_MB = 600;
    static final long LIVE_BYTES_PER_FILE_NODE = 3_000;
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
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            Set<String> heapNames = heap.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
            System.gc();
            long liveBefore = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            AtomicLong liveMax = new AtomicLong(liveBefore);
            NotificationListener listener = (n, hb) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> heapNames.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                    liveMax.accumulateAndGet(used, Math::max);
                }
            };
            List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
            for (var gc : gcs) {
                ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
            }
            EmbeddedCluster.Result r;
            try {
                r = FaultSupport.push(conf, src, "/var/www/html", "-q");
            } finally {
                for (var gc : gcs) {
                    ((NotificationEmitter) gc).removeNotificationListener(listener);
                }
            }
            long peakMb = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
            long growth = liveMax.get() - liveBefore;
            long tRun = System.nanoTime();
            assertThat(r.exit()).as(all(r)).isZero();
            for (int i = 1; i <= NODES; i++) {
                assertThat(countFiles(cluster.path(i, "/var/www/html"))).as("files on node " + i).isEqualTo(FILES);
            }
            System.out.printf("FaultLoadIT: %d files x %d nodes: generate %.1f s, push %.1f s, peak heap %d MB,"
                    + " live %d MB before, largest after a GC %d MB (%d bytes per file-node; max heap %d MB)%n",
                    FILES, NODES, (tGen - t0) / 1e9, (tRun - tGen) / 1e9, peakMb, liveBefore >> 20, liveMax.get() >> 20,
                    growth / ((long) FILES * NODES), Runtime.getRuntime().maxMemory() >> 20);
            assertThat(peakMb).as("peak heap MB").isLessThan(HEAP_BOUND_MB);
            assertThat(growth / ((long) FILES * NODES)).as("live set growth per file per node, bytes")
                    .isLessThan(LIVE_BYTES_PER_FILE_NODE);
        }
    }

    /** FILES files of 20-120 bytes in DIRS directories, written by 4 threads. */
    static void generate(Path src, int files) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int part = t;
                fs.add(pool.submit(() -> {
                    byte[] body = "x".repeat(120).getBytes();
                    FileTime mtime = FileTime.from(FaultSupport.T0);
                    for (int d = part; d < DIRS; d += 4) {
                        Path dir = src.resolve("d" + (d / 100)).resolve("s" + d);
                        Files.createDirectories(dir);
                        for (int i = d; i < files; i += DIRS) {
                            Path f = dir.resolve("f" + i + ".html");
                            Files.write(f, Arrays.copyOf(body, 20 + i % 100));
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

    /** The tree's regular files, not the run's state area ({@code .tlclb-backup}: the node's marker). */
    static long countFiles(Path root) throws IOException {
        Path area = root.resolve(".tlclb-backup");
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.startsWith(area)).filter(Files::isRegularFile).count();
        }
    }
}
