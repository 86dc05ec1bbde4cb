package org.tlclb.sync.report;

/** The exit codes of SPEC section 6, in one place. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int PARTIAL = 1;
    public static final int USAGE = 2;
    public static final int NOTHING_CHANGED = 3;
    public static final int LOCKED = 4;
    public static final int DECLINED = 5;

    private ExitCodes() {
    }
}
