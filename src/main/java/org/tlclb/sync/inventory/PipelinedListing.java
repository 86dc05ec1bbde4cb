package org.tlclb.sync.inventory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.RawNames;
import org.tlclb.sync.ssh.SftpPipeline;

/**
 * Lists a whole tree over one SFTP channel (version 3 on the wire) in a fixed number of round
 * trips when the node's tree is shaped like the source's, which it is after the first push.
 * Every directory the source has is opened at once, with the root's stat and the source's
 * symlinks' targets (one wave); then every directory is read to its end and closed (a second
 * wave, with enough reads queued for the entries the source has there). Only what the source
 * does not predict costs more waves: directories only the node has, listed a level at a time as
 * before, directories grown past their reads, and symlinks the source does not have.
 * <p>
 * A directory opened on the source's word counts only when its parent's listing shows it as a
 * directory (a symlink there would have been followed); names are checked as they always were: a
 * node listing an empty name, one with '/' or NUL, "." or ".." fails.
 * <p>
 * Longer than most classes here on purpose: the two waves and the level-at-a-time fallback share
 * the directory records and the first failure, and read as one algorithm; the SFTP v3 decoding is in
 * {@link SftpNames} and what a listed name becomes in {@link ListedTree}.
 */
final class PipelinedListing {
    /** OpenSSH's sftp-server returns at most this many names per READDIR. */
    private static final int NAMES_PER_READ = 100;

    /** What the reads of one directory returned. */
    private static final class Dir {
        byte[] handle;
        IOException error;
        final List<SftpNames.Listed> names = new ArrayList<>();
        boolean complete;
        boolean broken;
    }

    private final SftpPipeline pipe;
    private final String root;
    private final Manifest hint;
    private final ListedTree tree;
    private IOException failure;

    /** @param hint the source tree, whose directories and symlinks are looked up ahead; null for none */
    PipelinedListing(SftpPipeline pipe, String root, ExcludeRules excludes, Manifest hint, Map<String, Entry> entries,
                     List<String> temps, Set<String> holdsExcluded, Set<String> openDirs, int loginUid) {
        this.pipe = pipe;
        this.root = root;
        this.hint = hint == null ? Manifest.empty() : hint;
        this.tree = new ListedTree(root, excludes, entries, temps, holdsExcluded, openDirs, loginUid);
    }

    private String abs(String rel) {
        return rel.isEmpty() ? root : root + "/" + rel;
    }

    /**
     * Lists the tree into the entries and temps given at construction.
     *
     * @return false when the root does not exist
     * @throws IOException the root is not a directory, a directory of the tree cannot be read, or
     *                     the node listed an invalid name
     */
    boolean run() throws IOException {
        Map<String, Integer> children = new HashMap<>();
        Map<String, Dir> dirs = new LinkedHashMap<>();
        dirs.put("", new Dir());
        for (Entry e : hint.unordered()) {
            if (!e.path().isEmpty()) {
                children.merge(Entry.parentOf(e.path()), 1, Integer::sum);
                if (e.isDir()) {
                    dirs.put(e.path(), new Dir());
                }
            }
        }
        // Wave 1: the root's attributes, every directory opened, the symlinks' targets.
        SftpRootStat rootStat = new SftpRootStat();
        pipe.submit(SftpConstants.SSH_FXP_STAT, SftpPipeline.pathBuffer(root), rootStat::failed,
                r -> rootStat.attrs = SftpNames.attrs(r.getBuffer()));
        dirs.forEach(this::open);
        for (Entry e : hint.unordered()) {
            if (e.isSymlink()) {
                readLink(e.path());
            }
        }
        pipe.drain();
        check();
        if (rootStat.missing) {
            return false;
        }
        if (rootStat.error != null) {
            throw rootStat.error;
        }
        Entry rootEntry = rootStat.entry();
        if (!rootEntry.isDir()) {
            throw new IOException("destination " + root + " exists on the node but is not a directory");
        }
        tree.entries.put("", rootEntry);
        tree.root(rootStat.uid(), rootEntry.mode());
        // Wave 2: every opened directory read to its end (as far as the source predicts) and closed.
        dirs.forEach((dir, d) -> {
            if (d.handle != null) {
                int reads = children.getOrDefault(dir, 0) / NAMES_PER_READ + 2;
                for (int k = 0; k < reads; k++) {
                    read(dir, d, false);
                }
                close(d);
            }
        });
        pipe.drain();
        check();
        // The tree, from the root down, over the directories the node really has.
        List<String> unlisted = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.push("");
        while (!todo.isEmpty()) {
            String dir = todo.pop();
            Dir d = dirs.get(dir);
            if (d == null || !d.complete) {
                if (d != null && d.handle == null && dir.isEmpty()) {
                    throw new IOException("cannot list " + root + ": " + d.error.getMessage(), d.error);
                }
                unlisted.add(dir); // only on the node, or grown past its reads: listed anew below
                continue;
            }
            for (SftpNames.Listed n : d.names) {
                String sub = tree.accept(dir, n);
                if (sub != null) {
                    todo.push(sub);
                }
            }
            check();
        }
        // Directories the source did not predict, a level at a time.
        while (!unlisted.isEmpty()) {
            Map<String, Dir> level = new LinkedHashMap<>();
            unlisted.forEach(dir -> open(dir, level.computeIfAbsent(dir, k -> new Dir())));
            pipe.drain();
            level.forEach((dir, d) -> {
                if (d.handle == null) {
                    fail("cannot list " + abs(dir) + ": " + d.error.getMessage(), d.error);
                }
            });
            check();
            readToEnd(level);
            List<String> next = new ArrayList<>();
            for (Map.Entry<String, Dir> e : level.entrySet()) {
                for (SftpNames.Listed n : e.getValue().names) {
                    String sub = tree.accept(e.getKey(), n);
                    if (sub != null) {
                        next.add(sub);
                    }
                }
            }
            unlisted = next;
        }
        if (!tree.unresolvedLinks.isEmpty()) {
            tree.unresolvedLinks.forEach(this::readLink);
            pipe.drain();
            check();
            tree.resolveLinks();
        }
        return true;
    }

    /** Reads every directory of a level in waves until each has reached its end, and closes it. */
    private void readToEnd(Map<String, Dir> level) throws IOException {
        List<Dir> active = new ArrayList<>(level.values());
        Map<Dir, String> names = new HashMap<>();
        level.forEach((dir, d) -> names.put(d, dir));
        while (!active.isEmpty()) {
            for (Dir d : active) {
                read(names.get(d), d, true);
            }
            pipe.drain();
            check();
            active.removeIf(d -> d.complete);
        }
        level.values().forEach(this::close);
    }

    private void open(String dir, Dir d) {
        submit(SftpConstants.SSH_FXP_OPENDIR, SftpPipeline.pathBuffer(abs(dir)), e -> d.error = e,
                r -> d.handle = r.getBuffer().getBytes());
    }

    /**
     * Queues one READDIR. A failed read fails the listing when {@code strict}; otherwise the
     * directory stays incomplete (it may not even be part of the tree) and is listed anew if it is.
     */
    private void read(String dir, Dir d, boolean strict) {
        submit(SftpConstants.SSH_FXP_READDIR, handleBuffer(d.handle), e -> {
            if (e instanceof SftpException se && se.getStatus() == SftpConstants.SSH_FX_EOF) {
                d.complete = !d.broken;
            } else if (strict && !d.complete) {
                fail("cannot list " + abs(dir) + ": " + e.getMessage(), e);
            } else {
                d.broken = true;
            }
        }, r -> {
            if (!d.complete) {
                SftpNames.names(r.getBuffer(), d.names);
            }
        });
    }

    private void close(Dir d) {
        if (d.handle != null) {
            submit(SftpConstants.SSH_FXP_CLOSE, handleBuffer(d.handle), e -> { }, null);
        }
    }

    private void readLink(String link) {
        submit(SftpConstants.SSH_FXP_READLINK, SftpPipeline.pathBuffer(abs(link)), e -> { }, r -> {
            Buffer b = r.getBuffer();
            if (b.getInt() >= 1) {
                tree.linkTargets.put(link, b.getString(RawNames.CHARSET));
            }
        });
    }

    /** Submits a request; a channel failure is the listing's failure. */
    private void submit(int cmd, Buffer payload, Consumer<IOException> onError, Consumer<SftpResponse> onReply) {
        try {
            pipe.submit(cmd, payload, onError, onReply);
        } catch (IOException e) {
            fail(e.getMessage(), e);
        }
    }

    /** The reply to the root's STAT. */
    private final class SftpRootStat {
        long[] attrs;
        boolean missing;
        IOException error;

        void failed(IOException e) {
            if (e instanceof SftpException se && se.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                missing = true;
            } else {
                error = new IOException("cannot read " + root + ": " + e.getMessage(), e);
            }
        }

        int uid() {
            return (int) attrs[3];
        }

        Entry entry() {
            long[] a = attrs;
            int type = (int) a[2] & SftpNames.S_IFMT;
            int mode = (int) a[2] & 07777;
            return type == SftpNames.S_IFDIR ? Entry.dir("", a[1], mode) : Entry.file("", a[0], a[1], mode);
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
