package org.tlclb.sync.transfer;

import java.util.List;

import org.tlclb.sync.scan.NotCarried;

/**
 * What a commit really did (not what the plan said): entries created, updated and deleted, the
 * per-entry errors (the rest of the commit goes on past them), and the entries whose time the node
 * did not take as it is (relative to the unit's destination, or to the node's root once a run
 * has gathered them: see the caller).
 */
public record CommitResult(int created, int updated, int deleted, List<String> errors, List<NotCarried> notCarried) {

    public CommitResult {
        errors = List.copyOf(errors);
        notCarried = List.copyOf(notCarried);
    }

    public CommitResult(int created, int updated, int deleted, List<String> errors) {
        this(created, updated, deleted, errors, List.of());
    }

    /** Whether anything on the node changed. */
    public boolean changedAnything() {
        return created + updated + deleted > 0;
    }
}
