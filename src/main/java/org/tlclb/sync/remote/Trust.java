package org.tlclb.sync.remote;

/**
 * Who may change what on a node, the way OpenSSH's StrictModes judges a key file's directories:
 * a directory is <em>sealed</em> when root or the login user owns it and neither its group nor
 * others may write it. Only the owner of a directory, or whoever may write it, can rename, replace
 * or remove its entries; so the entries of a sealed directory whose parents are all sealed stay
 * what the run saw, and every other entry may be swapped (for a link, say) at any moment.
 */
public final class Trust {
    private static final int GROUP_OR_OTHER_WRITE = 0022;

    private Trust() {
    }

    /** Whether root or the login user owns it (the only owners whose changes the run trusts). */
    public static boolean trustedOwner(int uid, int loginUid) {
        return uid == 0 || (loginUid >= 0 && uid == loginUid);
    }

    /** Whether a directory with this owner and mode can only be changed by root or the login user. */
    public static boolean sealed(int uid, int mode, int loginUid) {
        return trustedOwner(uid, loginUid) && (mode & GROUP_OR_OTHER_WRITE) == 0;
    }

    /** Why a directory is not sealed, for a report ("writable by others", "owned by uid 1001"). */
    public static String whyOpen(int uid, int mode, int loginUid) {
        if (!trustedOwner(uid, loginUid)) {
            return "owned by uid " + uid;
        }
        if ((mode & 0002) != 0) {
            return "writable by others (mode " + Integer.toOctalString(mode) + ")";
        }
        return "writable by its group (mode " + Integer.toOctalString(mode) + ")";
    }
}
