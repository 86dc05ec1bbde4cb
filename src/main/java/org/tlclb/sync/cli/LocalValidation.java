package org.tlclb.sync.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.tlclb.sync.config.Tunables;

/**
 * A sync.conf {@code Validate} command, run on this machine before anything is pushed: the push
 * goes ahead only when it exits 0. It runs in the source directory, its output goes to stderr (stdout
 * may carry the JSON report), and it is given {@code tlclb.validate-timeout} to finish.
 */
final class LocalValidation {
    private LocalValidation() {
    }

    static void require(String what, String command, Path dir, PrintWriter err) throws UsageError {
        err.flush();
        int status;
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true)
                    .start();
            Thread copy = new Thread(() -> copy(p.getInputStream(), err), "validate-output");
            copy.setDaemon(true);
            copy.start();
            long limit = Tunables.VALIDATE_TIMEOUT.get().toSeconds();
            boolean finished = p.waitFor(limit, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
                throw new UsageError(what + " \"" + command + "\" did not finish within " + limit
                        + " s: nothing was pushed");
            }
            status = p.exitValue();
            copy.join(TimeUnit.SECONDS.toMillis(5));
        } catch (IOException e) {
            throw new UsageError("cannot run " + what + " \"" + command + "\": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageError(what + " \"" + command + "\" was interrupted: nothing was pushed");
        }
        if (status != 0) {
            throw new UsageError(what + " \"" + command + "\" exited " + status
                    + ": nothing was pushed; fix what it checks and run again");
        }
    }

    /** The command's output, to our stderr. */
    private static void copy(InputStream in, PrintWriter err) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (err) {
                    err.write(new String(buf, 0, n, StandardCharsets.UTF_8));
                    err.flush();
                }
            }
        } catch (IOException ignored) {
            // the command ended
        }
    }
}
