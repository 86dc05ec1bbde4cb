package org.tlclb.sync.ssh;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.ssh.config.SshConfigException;

/** The routes of a run's nodes, each settled once (the node list's up front, any other when first connected). */
final class Routes {
    private final RouteResolver resolver;
    private final Map<String, SshRoute> byNode = new ConcurrentHashMap<>();

    Routes(RouteResolver resolver) {
        this.resolver = resolver;
    }

    SshRoute node(String user, String host, int port) throws SshConfigException {
        String key = user + "@" + host + "#" + port;
        SshRoute r = byNode.get(key);
        if (r == null) {
            r = resolver.node(user, host, port);
            byNode.putIfAbsent(key, r);
        }
        return r;
    }

    /** The longest connect timeout of the routes known so far (MINA's own TCP timeout must not cut one short). */
    Duration longestConnectTimeout() {
        Duration longest = SyncConfig.DEFAULT_CONNECT_TIMEOUT;
        for (SshRoute r : byNode.values()) {
            for (SshRoute hop : r.hops()) {
                if (hop.connectTimeout().compareTo(longest) > 0) {
                    longest = hop.connectTimeout();
                }
            }
        }
        return longest;
    }

    Iterable<SshRoute> known() {
        return byNode.values();
    }
}
