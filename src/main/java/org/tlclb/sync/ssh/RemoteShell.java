package org.tlclb.sync.ssh;

/** Quoting for the few words that go to a remote shell: every path is single-quoted. */
public final class RemoteShell {
    private RemoteShell() {
    }

    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
