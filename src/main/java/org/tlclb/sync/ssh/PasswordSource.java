package org.tlclb.sync.ssh;

/** Gives the password for user@host when a node asks for one; never stored beyond the run. */
@FunctionalInterface
public interface PasswordSource {
    PasswordSource NONE = (user, host, port) -> null;

    /** The password, or null to not try password authentication. */
    String password(String user, String host, int port);
}
