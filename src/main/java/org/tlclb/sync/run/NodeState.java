package org.tlclb.sync.run;

import java.util.List;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.report.HookResult;
import org.tlclb.sync.transfer.CommitResult;
import org.tlclb.sync.transfer.NodeLock;
import org.tlclb.sync.transfer.NodeOwner;
import org.tlclb.sync.transfer.StageResult;

/**
 * Where a node stands in a run: each phase takes one of these and returns the next, so no phase
 * can run on a node in the wrong state. {@link Prepared} says which path the node takes:
 * incremental over SFTP, or the original tool's full SCP copy for a node without SFTP.
 */
sealed interface NodeState {
    NodeTarget target();

    /** Warnings gathered so far. */
    List<String> warnings();

    /** Nanoseconds on the run's clock when the node's work began. */
    long startNanos();

    /** Why a node failed; what it had made before (to remove), if anything. */
    enum Why {
        /** Connecting, listing, planning or staging failed. */
        ERROR,
        /** Another run holds the node's destination. */
        LOCKED,
        /** The plan deletes more than --max-delete allows. */
        REFUSED,
        /** An error of this program. */
        INTERNAL,
        /** Ctrl-C or SIGTERM cut the node's staging short (what it staged is removed: the node is aborted). */
        INTERRUPTED
    }

    /**
     * The node failed before its commit; nothing of it is visible.
     *
     * @param before the node as it was prepared or staged, for the discard (null when nothing was made)
     */
    record Failed(NodeTarget target, Why why, String error, List<String> warnings, long startNanos, NodeState before)
            implements NodeState {
    }

    /** The node's destination is the same directory as another node's (it takes that node's commit). */
    record Shared(NodeTarget target, String with, NodeLink link, List<String> warnings, long startNanos)
            implements NodeState {
    }

    /**
     * Connected, locked, listed and planned.
     *
     * @param fullCopy  the node has no SFTP: a full SCP copy, without deletes or atomic replacement
     * @param lock      the node lock of the run's primary destination (null in a read-only run)
     * @param madeDirs  directories this run made to hold the lock or the tree (removed by a discard)
     * @param owner     --chown resolved on the node, or null
     */
    record Prepared(NodeTarget target, NodeLink link, boolean fullCopy, List<UnitWork> units, NodeLock lock,
                    List<String> madeDirs, NodeOwner owner, List<String> warnings, long startNanos)
            implements NodeState {

        boolean hasChanges() {
            return fullCopy || units.stream().anyMatch(u -> !u.plan().isEmpty());
        }
    }

    /**
     * Staged: every unit's files are on the node under temporary names (or, for a full copy, in place).
     *
     * @param staged one result per unit of {@code prepared}
     */
    record Staged(Prepared prepared, List<StageResult> staged, long bytes, List<String> warnings) implements NodeState {
        public NodeTarget target() {
            return prepared.target();
        }

        public long startNanos() {
            return prepared.startNanos();
        }
    }

    /**
     * The commit ran.
     *
     * @param result  what it really did, summed over the units
     * @param crashed the commit stopped on an error of this program (what it did is unknown)
     * @param hook    the post-sync command's outcome, or null when it did not run
     */
    record Committed(Staged staged, CommitResult result, boolean crashed, HookResult hook, List<String> warnings)
            implements NodeState {
        public NodeTarget target() {
            return staged.target();
        }

        public long startNanos() {
            return staged.startNanos();
        }

        Committed withHook(HookResult h) {
            return new Committed(staged, result, crashed, h, warnings);
        }
    }

    /**
     * A rolling push committed here, the node failed (its commit, post-sync or health check) and its
     * backup of the run was put back.
     *
     * @param why           what failed
     * @param restoreErrors what could not be put back (empty: the node holds what it had)
     * @param hook          the post-sync command run again after the restore, or null
     */
    record RolledBack(Committed committed, String why, List<String> restoreErrors, HookResult hook,
                      List<String> warnings) implements NodeState {
        public NodeTarget target() {
            return committed.target();
        }

        public long startNanos() {
            return committed.startNanos();
        }
    }
}
