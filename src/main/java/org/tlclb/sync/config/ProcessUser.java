package org.tlclb.sync.config;

import com.sun.security.auth.module.UnixSystem;

/** The user this process runs as (effective uid), for the checks that keep root's writes private. */
public final class ProcessUser {
    private static final long UID = new UnixSystem().getUid();

    private ProcessUser() {
    }

    public static long uid() {
        return UID;
    }

    public static boolean isRoot() {
        return UID == 0;
    }
}
