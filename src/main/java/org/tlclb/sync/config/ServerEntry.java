package org.tlclb.sync.config;

public record ServerEntry(String name, String address, Integer port, String user, boolean nosync, int line) {}
