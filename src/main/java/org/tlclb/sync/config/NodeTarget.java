package org.tlclb.sync.config;

/**
 * A resolved push target: where to connect and as whom.
 *
 * @param name   the Server name from sync.conf, or null for a host given only on the command line
 * @param nosync true when the node stays listed (as skipped) but receives nothing
 * @param listed true when the node is a Server of sync.conf (so its host is that Server's address); says where
 *               a name that cannot be resolved came from
 */
public record NodeTarget(String name, String host, int port, String user, boolean nosync, boolean listed) {

    /** A target that is a Server of sync.conf exactly when it has a name. */
    public NodeTarget(String name, String host, int port, String user, boolean nosync) {
        this(name, host, port, user, nosync, name != null);
    }

    /** The name, or {@code user@host:port} (IPv6 hosts in brackets) when the node has no name. */
    public String display() {
        if (name != null) {
            return name;
        }
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return user + "@" + h + ":" + port;
    }
}
