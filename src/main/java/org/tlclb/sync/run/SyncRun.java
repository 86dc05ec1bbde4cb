package org.tlclb.sync.run;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.plan.NodePlan;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.scan.ScanResult;
import org.tlclb.sync.scan.TreeScanner;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.SshConnector;

/**
 * A push across the cluster: scan once, then every node through prepare, (question), stage,
 * commit-or-discard and hook, a phase at a time, at most {@code parallel} nodes at once.
 * All-or-nothing by default: if any node fails before commit, every node's staged files are removed.
 */
public final class SyncRun {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
            .withZone(ZoneOffset.UTC);
    private final SshOptions sshOptions;
    private final RunObserver observer;
    private final Duration timeout;
    private final java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();

    public SyncRun(SshOptions sshOptions, RunObserver observer) {
        this.sshOptions = sshOptions;
        this.observer = observer;
        this.timeout = sshOptions.connectTimeout();
    }

    /**
     * Ctrl-C / SIGTERM: before commit the run stops, removes what it staged and reports exit 5;
     * once commit has begun it completes, so no node is left half-committed.
     */
    public void cancel() {
        cancelled.set(true);
    }

    public static String newRunId(Instant now) {
        return RUN_ID.format(now) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /**
     * Runs the push. The run's SSH client lives exactly as long as this call.
     *
     * @throws IdentityException when a key cannot be loaded (nothing was contacted)
     */
    public RunReport execute(SyncRequest req) throws IOException, IdentityException {
        try (SshConnector ssh = SshSetup.connector(sshOptions, req.nodes())) {
            return execute(req, ssh);
        }
    }

    private RunReport execute(SyncRequest req, SshConnector ssh) throws IOException {
        Instant start = Instant.now();
        if (LOG.isDebugEnabled()) { // the management classes cost ~40 class loads: only with -v
            LOG.debug("run starts, JVM up {} ms", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        }
        String runId = newRunId(start);
        List<String> runWarnings = new ArrayList<>();
        // The scan runs while the nodes are connected and listed; planning waits for both.
        java.util.concurrent.CompletableFuture<List<ScanResult>> scans = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    List<ScanResult> out = new ArrayList<>();
                    for (SyncUnit u : req.units()) {
                        try {
                            out.add(TreeScanner.scan(u.source(), req.excludes(), u.only(), req.checksum()));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                    LOG.debug("scan done");
                    return out;
                });
        java.util.function.Supplier<List<ScanResult>> sources = () -> {
            try {
                return scans.join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable c = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
                throw new IllegalStateException("cannot scan the source: " + c.getMessage(), c);
            }
        };
        List<NodeResult> skipped = new ArrayList<>();
        List<NodeJob> jobs = new ArrayList<>();
        PlanCache plans = new PlanCache();
        for (NodeTarget t : req.nodes()) {
            if (t.nosync()) {
                skipped.add(NodeResult.skipped(t.display(), "nosync"));
            } else {
                jobs.add(new NodeJob(t, req, sources, plans));
            }
        }
        List<String> sourceNames = req.units().stream().map(u -> u.source().toString()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(req.parallel(), Math.max(1, jobs.size()))));
        try {
            phase(pool, jobs, j -> j.prepare(ssh, observer));
            List<ScanResult> scanned;
            try {
                scanned = sources.get();
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage(), e.getCause());
            }
            for (int i = 0; i < scanned.size(); i++) {
                ScanResult s = scanned.get(i);
                runWarnings.addAll(s.warnings());
                if (s.ioErrors() && req.units().get(i).delete()) {
                    runWarnings.add("parts of " + req.units().get(i).source()
                            + " could not be read: no file is deleted on any node this run");
                }
            }
            if (req.dryRun()) {
                return report(runId, req, start, sourceNames, jobs, skipped, NodeStatus.PLANNED, false, runWarnings);
            }
            RunObserver.PlanSummary summary = summary(jobs);
            if (cancelled.get() || !observer.confirm(summary)) {
                return report(runId, req, start, sourceNames, jobs, skipped, NodeStatus.ABORTED, true, runWarnings);
            }
            observer.stagingStarted(summary.bytes(), jobs.size());
            phase(pool, jobs, j -> j.stage(timeout, observer, cancelled::get));
            observer.stagingDone();
            if (cancelled.get()) {
                phase(pool, jobs, NodeJob::discard);
                runWarnings.add("interrupted before commit: staged files were removed, no node was changed");
                return report(runId, req, start, sourceNames, jobs, skipped, NodeStatus.ABORTED, true, runWarnings);
            }
            boolean anyFailed = jobs.stream().anyMatch(NodeJob::failed);
            if (anyFailed && !req.partialOk()) {
                phase(pool, jobs, NodeJob::discard);
                return report(runId, req, start, sourceNames, jobs, skipped, NodeStatus.ABORTED, false, runWarnings);
            }
            phase(pool, jobs, j -> j.commit(runId));
            if (cancelled.get()) {
                runWarnings.add("interrupted during commit: the commit was completed first; post-sync commands were not run");
                return report(runId, req, start, sourceNames, jobs, skipped, NodeStatus.OK, false, runWarnings);
            }
            phase(pool, jobs, j -> j.runHook(req.hookTimeout()));
            return report(runId, req, start, sourceNames, jobs, skipped, NodeStatus.OK, false, runWarnings);
        } finally {
            phase(pool, jobs, NodeJob::close);
            pool.shutdownNow();
        }
    }

    private RunReport report(String runId, SyncRequest req, Instant start, List<String> sources, List<NodeJob> jobs,
                             List<NodeResult> skipped, NodeStatus status, boolean declined, List<String> warnings) {
        List<NodeResult> results = new ArrayList<>();
        for (NodeJob j : jobs) {
            NodeResult r = j.result(status);
            results.add(r);
            observer.nodeDone(r);
        }
        results.addAll(skipped);
        return new RunReport(runId, req.command(), start, Instant.now(), sources, results, req.dryRun(), declined,
                List.copyOf(warnings));
    }

    private static RunObserver.PlanSummary summary(List<NodeJob> jobs) {
        long created = 0;
        long updated = 0;
        long deleted = 0;
        long bytes = 0;
        int withChanges = 0;
        for (NodeJob j : jobs) {
            if (j.hasChanges()) {
                withChanges++;
            }
            for (NodePlan p : j.plans()) {
                if (p != null) {
                    created += p.created();
                    updated += p.updated();
                    deleted += p.deleted();
                    bytes += p.bytesToSend();
                }
            }
        }
        return new RunObserver.PlanSummary(jobs.size(), withChanges, created, updated, deleted, bytes);
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("tlclb.timing");

    private static void phase(ExecutorService pool, List<NodeJob> jobs, Consumer<NodeJob> step) {
        long t0 = System.nanoTime();
        runPhase(pool, jobs, step);
        LOG.debug("phase took {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    private static void runPhase(ExecutorService pool, List<NodeJob> jobs, Consumer<NodeJob> step) {
        List<Future<?>> futures = new ArrayList<>();
        for (NodeJob j : jobs) {
            Callable<Void> c = () -> {
                try {
                    step.accept(j);
                } catch (RuntimeException e) {
                    // A bug or an unchecked I/O error must fail this node, never vanish.
                    j.failWith("internal error: " + e);
                }
                return null;
            };
            futures.add(pool.submit(c));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // each step records its own failure on its job
            }
        }
    }
}
