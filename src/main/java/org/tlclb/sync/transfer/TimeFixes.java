package org.tlclb.sync.transfer;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.NotCarried;
import org.tlclb.sync.ssh.ShellBatch;
import org.tlclb.sync.ssh.SftpTimes;

/**
 * The times a commit must set that SFTP cannot carry (before 1970, from 2106 on): gathered while
 * the commit runs, set at its end by one {@link ShellBatch#touch} batch (after the directories'
 * attributes, so nothing moves them again), and read back. An entry whose time the node did not
 * take as it is is not carried; nothing is gathered, and nothing runs, for a usual tree.
 */
public final class TimeFixes {
    private final Map<String, Long> wanted = new LinkedHashMap<>();

    /** Takes the entry's time if SFTP cannot carry it (a path given twice keeps its last time). */
    public synchronized void add(Entry e) {
        if (!SftpTimes.carries(e.mtime())) {
            wanted.put(e.path(), e.mtime());
        }
    }

    public synchronized boolean isEmpty() {
        return wanted.isEmpty();
    }

    /** Sets the gathered times; what the node did not take as it is, by path relative to the shell's root. */
    public synchronized List<NotCarried> apply(ShellBatch shell) {
        List<NotCarried> out = new ArrayList<>();
        if (wanted.isEmpty()) {
            return out;
        }
        Map<String, Long> stored;
        try {
            stored = shell.touch(wanted);
        } catch (IOException e) {
            wanted.forEach((p, t) -> out.add(new NotCarried(p, "its time " + Instant.ofEpochSecond(t)
                    + " is beyond what SFTP carries (1970 to 2106) and " + e.getMessage())));
            return out;
        }
        wanted.forEach((p, t) -> {
            Long got = stored.get(p);
            if (got == null) {
                out.add(new NotCarried(p, "its time " + Instant.ofEpochSecond(t) + " is beyond what SFTP carries"
                        + " (1970 to 2106) and the node's touch could not set it"));
            } else if (got.longValue() != t) {
                out.add(new NotCarried(p, "the node's filesystem holds " + Instant.ofEpochSecond(got)
                        + " for its time " + Instant.ofEpochSecond(t)));
            }
        });
        return out;
    }
}
