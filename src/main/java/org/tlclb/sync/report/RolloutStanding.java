package org.tlclb.sync.report;

import java.util.Locale;

/**
 * Where a node ended a rolling push: its batch (1-based) and what the rollout did with it.
 */
public record RolloutStanding(int batch, State state) {
    public enum State {
        /** Committed, post-synced and healthy (or nothing to change there). */
        COMMITTED,
        /** Committed, failed, and put back from its backup of the run. */
        ROLLED_BACK,
        /** Committed and failed, and its backup could not be put back completely. */
        NOT_RESTORED,
        /** The rollout stopped before its batch: it keeps what it had, its staged files removed. */
        UNTOUCHED;

        /** The spelling of reports and JSON. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
