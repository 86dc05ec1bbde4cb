package org.tlclb.sync.report;

/** The post-sync command's outcome on one node: exit status (-1 when it did not finish) and its last lines. */
public record HookResult(String command, int exitStatus, String outputTail) {
    public boolean ok() {
        return exitStatus == 0;
    }
}
