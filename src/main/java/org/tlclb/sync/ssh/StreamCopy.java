package org.tlclb.sync.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The byte pump of a local bridge (the ProxyCommand bridge, the jump tunnel): copies until the
 * input ends, flushing each chunk so SSH's small packets are not held back; an error on either side
 * ends the copy (the bridge then ends).
 */
final class StreamCopy {
    private static final int BUFFER = 64 * 1024;

    private StreamCopy() {
    }

    static void copy(InputStream in, OutputStream out) {
        byte[] buf = new byte[BUFFER];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: the bridge ends
        }
    }
}
