package org.tlclb.sync.run;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.RolloutHooks;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.report.HookResult;
import org.tlclb.sync.report.RolloutStanding;
import org.tlclb.sync.report.RolloutStanding.State;
import org.tlclb.sync.report.RolloutSummary;
import org.tlclb.sync.run.NodeState.Committed;
import org.tlclb.sync.run.NodeState.Prepared;
import org.tlclb.sync.run.NodeState.RolledBack;
import org.tlclb.sync.run.NodeState.Staged;
import org.tlclb.sync.transfer.BackupArea;
import org.tlclb.sync.transfer.BackupRestore;
import org.tlclb.sync.transfer.CreatedEntries;
import org.tlclb.sync.transfer.GenerationMarker;

/**
 * A rolling push's commit, once every node has staged: batch by batch (the {@link RolloutPlan}),
 * each node of a batch drained, committed, post-synced, health-checked and undrained. The one place
 * that decides what a failure does: the node that failed gets its backup of the run back, is
 * post-synced and checked again, and is undrained only if healthy; the rollout stops after that
 * batch, and the nodes of later batches keep what they had (their staged files removed).
 */
final class Rollout {
    private final SyncRequest req;
    private final NodePhases phases;
    private final ExecutorService pool;
    private final BooleanSupplier stopped;
    private final RolloutHooks hooks;

    Rollout(SyncRequest req, NodePhases phases, ExecutorService pool, BooleanSupplier stopped) {
        this.req = req;
        this.phases = phases;
        this.pool = pool;
        this.stopped = stopped;
        this.hooks = req.rollout();
    }

    /** What the rollout left: every node's state (in the order given), where each stands, the summary. */
    record Result(List<NodeState> states, Map<NodeTarget, RolloutStanding> standings, RolloutSummary summary,
                  List<String> warnings) {
    }

    /** One node's part of a batch. */
    private record NodeStep(NodeState state, State standing, List<String> steps, boolean healthy) {
    }

    /** What -n shows: the batches the nodes that would commit form, and the steps of each. */
    static RolloutSummary preview(SyncRequest req, List<NodeState> states) {
        List<NodeTarget> nodes = states.stream().filter(s -> s instanceof Prepared p && p.hasChanges())
                .map(NodeState::target).toList();
        RolloutPlan<NodeTarget> plan = RolloutPlan.of(nodes, req.rolling());
        return new RolloutSummary(req.rolling().batchSize(nodes.size()), plan.batches().size(), null,
                plan.describe(NodeTarget::display, req.rollout(), req.postSync()));
    }

    Result run(List<NodeState> states) {
        List<NodeState> out = new ArrayList<>(states);
        List<NodeState> rolling = states.stream().filter(s -> s instanceof Staged st && st.prepared().hasChanges())
                .toList();
        RolloutPlan<NodeState> plan = RolloutPlan.of(rolling, req.rolling());
        Map<NodeTarget, RolloutStanding> standings = new LinkedHashMap<>();
        List<String> steps = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Integer stoppedAt = null;
        // a node with nothing to change commits (a no-op) without being drained
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) instanceof Staged st && !st.prepared().hasChanges()) {
                out.set(i, phases.commit(st));
            }
        }
        for (int b = 0; b < plan.batches().size(); b++) {
            List<NodeState> batch = plan.batches().get(b);
            int number = b + 1;
            if (stoppedAt != null || stopped.getAsBoolean()) {
                if (stoppedAt == null) {
                    stoppedAt = number;
                    warnings.add("interrupted: the rollout stopped before batch " + number + " of "
                            + plan.batches().size());
                }
                for (NodeState s : batch) {
                    phases.discard(s);
                    standings.put(s.target(), new RolloutStanding(number, State.UNTOUCHED));
                }
                continue;
            }
            List<NodeStep> done = each(batch, s -> node((Staged) s, number));
            for (int i = 0; i < batch.size(); i++) {
                NodeStep step = done.get(i);
                out.set(states.indexOf(batch.get(i)), step.state());
                standings.put(batch.get(i).target(), new RolloutStanding(number, step.standing()));
                steps.addAll(step.steps());
                if (step.standing() != State.COMMITTED || !step.healthy()) {
                    stoppedAt = number;
                }
            }
            if (stoppedAt != null) {
                warnings.add("rollout stopped at batch " + number + " of " + plan.batches().size() + ": "
                        + String.join(", ", failedIn(batch, done)) + " failed; later batches were not committed");
            }
        }
        RolloutSummary summary = new RolloutSummary(req.rolling().batchSize(rolling.size()), plan.batches().size(),
                stoppedAt, steps);
        return new Result(out, standings, summary, warnings);
    }

    private static List<String> failedIn(List<NodeState> batch, List<NodeStep> done) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (done.get(i).standing() != State.COMMITTED || !done.get(i).healthy()) {
                out.add(batch.get(i).target().display());
            }
        }
        return out;
    }

    /** Drain, commit, post-sync, health check, undrain; on a failure, the node put back. */
    private NodeStep node(Staged s, int batch) {
        NodeTarget t = s.target();
        String at = "batch " + batch + " " + t.display() + ": ";
        List<String> steps = new ArrayList<>();
        HookResult drain = local(hooks.drain(), t);
        if (drain != null) {
            steps.add(at + "drain " + outcome(drain));
            if (!drain.ok()) {
                // still the old version, which served before: back into the pool
                phases.discard(s);
                HookResult undrain = local(hooks.undrain(), t);
                if (undrain != null) {
                    steps.add(at + "undrain " + outcome(undrain));
                }
                return new NodeStep(s, State.UNTOUCHED, steps, false);
            }
        }
        sleep(hooks.drainWait());
        NodeState next = phases.commit(s);
        Committed c = (Committed) next;
        String why = null;
        if (c.crashed() || !c.result().errors().isEmpty()) {
            steps.add(at + "commit failed");
            why = "commit failed: " + String.join("; ", c.result().errors());
        } else {
            steps.add(at + "commit ok");
            c = (Committed) phases.hook(c);
            if (c.hook() != null) {
                steps.add(at + "post-sync " + outcome(c.hook()));
                if (!c.hook().ok()) {
                    why = "post-sync command exited " + c.hook().exitStatus();
                }
            }
            if (why == null) {
                HookResult health = health(c.staged().prepared(), t);
                if (health != null) {
                    steps.add(at + "health check " + outcome(health));
                    if (!health.ok()) {
                        why = "health check failed (" + shortTail(health) + ")";
                    }
                }
            }
        }
        if (why == null) {
            HookResult undrain = local(hooks.undrain(), t);
            if (undrain != null) {
                steps.add(at + "undrain " + outcome(undrain));
                if (!undrain.ok()) {
                    List<String> w = new ArrayList<>(c.warnings());
                    w.add("undrain failed (" + shortTail(undrain) + "): the node is up to date but may be out of the"
                            + " pool; the rollout stops here");
                    return new NodeStep(new Committed(c.staged(), c.result(), c.crashed(), c.hook(), w),
                            State.COMMITTED, steps, false);
                }
            }
            return new NodeStep(c, State.COMMITTED, steps, true);
        }
        return rollBack(c, why, at, steps);
    }

    /** The node's backup of this run put back, post-sync again, and undrained only once it is healthy. */
    private NodeStep rollBack(Committed c, String why, String at, List<String> steps) {
        NodeTarget t = c.target();
        List<String> errors = restore(c.staged().prepared());
        steps.add(at + "rollback " + (errors.isEmpty() ? "ok" : "incomplete"));
        HookResult again = null;
        List<String> warnings = new ArrayList<>(c.warnings());
        boolean healthy = errors.isEmpty();
        if (req.postSync() != null) {
            again = RemoteCommand.run(c.staged().prepared().link().session(), req.postSync(),
                    Tunables.HOOK_TIMEOUT.get());
            steps.add(at + "post-sync " + outcome(again));
            healthy &= again.ok();
        }
        if (healthy) {
            HookResult health = health(c.staged().prepared(), t);
            if (health != null) {
                steps.add(at + "health check " + outcome(health));
                healthy = health.ok();
            }
        }
        if (healthy) {
            HookResult undrain = local(hooks.undrain(), t);
            if (undrain != null) {
                steps.add(at + "undrain " + outcome(undrain));
                if (!undrain.ok()) {
                    warnings.add("undrain failed after the rollback (" + shortTail(undrain) + ")");
                }
            }
        } else if (hooks.undrain() != null) {
            warnings.add("left drained: not healthy after the rollback");
            steps.add(at + "left drained (not healthy after the rollback)");
        }
        RolledBack r = new RolledBack(c, why, errors, again, warnings);
        return new NodeStep(r, errors.isEmpty() ? State.ROLLED_BACK : State.NOT_RESTORED, steps, false);
    }

    /** Every unit's backup of this run put back, and what the run created where there was nothing taken away. */
    private List<String> restore(Prepared p) {
        if (p.fullCopy()) {
            return List.of("a node without SFTP keeps no backup: it cannot be put back");
        }
        List<String> errors = new ArrayList<>();
        String runId = phases.runId();
        for (int i = 0; i < p.units().size(); i++) {
            UnitWork u = p.units().get(i);
            try {
                BackupArea area = i == 0 && p.lock() != null ? p.lock().area() : new BackupArea(p.link().sftp(), u.dest());
                if (area.runs().contains(runId)) { // else the run replaced nothing there
                    BackupRestore.Result r = area.restore(runId, false, p.lock());
                    errors.addAll(r.errors());
                }
                errors.addAll(CreatedEntries.remove(p.link().sftp(), u.paths(), u.plan(), u.inventory().manifest()));
            } catch (IOException | RuntimeException e) {
                errors.add(u.dest() + ": " + NodePhases.message(e));
            }
        }
        if (p.lock() != null) {
            try {
                // the commit wrote the run's generation there; the node holds the old tree again and no
                // longer claims either (this machine's record keeps what it held; --rebuild says unknown)
                GenerationMarker.remove(p.link().sftp(), p.lock().area().area());
            } catch (IOException | RuntimeException e) {
                errors.add("the node's marker of this run could not be removed: " + NodePhases.message(e));
            }
        }
        return errors;
    }

    /**
     * The health check until it passes, every HealthInterval, for up to HealthTimeout; null when
     * none is set. The last attempt's result when it never passes.
     */
    private HookResult health(Prepared p, NodeTarget t) {
        if (hooks.healthCheck() == null) {
            return null;
        }
        String cmd = HookCommand.expand(hooks.healthCheck(), t, p.units().get(0).dest());
        long deadline = System.nanoTime() + hooks.healthTimeout().toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            Duration left = Duration.ofNanos(Math.max(1_000_000_000L, deadline - System.nanoTime()));
            Duration limit = left.compareTo(Tunables.HOOK_TIMEOUT.get()) < 0 ? left : Tunables.HOOK_TIMEOUT.get();
            HookResult h = hooks.healthLocal() ? HookCommand.runLocal(cmd, limit)
                    : RemoteCommand.run(p.link().session(), cmd, limit);
            if (h.ok()) {
                return h;
            }
            if (System.nanoTime() + hooks.healthInterval().toNanos() >= deadline) {
                return new HookResult(h.command(), h.exitStatus(), (h.outputTail() + "\n(" + attempts
                        + " attempts in " + hooks.healthTimeout().toSeconds() + " s)").strip());
            }
            sleep(hooks.healthInterval());
        }
    }

    private HookResult local(String template, NodeTarget t) {
        if (template == null) {
            return null;
        }
        String dest = req.units().get(0).dest();
        return HookCommand.runLocal(HookCommand.expand(template, t, dest), Tunables.HOOK_TIMEOUT.get());
    }

    private static String outcome(HookResult h) {
        return h.ok() ? "ok" : "failed (exit " + h.exitStatus() + ")";
    }

    private static String shortTail(HookResult h) {
        String tail = h.outputTail().isEmpty() ? "no output" : h.outputTail().lines().reduce((a, b) -> b).orElse("");
        return "exit " + h.exitStatus() + ": " + (tail.length() > 200 ? tail.substring(0, 200) + "..." : tail);
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> List<T> each(List<NodeState> items, Function<NodeState, T> step) {
        return NodeWork.each(pool, items, step, "the rollout");
    }
}
