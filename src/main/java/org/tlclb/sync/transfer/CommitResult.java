package org.tlclb.sync.transfer;

import java.util.List;

/**
 * What a commit really did (not what the plan said): entries created, updated and deleted, and the
 * per-entry errors (the rest of the commit goes on past them).
 */
public record CommitResult(int created, int updated, int deleted, List<String> errors) {

    /** Whether anything on the node changed. */
    public boolean changedAnything() {
        return created + updated + deleted > 0;
    }
}
