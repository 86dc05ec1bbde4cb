package org.tlclb.sync.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.RolloutStanding;
import org.tlclb.sync.report.RolloutSummary;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.RunStop;
import org.tlclb.sync.run.NodeState.Failed;
import org.tlclb.sync.run.NodeState.Why;
import org.tlclb.sync.scan.Generation;
import org.tlclb.sync.transfer.GenerationMarker;
import org.tlclb.sync.scan.ScanResult;
import org.tlclb.sync.scan.TreeScanner;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.SshConnector;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;

/**
 * A push across the cluster: scan once, then every node through prepare, (guards, question),
 * stage, commit-or-discard and hook, a phase at a time, at most {@code parallel} nodes at once.
 * All-or-nothing by default: if any node fails before commit, every node's staged files are removed.
 * A rolling push ({@link SyncRequest#rolling()}) stages the same way, then hands the commit and the
 * hooks to {@link Rollout}, which owns the batches and what a failure does.
 */
public final class SyncRun {
    private static final Logger LOG = LoggerFactory.getLogger("tlclb.timing");
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
            .withZone(ZoneOffset.UTC);
    private final SshOptions sshOptions;
    private final RunObserver observer;
    private final StopRequest stop;
    private final BiPredicate<String, String> recordedAt;

    /**
     * @param stop Ctrl-C / SIGTERM: before commit the run stops, removes what it staged and reports
     *             exit 5; once commit has begun it completes, so no node is left half-committed. A run
     *             that changes nothing (check, dry run) drops its connections at once and reports exit 5.
     */
    public SyncRun(SshOptions sshOptions, RunObserver observer, StopRequest stop) {
        this(sshOptions, observer, stop, (node, generation) -> false);
    }

    /**
     * @param recordedAt whether the admin host's record says a node already holds a generation (its
     *                   marker then need not be written again when the run changes nothing there)
     */
    public SyncRun(SshOptions sshOptions, RunObserver observer, StopRequest stop,
                   BiPredicate<String, String> recordedAt) {
        this.sshOptions = sshOptions;
        this.observer = observer;
        this.stop = stop;
        this.recordedAt = recordedAt;
    }

    public static String newRunId(Instant now) {
        return RUN_ID.format(now) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /**
     * Runs the push. The run's SSH client lives exactly as long as this call.
     *
     * @throws IdentityException when a key cannot be loaded (nothing was contacted)
     */
    public RunReport execute(SyncRequest req) throws IdentityException {
        try (SshConnector ssh = SshSetup.connector(sshOptions, req.nodes())) {
            return execute(req, ssh);
        } finally {
            observer.finished();
        }
    }

    private RunReport execute(SyncRequest req, SshConnector ssh) {
        Instant start = Instant.now();
        String runId = newRunId(start);
        List<String> runWarnings = new ArrayList<>();
        // The scan runs while the nodes are connected and listed; planning waits for both.
        CompletableFuture<List<ScanResult>> scans = CompletableFuture.supplyAsync(() -> scan(req));
        Supplier<List<ScanResult>> sources = () -> {
            try {
                return scans.join();
            } catch (CompletionException e) {
                Throwable c = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
                throw new IllegalStateException("cannot scan the source: " + c.getMessage(), c);
            }
        };
        List<NodeResult> skipped = new ArrayList<>();
        List<NodeTarget> targets = new ArrayList<>();
        for (NodeTarget t : req.nodes()) {
            if (t.nosync()) {
                skipped.add(NodeResult.skipped(t.display(), "nosync"));
            } else {
                targets.add(t);
            }
        }
        Run run = new Run(req, runId, start, skipped, runWarnings, scans);
        NodePhases phases = new NodePhases(req, runId, ssh, observer, sources, new PlanCache(), stop::requested,
                () -> new GenerationMarker(run.generation(), runId, start), recordedAt);
        if (req.dryRun()) {
            stop.onRequest(ssh::close); // nothing to remove on the nodes: stop waiting for them
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(req.parallel(), targets.size())));
        List<NodeState> states = new ArrayList<>();
        try {
            observer.started(targets.size());
            states = phase(pool, targets, phases::prepare, "prepare");
            if (stop.requested()) {
                discardAll(pool, phases, states);
                return run.report(states, true, RunStop.INTERRUPTED);
            }
            for (int i = 0; i < req.units().size(); i++) {
                ScanResult s = sources.get().get(i);
                runWarnings.addAll(s.warnings());
                if (s.ioErrors() && req.units().get(i).delete()) {
                    runWarnings.add("parts of " + req.units().get(i).source()
                            + " could not be read: no file is deleted on any node this run");
                }
            }
            if (req.mode() != RunMode.CHECK) {
                // A dry run is guarded too: its preview then says the push would be refused.
                states = BeforeStaging.guardDeletes(states, req);
            }
            if (states.stream().anyMatch(s -> s instanceof Failed f && f.why() == Why.REFUSED)) {
                discardAll(pool, phases, states);
                return run.report(states, true, RunStop.REFUSED);
            }
            if (req.dryRun()) {
                RolloutSummary preview = req.rolling() != null && req.mode() != RunMode.CHECK
                        ? Rollout.preview(req, states) : null;
                return run.report(states, false, stopFor(states, RunStop.NONE), preview, Map.of());
            }
            RunObserver.PlanSummary summary = BeforeStaging.summary(states, req);
            if (stop.requested() || !observer.confirm(summary)) {
                discardAll(pool, phases, states);
                return run.report(states, true, stop.requested() ? RunStop.INTERRUPTED : RunStop.DECLINED);
            }
            observer.stagingStarted(summary.files(), summary.bytes());
            states = phase(pool, states, phases::stage, "stage");
            if (stop.requested()) {
                discardAll(pool, phases, states); // the report's outcome says so (no warning repeating it)
                return run.report(states, true, RunStop.INTERRUPTED);
            }
            long staged = states.stream().filter(s -> !(s instanceof Failed)).count();
            int required = req.minNodes().required(states.size());
            if (staged < required || staged == 0) {
                if (!req.minNodes().all()) {
                    runWarnings.add(staged + " of " + states.size() + " nodes staged, fewer than MinNodes "
                            + req.minNodes() + " (" + required + "): nothing was committed");
                }
                discardAll(pool, phases, states);
                return run.report(states, true, stopFor(states, RunStop.NONE));
            }
            for (NodeState s : states) {
                if (s instanceof Failed) {
                    phases.discard(s); // --partial-ok: the failed nodes leave nothing behind
                }
            }
            if (req.rolling() != null) {
                Rollout.Result r = new Rollout(req, phases, pool, stop::requested).run(states);
                states = r.states();
                runWarnings.addAll(r.warnings());
                return run.report(states, false, stopFor(states, RunStop.NONE), r.summary(), r.standings());
            }
            states = phase(pool, states, phases::commit, "commit");
            if (stop.requested()) {
                runWarnings.add("interrupted during commit: the commit was completed first; post-sync commands were"
                        + " not run");
                return run.report(states, false, stopFor(states, RunStop.NONE));
            }
            states = phase(pool, states, phases::hook, "post-sync");
            return run.report(states, false, stopFor(states, RunStop.NONE));
        } finally {
            List<NodeState> last = states;
            runEach(pool, last, s -> {
                NodePhases.close(s);
                return s;
            });
            pool.shutdownNow();
        }
    }

    private static List<ScanResult> scan(SyncRequest req) {
        List<ScanResult> out = new ArrayList<>();
        for (SyncUnit u : req.units()) {
            try {
                out.add(TreeScanner.scan(u.source(), req.excludes(), u.only(), req.checksum()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** Why the run as a whole stopped: a lock held elsewhere, or a bug, else {@code otherwise}. */
    private static RunStop stopFor(List<NodeState> states, RunStop otherwise) {
        if (states.stream().anyMatch(s -> s instanceof Failed f && f.why() == Why.INTERNAL)
                || states.stream().anyMatch(s -> s instanceof NodeState.Committed c && c.crashed())) {
            return RunStop.INTERNAL_ERROR;
        }
        if (states.stream().anyMatch(s -> s instanceof Failed f && f.why() == Why.LOCKED)) {
            return RunStop.LOCKED;
        }
        return otherwise;
    }

    private void discardAll(ExecutorService pool, NodePhases phases, List<NodeState> states) {
        phase(pool, states, s -> {
            phases.discard(s);
            return s;
        }, "discard");
    }

    private <T> List<NodeState> phase(ExecutorService pool, List<T> items, Function<T, NodeState> step, String name) {
        long t0 = System.nanoTime();
        List<NodeState> out = runEach(pool, items, step);
        LOG.debug("{} took {} ms", name, (System.nanoTime() - t0) / 1_000_000);
        return out;
    }

    /**
     * Runs the step for every item on the pool; a bug in a step fails that node (it never vanishes).
     */
    private static <T> List<NodeState> runEach(ExecutorService pool, List<T> items, Function<T, NodeState> step) {
        List<Future<NodeState>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(pool.submit(() -> step.apply(item)));
        }
        List<NodeState> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                out.add(futures.get(i).get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                T item = items.get(i);
                NodeTarget t = item instanceof NodeState s ? s.target() : (NodeTarget) item;
                NodeState before = item instanceof NodeState s ? s : null;
                out.add(new Failed(t, Why.INTERNAL, "internal error: " + e.getCause(), List.of(), System.nanoTime(),
                        before));
            }
        }
        return out;
    }

    /** The report of a run as far as it went. */
    private final class Run {
        private final SyncRequest req;
        private final String runId;
        private final Instant start;
        private final List<NodeResult> skipped;
        private final List<String> warnings;
        private final CompletableFuture<List<ScanResult>> scans;
        private String generation;

        Run(SyncRequest req, String runId, Instant start, List<NodeResult> skipped, List<String> warnings,
            CompletableFuture<List<ScanResult>> scans) {
            this.req = req;
            this.runId = runId;
            this.start = start;
            this.skipped = skipped;
            this.warnings = warnings;
            this.scans = scans;
        }

        /**
         * The generation of the source as scanned, or null when the scan did not finish or failed;
         * digested once (each node's marker and the report ask for it).
         */
        private synchronized String generation() {
            if (generation == null && scans.isDone() && !scans.isCompletedExceptionally()) {
                generation = Generation.of(scans.join().stream().map(ScanResult::manifest).toList()).id();
            }
            return generation;
        }

        RunReport report(List<NodeState> states, boolean aborted, RunStop stop) {
            return report(states, aborted, stop, null, Map.of());
        }

        /** With a rolling push's summary and where it left each node. */
        RunReport report(List<NodeState> states, boolean aborted, RunStop stop, RolloutSummary rollout,
                         Map<NodeTarget, RolloutStanding> standings) {
            List<NodeResult> results = new ArrayList<>();
            for (NodeState s : states) {
                NodeResult r = NodeResults.of(s, aborted, req.mode() == RunMode.CHECK);
                if (standings.containsKey(s.target())) {
                    r = r.withRollout(standings.get(s.target()));
                }
                results.add(r);
                observer.result(r);
            }
            results.addAll(skipped);
            List<String> sources = req.units().stream().map(u -> u.source().toString()).toList();
            return new RunReport(runId, req.command(), req.mode(), start, Instant.now(), sources, results, stop,
                    warnings, generation(), List.of(), rollout);
        }
    }
}
