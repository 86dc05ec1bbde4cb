package org.tlclb.sync.state;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A process that rewrites one record for ever, alternating between two versions, so that
 * {@link StateStoreCrashTest} can kill it with SIGKILL at any instant of a write.
 */
public final class StateStoreHammer {
    private StateStoreHammer() {
    }

    static DestinationRecord version(int v) {
        List<NodeRecord> nodes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            nodes.add(new NodeRecord("node" + i, String.valueOf(v).repeat(64), Instant.ofEpochSecond(1_700_000_000L + v),
                    "run" + v, null, null, null, 0));
        }
        return new DestinationRecord("/var/www/html", String.valueOf(v).repeat(64), "run" + v,
                Instant.ofEpochSecond(1_700_000_000L + v), nodes);
    }

    public static void main(String[] args) throws Exception {
        StateStore store = new StateStore(Path.of(args[0]));
        System.out.println("writing");
        System.out.flush();
        for (long n = 0; ; n++) {
            store.write(version(1 + (int) (n % 2)));
        }
    }
}
