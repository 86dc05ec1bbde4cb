package org.tlclb.sync.config;

/** A resolved push target. */
public record NodeTarget(String name, String host, int port, String user, boolean nosync) {
    public String display() {
        return name != null ? name : user + "@" + host + ":" + port;
    }
}
