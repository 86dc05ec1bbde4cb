package org.tlclb.sync.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Placeholder until the real selector lands from the config branch. */
public final class ServerSelector {
    public static List<NodeTarget> select(SyncConfig cfg, String servers, String exclude, Set<String> localNames) throws ConfigException {
        List<NodeTarget> out = new ArrayList<>();
        if (servers != null) {
            for (String s : servers.split(",")) {
                String user = cfg.user();
                int at = s.indexOf('@');
                if (at >= 0) { user = s.substring(0, at); s = s.substring(at + 1); }
                int port = 22;
                int colon = s.lastIndexOf(':');
                if (colon >= 0) { port = Integer.parseInt(s.substring(colon + 1)); s = s.substring(0, colon); }
                out.add(new NodeTarget(null, s, port, user, false));
            }
        }
        return out;
    }
    public static Set<String> localNames() { return Set.of(); }
}
