package org.tlclb.sync.ssh.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One hop of a ProxyJump list: {@code [user@]host[:port]}, {@code [user@][v6addr][:port]} or
 * {@code ssh://[user@]host[:port]}, as readconf.c's parse_jump accepts them.
 *
 * @param user null when the hop names none (its own configuration, else the local user, applies)
 * @param port null when the hop names none
 */
public record JumpHost(String user, String host, Integer port) {
    private static final String URI_PREFIX = "ssh://";

    /** The hops of a comma-separated ProxyJump value, first hop first. */
    public static List<JumpHost> parseList(String value) {
        List<JumpHost> hops = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            hops.add(parse(item.strip()));
        }
        return hops;
    }

    static JumpHost parse(String s) {
        String rest = s;
        if (rest.regionMatches(true, 0, URI_PREFIX, 0, URI_PREFIX.length())) {
            rest = rest.substring(URI_PREFIX.length());
            if (rest.endsWith("/")) {
                rest = rest.substring(0, rest.length() - 1);
            }
        }
        String user = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            user = rest.substring(0, at);
            rest = rest.substring(at + 1);
            if (user.isEmpty()) {
                throw new IllegalArgumentException("empty user in '" + s + "'");
            }
        }
        String host;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in '" + s + "'");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("unexpected '" + after + "' in '" + s + "'");
                }
                port = after.substring(1);
            }
        } else {
            int colon = rest.indexOf(':');
            host = colon >= 0 ? rest.substring(0, colon) : rest;
            port = colon >= 0 ? rest.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host in '" + s + "'");
        }
        Integer p = null;
        if (port != null) {
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("bad port in '" + s + "'");
            }
            p = Integer.parseInt(port);
        }
        return new JumpHost(user, host, p);
    }

    /** {@code user@host:port} with brackets around an IPv6 address, as ssh -G prints a hop. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (user != null ? user + "@" : "") + h + (port != null ? ":" + port : "");
    }
}
