package org.tlclb.sync.report;

/** What a run was asked to do. */
public enum RunMode {
    /** Push the source to the nodes. */
    PUSH,
    /** Plan a push and show it; change nothing. */
    DRY_RUN,
    /** Plan a push; its verdict is drift or in sync. */
    CHECK,
    /** Put back what a run replaced or deleted, from the nodes' backups. */
    ROLLBACK,
    /** Show what a rollback would put back; change nothing. */
    ROLLBACK_DRY_RUN;

    /** Whether nothing changes anywhere. */
    public boolean readOnly() {
        return this == DRY_RUN || this == CHECK || this == ROLLBACK_DRY_RUN;
    }

    public boolean rollback() {
        return this == ROLLBACK || this == ROLLBACK_DRY_RUN;
    }
}
