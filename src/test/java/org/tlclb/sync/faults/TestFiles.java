package org.tlclb.sync.faults;

import java.io.IOException;
import java.nio.file.Path;

/** Big incompressible files, fast. */
final class TestFiles {
    private TestFiles() {
    }

    static void big(Path p, long size) throws IOException {
        FaultStagingIT.bigFile(p, size, size);
    }
}
