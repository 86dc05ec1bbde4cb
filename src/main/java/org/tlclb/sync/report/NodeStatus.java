package org.tlclb.sync.report;

import java.util.Locale;

/** How a node ended a run. */
public enum NodeStatus {
    /** In sync: changes committed, or nothing to do. */
    OK,
    /** The dry run's (or check's) plan was made; nothing changed. */
    PLANNED,
    /** Files committed, but the post-sync command failed. */
    HOOK_FAILED,
    /** The commit began but did not complete: some changes are on the node, some are not. */
    PARTIAL,
    /**
     * A rolling push committed here, then its commit, post-sync command or health check failed and
     * the node got its backup of the run back: it holds what it had before.
     */
    ROLLED_BACK,
    /** The node failed before its commit; nothing changed there. */
    FAILED,
    /** Staged fine, but rolled back: another node failed (all-or-nothing), or the run was declined or interrupted. */
    ABORTED,
    /** Listed with nosync, or the source machine itself. */
    SKIPPED;

    /** Whether the run changed this node's files (or it needed no change): the commit began there. */
    public boolean committed() {
        return this == OK || this == HOOK_FAILED || this == PARTIAL;
    }

    /** The spelling of reports and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
