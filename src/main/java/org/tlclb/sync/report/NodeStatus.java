package org.tlclb.sync.report;

/** How a node ended a run. */
public enum NodeStatus {
    /** In sync: changes committed, or nothing to do. */
    OK,
    /** The dry run's plan was shown; nothing changed. */
    PLANNED,
    /** Files committed, but the post-sync command failed. */
    HOOK_FAILED,
    /** The node failed; nothing was committed there. */
    FAILED,
    /** Staged fine, but rolled back because another node failed (all-or-nothing). */
    ABORTED,
    /** Listed with nosync, or the source machine itself. */
    SKIPPED;

    /** Whether this node's files were changed by the run (or needed no change). */
    public boolean committed() {
        return this == OK || this == HOOK_FAILED;
    }
}
