package org.tlclb.sync.config;

import java.util.Locale;

/** What to do with a node whose host key is not in known_hosts (a changed key is always refused). */
public enum HostKeyPolicy {
    STRICT, ASK, ACCEPT_NEW;

    /**
     * Parses the spelling used in sync.conf and on the command line.
     *
     * @param s "strict", "ask" or "accept-new", any case
     * @throws IllegalArgumentException for anything else, including null
     */
    public static HostKeyPolicy parse(String s) {
        if (s != null) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "strict": return STRICT;
                case "ask": return ASK;
                case "accept-new": return ACCEPT_NEW;
                default: break;
            }
        }
        throw new IllegalArgumentException("bad host key policy '" + s + "' (expected strict, ask or accept-new)");
    }

    /** The spelling {@link #parse} accepts, for messages and help. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
