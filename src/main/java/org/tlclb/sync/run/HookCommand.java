package org.tlclb.sync.run;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.report.HookResult;
import org.tlclb.sync.ssh.RemoteShell;

/**
 * A rollout hook's command line for one node ({@code %n} name, {@code %h} address, {@code %d}
 * destination, each shell-quoted; {@code %%} a percent sign), and how one runs on this host:
 * {@code sh -c}, no input, bounded by a timeout, keeping the last lines of its output (however much
 * it prints).
 */
final class HookCommand {
    private static final int TAIL_LINES = 10;
    private static final int KEEP_BYTES = 64 * 1024;

    private HookCommand() {
    }

    static String expand(String template, NodeTarget node, String dest) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%' || i + 1 == template.length()) {
                out.append(c);
                continue;
            }
            char k = template.charAt(++i);
            switch (k) {
                case 'n' -> out.append(RemoteShell.quote(node.display()));
                case 'h' -> out.append(RemoteShell.quote(node.host()));
                case 'd' -> out.append(RemoteShell.quote(dest));
                case '%' -> out.append('%');
                default -> out.append('%').append(k);
            }
        }
        return out.toString();
    }

    /** Runs {@code command} on this host; exit -1 when it could not run or did not finish in time (then killed). */
    static HookResult runLocal(String command, Duration timeout) {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true)
                    .start();
            Tail tail = new Tail(p.getInputStream());
            Thread reader = new Thread(tail, "hook-output");
            reader.setDaemon(true);
            reader.start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                reader.join(1000);
                return new HookResult(command, -1, (tail.text() + "\n(timed out after " + timeout.toSeconds() + " s)")
                        .strip());
            }
            reader.join(2000);
            return new HookResult(command, p.exitValue(), tail.text());
        } catch (IOException e) {
            return new HookResult(command, -1, "could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HookResult(command, -1, "interrupted");
        }
    }

    /** The last lines of a stream, read to its end while keeping at most {@value #KEEP_BYTES} bytes. */
    private static final class Tail implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Tail(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (kept) {
                        kept.write(buf, 0, n);
                        if (kept.size() > 2 * KEEP_BYTES) {
                            byte[] all = kept.toByteArray();
                            kept.reset();
                            kept.write(all, all.length - KEEP_BYTES, KEEP_BYTES);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the command ended or was killed
            }
        }

        String text() {
            String s;
            synchronized (kept) {
                s = kept.toString(StandardCharsets.UTF_8);
            }
            String[] lines = s.split("\n");
            int from = Math.max(0, lines.length - TAIL_LINES);
            return String.join("\n", Arrays.asList(lines).subList(from, lines.length)).strip();
        }
    }
}
