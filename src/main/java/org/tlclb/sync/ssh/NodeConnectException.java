package org.tlclb.sync.ssh;

import java.io.IOException;

/** A node could not be reached or would not let us in; the message says what to do. */
public class NodeConnectException extends IOException {
    private final boolean retryable;

    public NodeConnectException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
