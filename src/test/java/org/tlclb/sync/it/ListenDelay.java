package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Holds every {@code listen()} of a running process (all its threads) for a while before it returns, with strace's
 * syscall injection: a listener the process opens then exists for at least that long before the process goes on,
 * so that what another local user could do in the window (see {@link ListenerSnoop}) happens every time instead of
 * when the timing happens to allow it.
 */
final class ListenDelay implements AutoCloseable {
    private static final Path STRACE = Path.of("/usr/bin/strace");
    private final Process strace;

    private ListenDelay(Process strace) {
        this.strace = strace;
    }

    /** Skips the test without strace (with CI=true it fails: .ci/run installs it). */
    static void assumeAvailable() {
        if (!Files.isExecutable(STRACE)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true and no " + STRACE + " (apt-get install strace; see .ci/run)");
            }
            Assumptions.assumeTrue(false, "no " + STRACE + " (apt-get install strace)");
        }
    }

    /** Attaches to {@code pid}; returns once strace says it is attached. */
    static ListenDelay attach(long pid, Duration delay) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(STRACE.toString(), "-f", "-o", "/dev/null", "-e", "trace=listen",
                "-e", "inject=listen:delay_exit=" + delay.toNanos() / 1000, "-p", Long.toString(pid)))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line = err.readLine(); // "strace: Process N attached"
        assertThat(line).as("strace attaching to " + pid).isNotNull().contains("attached");
        Thread drain = new Thread(() -> {
            try {
                while (err.readLine() != null) {
                    // the other threads' "attached" lines
                }
            } catch (IOException ignored) {
                // strace ended
            }
        }, "strace-stderr");
        drain.setDaemon(true);
        drain.start();
        return new ListenDelay(p);
    }

    /** Detaches (strace ends on its own when the process does). */
    @Override
    public void close() throws InterruptedException {
        strace.destroy();
        if (!strace.waitFor(10, TimeUnit.SECONDS)) {
            strace.destroyForcibly();
        }
    }
}
