package org.tlclb.sync.ssh;

/**
 * The run's SSH setup cannot be used, so no node is contacted: a key file (missing, unreadable, encrypted without a
 * terminal), or an OpenSSH client configuration file that ssh would refuse too. The message names the file (and
 * line) and says what to do.
 */
public class IdentityException extends Exception {
    private static final long serialVersionUID = 1L;

    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
