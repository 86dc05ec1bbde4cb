package org.tlclb.sync.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a standard stream is a terminal (Linux: where /proc/self/fd/N points). */
final class Terminals {
    private Terminals() {
    }

    /** The progress display is drawn only here: with {@code 2>err.log} its escape codes would go into the file. */
    static boolean stderrIsTerminal() {
        return isTerminal(2);
    }

    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
