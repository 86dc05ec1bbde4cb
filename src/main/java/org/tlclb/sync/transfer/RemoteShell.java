package org.tlclb.sync.transfer;

/** Quoting for the few words that go to a remote shell: every path is single-quoted. */
public final class RemoteShell {
    private RemoteShell() {
    }

    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
