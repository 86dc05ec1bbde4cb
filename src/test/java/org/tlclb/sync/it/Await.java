package org.tlclb.sync.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.tlclb.sync.plan.TempNames;

/**
 * Waiting for the event a test caused (a staged file appearing, a process ending) instead of
 * sleeping a fixed time: polled every {@link #POLL}, failing with what was awaited after a bound.
 */
public final class Await {
    /** How often a condition is checked: far below any duration a test measures. */
    public static final Duration POLL = Duration.ofMillis(10);

    /** What is awaited; may throw (a file not there yet reads as not yet). */
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** What a test does once the awaited event happened (a fault it injects at that moment). */
    public interface Action {
        void run() throws Exception;
    }

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails after {@code limit} naming {@code what}. */
    public static void until(String what, Duration limit, Condition condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * In the background (while the test runs a push in its own thread): waits for
     * {@code condition}, then runs {@code action}. The future fails when the wait or the action did.
     */
    public static CompletableFuture<Void> inBackground(String what, Duration limit, Condition condition,
                                                      Action action) {
        return CompletableFuture.runAsync(() -> {
            try {
                until(what, limit, condition);
                action.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * Waits until a staging file of the product ({@code .tlclb.*.tmp}) holding at least one byte is
     * directly in {@code dir}, and returns it: a push is then streaming to that node.
     */
    public static Path staging(Path dir, Duration limit) throws InterruptedException {
        Path[] found = new Path[1];
        until("a staged file with bytes in " + dir, limit, () -> {
            found[0] = stagedFile(dir).orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** A staging file with bytes directly in {@code dir}, if there is one now. */
    public static Optional<Path> stagedFile(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.filter(p -> TempNames.isTemp(p.getFileName().toString())).toList();
        } catch (IOException | UncheckedIOException changing) {
            return Optional.empty();
        }
        return names.stream().filter(p -> size(p) > 0).findFirst();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException gone) {
            return 0;
        }
    }

    private static boolean holds(Condition c) {
        try {
            return c.holds();
        } catch (IOException | UncheckedIOException notYet) {
            return false; // e.g. the directory is not there yet
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
