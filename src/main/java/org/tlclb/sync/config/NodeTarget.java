package org.tlclb.sync.config;

/**
 * A resolved push target: where to connect and as whom.
 *
 * @param name   the Server name from sync.conf, or null for a host given only on the command line
 * @param nosync true when the node stays listed (as skipped) but receives nothing
 */
public record NodeTarget(String name, String host, int port, String user, boolean nosync) {

    /** The name, or {@code user@host:port} (IPv6 hosts in brackets) when the node has no name. */
    public String display() {
        if (name != null) {
            return name;
        }
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return user + "@" + h + ":" + port;
    }
}
