package org.tlclb.sync.cli;

/** A problem with what the user asked for: exit 2, one clear line, nothing contacted. */
final class UsageError extends Exception {
    UsageError(String message) {
        super(message);
    }
}
