package org.tlclb.sync.config;

/**
 * One command-line server: {@code host}, {@code user@host}, {@code host:port},
 * {@code user@host:port}, {@code [v6addr]} or {@code [v6addr]:port}; user and port are null when
 * not given. A bare IPv6 address (more than one ':') is taken as a host without a port.
 */
record HostSpec(String user, String host, Integer port, boolean bracketed) {
    static final String FORMS = "host, user@host, host:port, user@host:port, [v6addr]:port or a Server name from sync.conf";

    static HostSpec parse(String item, Where at) throws ConfigException {
        String rest = item;
        String user = null;
        int atSign = rest.indexOf('@');
        if (atSign >= 0) {
            user = rest.substring(0, atSign);
            rest = rest.substring(atSign + 1);
            if (!Values.isUser(user)) {
                throw bad(item, at, "bad user '" + user + "'");
            }
        }
        String host;
        String port = null;
        boolean bracketed = rest.startsWith("[");
        if (bracketed) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw bad(item, at, "missing ']'");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(item, at, "unexpected '" + after + "' after ']'");
                }
                port = after.substring(1);
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0 && colon == rest.lastIndexOf(':')) {
                host = rest.substring(0, colon);
                port = rest.substring(colon + 1);
            } else {
                host = rest;
            }
        }
        if (host.isEmpty() || !Values.isHost(host)) {
            throw bad(item, at, host.isEmpty() ? "no host" : "bad host '" + host + "'");
        }
        Integer p = port == null ? null : Values.port(port, at, "server '" + item + "'");
        return new HostSpec(user, host, p, bracketed);
    }

    private static ConfigException bad(String item, Where at, String why) {
        return at.error("bad server '" + item + "': " + why + " (expected " + FORMS + ")");
    }
}
