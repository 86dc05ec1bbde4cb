package org.tlclb.sync.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.SplittableRandom;

/** Big incompressible files, fast (SSH may compress: zeros would be too easy). */
final class TestFiles {
    private TestFiles() {
    }

    static void big(Path p, long size) throws IOException {
        random(p, size, size);
    }

    /** {@code size} pseudo-random bytes from {@code seed}; mtime T0 + seed seconds. */
    static void random(Path p, long size, long seed) throws IOException {
        Files.createDirectories(p.getParent());
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long left = size; left > 0; left -= buf.length) {
                for (int k = 0; k < buf.length; k += 8) {
                    long v = rnd.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buf[k + b] = (byte) (v >>> (8 * b));
                    }
                }
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
        Files.setLastModifiedTime(p, FileTime.from(FaultSupport.T0.plusSeconds(seed)));
    }
}
