package org.tlclb.sync.report;

/**
 * The exit codes of every command (SPEC section 6): the only place they are defined. The README's
 * table and each command's help section are this enum, rendered.
 */
public enum ExitCode {
    OK(0, "every node is in sync (including: nothing to do)"),
    PARTIAL(1, "partial: some nodes changed and some did not (a node failed with --partial-ok, a commit stopped"
            + " halfway, a post-sync command failed), check found drift, or status found a node behind"),
    USAGE(2, "usage or configuration error, or a push the delete guard refused; nothing was changed"),
    NOTHING_CHANGED(3, "nothing changed on any node: every node failed, or the all-or-nothing push was aborted;"
            + " status: a node was never pushed"),
    LOCKED(4, "another run holds the lock"),
    DECLINED(5, "the user declined at the prompt, or the run was interrupted (Ctrl-C, SIGTERM) before commit;"
            + " check and rollback stop the same way, changing nothing"),
    INTERNAL(6, "internal error; the report and log say which nodes, if any, changed");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
