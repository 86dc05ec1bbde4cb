package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A launcher started by {@link Launcher#spawn}: its process is the JVM (the scripts exec it). */
public final class RunningLauncher {
    private final String script;
    private final String[] args;
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread[] readers;
    private final Duration timeout;

    RunningLauncher(String script, String[] args, Process process, Duration timeout) {
        this.script = script;
        this.args = args;
        this.process = process;
        this.timeout = timeout;
        this.readers = new Thread[] {reader(process.getInputStream(), out), reader(process.getErrorStream(), err)};
    }

    /** Collects a stream as it comes, so that a test can wait for a line (a server's "listening"). */
    private static Thread reader(InputStream in, StringBuffer into) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    pending.write(buf, 0, n);
                    int end = lastNewline(pending.toByteArray()); // whole lines only: no UTF-8 cut in two
                    if (end >= 0) {
                        byte[] all = pending.toByteArray();
                        into.append(new String(all, 0, end + 1, StandardCharsets.UTF_8));
                        pending.reset();
                        pending.write(all, end + 1, all.length - end - 1);
                    }
                }
                into.append(pending.toString(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process ended
            }
        }, "launcher-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Waits until stdout matches {@code pattern} (the process still running); the match. */
    public Matcher awaitOut(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(out);
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("stdout never matched " + pattern + ":\n" + out + "\n--- stderr\n" + err);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends a signal ("INT", "TERM") to the launcher's JVM, as Ctrl-C or kill would. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor()).as("kill -" + name).isZero();
    }

    /** Waits for the launcher to end; its exit code and output. */
    public Launcher.Result await() throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + script + " "
                    + List.of(args));
        }
        for (Thread t : readers) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        return Launcher.recorded(script, args,
                new Launcher.Result(process.exitValue(), out.toString(), err.toString()));
    }
}
