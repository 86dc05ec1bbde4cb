package org.tlclb.sync.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.ssh.SftpPipeline;

/**
 * Lists a whole tree over one SFTP channel a directory level at a time: every directory of a level
 * is opened, read and closed in pipelined waves (SFTP version 3 on the wire), so the listing costs
 * a few round trips per level instead of three or more per directory.
 */
final class PipelinedListing {
    private static final int ATTR_SIZE = 0x01;
    private static final int ATTR_UIDGID = 0x02;
    private static final int ATTR_PERMISSIONS = 0x04;
    private static final int ATTR_ACMODTIME = 0x08;
    private static final int ATTR_EXTENDED = 0x80000000;
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    private final SftpPipeline pipe;
    private final String root;
    private final ExcludeRules excludes;
    private final Map<String, Entry> entries;
    private final List<String> temps;
    private final Set<String> holdsExcluded;
    private IOException failure;

    PipelinedListing(SftpPipeline pipe, String root, ExcludeRules excludes, Map<String, Entry> entries,
                     List<String> temps, Set<String> holdsExcluded) {
        this.pipe = pipe;
        this.root = root;
        this.excludes = excludes;
        this.entries = entries;
        this.temps = temps;
        this.holdsExcluded = holdsExcluded;
    }

    private String abs(String rel) {
        return rel.isEmpty() ? root : root + "/" + rel;
    }

    void run() throws IOException {
        List<String> level = List.of("");
        while (!level.isEmpty()) {
            level = listLevel(level);
        }
    }

    /** Lists one level's directories; returns the next level's. */
    private List<String> listLevel(List<String> dirs) throws IOException {
        Map<String, byte[]> handles = new LinkedHashMap<>();
        for (String dir : dirs) {
            pipe.submit(SftpConstants.SSH_FXP_OPENDIR, SftpPipeline.pathBuffer(abs(dir)),
                    e -> fail("cannot list " + abs(dir) + ": " + e.getMessage(), e),
                    r -> handles.put(dir, r.getBuffer().getBytes()));
        }
        pipe.drain();
        check();
        List<String> next = new ArrayList<>();
        List<String> links = new ArrayList<>();
        Map<String, byte[]> active = new HashMap<>(handles);
        while (!active.isEmpty()) {
            Set<String> done = new HashSet<>();
            for (Map.Entry<String, byte[]> h : active.entrySet()) {
                String dir = h.getKey();
                pipe.submit(SftpConstants.SSH_FXP_READDIR, handleBuffer(h.getValue()),
                        e -> {
                            if (e instanceof SftpException se && se.getStatus() == SftpConstants.SSH_FX_EOF) {
                                done.add(dir);
                            } else {
                                fail("cannot list " + abs(dir) + ": " + e.getMessage(), e);
                                done.add(dir);
                            }
                        },
                        r -> names(dir, r.getBuffer(), next, links));
            }
            pipe.drain();
            check();
            done.forEach(active::remove);
        }
        for (byte[] h : handles.values()) {
            pipe.submit(SftpConstants.SSH_FXP_CLOSE, handleBuffer(h), e -> { }, null);
        }
        for (String link : links) {
            pipe.submit(SftpConstants.SSH_FXP_READLINK, SftpPipeline.pathBuffer(abs(link)),
                    e -> fail("cannot read link " + abs(link) + ": " + e.getMessage(), e),
                    r -> {
                        Buffer b = r.getBuffer();
                        if (b.getInt() >= 1) {
                            entries.put(link, Entry.symlink(link, b.getString(StandardCharsets.UTF_8)));
                        }
                    });
        }
        pipe.drain();
        check();
        return next;
    }

    private void names(String dir, Buffer b, List<String> next, List<String> links) {
        int count = b.getInt();
        for (int i = 0; i < count; i++) {
            String name = b.getString(StandardCharsets.UTF_8);
            b.getString(); // long name
            int flags = b.getInt();
            long size = (flags & ATTR_SIZE) != 0 ? b.getLong() : 0;
            if ((flags & ATTR_UIDGID) != 0) {
                b.getInt();
                b.getInt();
            }
            int perms = (flags & ATTR_PERMISSIONS) != 0 ? b.getInt() : 0;
            long mtime = 0;
            if ((flags & ATTR_ACMODTIME) != 0) {
                b.getUInt(); // atime
                mtime = b.getUInt();
            }
            if ((flags & ATTR_EXTENDED) != 0) {
                int n = b.getInt();
                for (int k = 0; k < n; k++) {
                    b.getString();
                    b.getString();
                }
            }
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            if (name.isEmpty() || name.contains("/") || name.indexOf('\0') >= 0) {
                // A node must never make us address something outside the tree.
                fail("node listed an invalid name in " + abs(dir) + ": " + name, null);
                continue;
            }
            String rel = dir.isEmpty() ? name : dir + "/" + name;
            if (dir.isEmpty() && name.equals(TempNames.BACKUP_DIR)) {
                continue;
            }
            int type = perms & S_IFMT;
            if (TempNames.isTemp(name)) {
                temps.add(type == S_IFDIR ? rel + "/" : rel); // a subtree left by an interrupted run
                continue;
            }
            if (excludes.excludes(rel, type == S_IFDIR)) {
                holdsExcluded.add(dir);
                continue;
            }
            int mode = perms & 07777;
            if (type == S_IFLNK) {
                links.add(rel);
            } else if (type == S_IFDIR) {
                entries.put(rel, Entry.dir(rel, mtime, mode));
                next.add(rel);
            } else if (type == S_IFREG) {
                entries.put(rel, Entry.file(rel, size, mtime, mode));
            } else {
                // Special file on the node: of unknown content, so it is replaced or deleted.
                entries.put(rel, Entry.file(rel, -1, mtime, mode));
            }
        }
    }

    private static Buffer handleBuffer(byte[] handle) {
        Buffer b = new ByteArrayBuffer(handle.length + 8, false);
        b.putBytes(handle);
        return b;
    }

    private void fail(String message, IOException cause) {
        if (failure == null) {
            failure = new IOException(message, cause);
        }
    }

    private void check() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }
}
