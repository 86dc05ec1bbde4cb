package org.tlclb.sync.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * One step on every node at once, on a run's pool, the results in the nodes' order. A step handles
 * its node's failures itself; one that throws is a bug of this program, which stops the run.
 * ({@link SyncRun} turns such a bug into that node's failure instead: its phases must never lose a node.)
 */
final class NodeWork {
    private NodeWork() {
    }

    /** @param what the work, for the message of a bug ("the rollout", "the rollback") */
    static <T, R> List<R> each(ExecutorService pool, List<T> items, Function<T, R> step, String what) {
        List<Future<R>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(pool.submit(() -> step.apply(item)));
        }
        List<R> out = new ArrayList<>();
        for (Future<R> f : futures) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("internal error in " + what + ": " + e.getCause(), e.getCause());
            }
        }
        return out;
    }
}
