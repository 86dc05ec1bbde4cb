package org.tlclb.sync.cli;

import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM become a request to the run, not a JVM shutdown: before commit the run
 * removes what it staged and exits 5; during commit it finishes the commit first. A second
 * Ctrl-C while the first is being handled is ignored (the run never stops mid-commit). Signal
 * handlers belong to the process, so one registration is active at a time (the static fields say
 * which: per process, as the handlers are); closing it restores the JVM's own handling.
 */
@SuppressWarnings("sunapi")
final class Interrupts implements AutoCloseable {
    private static volatile Runnable action;
    private static volatile String saying;

    private Interrupts() {
    }

    /** Until closed, Ctrl-C and SIGTERM print "interrupted: {@code what}" and run {@code r}. */
    static Interrupts onInterrupt(String what, Runnable r) {
        action = r;
        saying = what;
        for (String sig : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(sig), s -> {
                    Runnable a = action;
                    if (a != null) {
                        System.err.println("\ninterrupted: " + saying);
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
