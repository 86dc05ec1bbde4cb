package org.tlclb.sync.cli;

import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM become a request to the run, not a JVM shutdown: before commit the run
 * removes what it staged and exits 5; during commit it finishes the commit first. A second
 * Ctrl-C while the first is being handled is ignored (the run never stops mid-commit). Signal
 * handlers belong to the process, so one registration is active at a time; closing it restores
 * the JVM's own handling.
 */
@SuppressWarnings("sunapi")
final class Interrupts implements AutoCloseable {
    private static volatile Runnable action;

    private Interrupts() {
    }

    static Interrupts onInterrupt(Runnable r) {
        action = r;
        for (String sig : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(sig), s -> {
                    Runnable a = action;
                    if (a != null) {
                        System.err.println("\ninterrupted: stopping before commit (a commit under way completes)");
                        a.run();
                    } else {
                        System.exit(128 + s.getNumber());
                    }
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the platform does not let us handle this signal: the default applies
            }
        }
        return new Interrupts();
    }

    @Override
    public void close() {
        action = null;
    }
}
