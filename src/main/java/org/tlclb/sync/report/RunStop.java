package org.tlclb.sync.report;

/** Why a run ended before it had gone through every phase, if it did. */
public enum RunStop {
    /** It went through every phase it was asked to (the nodes' results say how each ended). */
    NONE,
    /** The user answered no at the question before anything changed. */
    DECLINED,
    /** Ctrl-C or SIGTERM before commit: what was staged was removed, no node changed. */
    INTERRUPTED,
    /** A node's plan deleted more than --max-delete (or the default guard) allows: nothing was staged. */
    REFUSED,
    /** Another run held a node's destination (and the run did not go ahead there). */
    LOCKED,
    /** Another run on this machine held the run lock: no node was contacted. */
    HELD_HERE,
    /** An error of this program: the nodes' results say which changed. */
    INTERNAL_ERROR
}
