package org.tlclb.sync.config;

public enum HostKeyPolicy { STRICT, ASK, ACCEPT_NEW;
    public static HostKeyPolicy parse(String s) {
        return valueOf(s.toUpperCase().replace('-', '_'));
    }
}
