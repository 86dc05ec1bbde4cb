package org.tlclb.sync.config;

/**
 * One Server line. port and user are null when not given.
 *
 * @param line the line of sync.conf it came from, so later errors about the node can point at it
 */
public record ServerEntry(String name, String address, Integer port, String user, boolean nosync, int line) {}
