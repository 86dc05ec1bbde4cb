package org.tlclb.sync.ssh.config;

/** An OpenSSH client configuration file that ssh itself would refuse; the message names the file and line. */
public final class SshConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public SshConfigException(String message) {
        super(message);
    }

    public SshConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
