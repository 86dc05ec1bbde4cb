package org.tlclb.sync.run;

import java.util.ArrayList;
import java.util.List;

/**
 * A request to stop a run (Ctrl-C, SIGTERM), made from a signal handler's thread and read by the
 * run's. What a run does with it is the run's own rule: a push stops before commit and removes what
 * it staged; a read-only run and a rollback still looking at its nodes also drop their connections,
 * so that a node that is slow to answer does not keep the user waiting.
 */
public final class StopRequest {
    private final List<Runnable> actions = new ArrayList<>();
    private boolean requested;

    /** Asks the run to stop; the actions registered so far run now, once. */
    public void request() {
        List<Runnable> run;
        synchronized (this) {
            if (requested) {
                return;
            }
            requested = true;
            run = List.copyOf(actions);
            actions.clear();
        }
        run.forEach(Runnable::run);
    }

    public synchronized boolean requested() {
        return requested;
    }

    /** Runs {@code action} when a stop is requested (at once, if it already was). */
    void onRequest(Runnable action) {
        synchronized (this) {
            if (!requested) {
                actions.add(action);
                return;
            }
        }
        action.run();
    }

    /** Forgets the actions not yet run (the phase they would cut short is over). */
    synchronized void clearActions() {
        actions.clear();
    }
}
