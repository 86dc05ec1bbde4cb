package org.tlclb.sync.run;

import java.nio.file.Path;

/** A separate process that takes the run lock, says "locked", and holds it until killed or stdin ends. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        RunLock lock = RunLock.tryAcquire(Path.of(args[0]), new StringBuilder()).orElseThrow();
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold
        }
        lock.close();
    }
}
