package org.tlclb.sync.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.scan.RawNames;
import org.tlclb.sync.ssh.SftpPipeline;

/**
 * Joins the parts a large file was staged in onto its first part, which is already under the
 * file's staging name, on the node, with SFTP's {@code copy-data} extension (OpenSSH 9.0 and
 * later): the node copies the bytes, nothing travels twice. Every file of the node in two
 * pipelined waves: the staging files and the later parts opened; then each part copied in at its
 * offset and closed, the file closed and given its mode and mtime, and the parts removed.
 * Everything stays under temporary names: what is not joined is removed at commit or discard,
 * like any staged file that is not to be committed.
 */
final class PartJoin {
    static final String COPY_DATA = "copy-data";
    private static final int READ = 0x01;
    private static final int WRITE = 0x02;

    /**
     * What joining left: the files now staged whole, the later parts still on the node, and the
     * files not joined because the source changed while their parts were sent (by plan index).
     */
    record Joined(Set<Integer> files, List<StageItem> written, List<String> warnings, Set<Integer> changed) {
    }

    private static final class File {
        final int index;
        final List<Piece> parts;
        byte[] handle;
        final Map<Piece, byte[]> partHandles = new LinkedHashMap<>();
        boolean failed;

        File(int index, List<Piece> parts) {
            this.index = index;
            this.parts = parts;
        }
    }

    private PartJoin() {
    }

    /** Whether the node can join parts: our pipelined SFTP client, and a server with copy-data. */
    static boolean available(SftpClient sftp) {
        return sftp != null && SftpPipeline.of(sftp, 1) != null && sftp.getServerExtensions().containsKey(COPY_DATA);
    }

    /**
     * @param complete the parts of each file, by plan index, when every part arrived whole
     * @param sent     every later part that was written, complete or not (each is removed)
     */
    static Joined join(SftpClient sftp, String root, StagePlan plan, Manifest source, Map<Integer, List<Piece>> complete,
                       List<Piece> sent) {
        Set<Integer> joined = new HashSet<>();
        List<StageItem> left = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Set<Integer> changed = new HashSet<>();
        SftpPipeline pipe = SftpPipeline.of(sftp, Tunables.SFTP_COMMIT_WINDOW.get());
        List<File> files = new ArrayList<>();
        complete.forEach((index, parts) -> files.add(new File(index, parts)));
        Set<Piece> removed = new HashSet<>();
        try {
            for (File f : files) {
                StageItem item = plan.items().get(f.index);
                pipe.submit(SftpConstants.SSH_FXP_OPEN, open(abs(root, item.tempPath()), WRITE),
                        e -> f.failed = true, r -> f.handle = r.getBuffer().getBytes());
                for (Piece p : f.parts) {
                    if (!p.isLaterPart()) {
                        continue; // the file itself
                    }
                    pipe.submit(SftpConstants.SSH_FXP_OPEN, open(abs(root, p.written().tempPath()), READ),
                            e -> f.failed = true, r -> f.partHandles.put(p, r.getBuffer().getBytes()));
                }
            }
            pipe.drain();
            for (File f : files) {
                Entry scanned = source.get(plan.items().get(f.index).target()).orElse(null);
                if (!f.failed && !unchanged(plan, f.index, scanned)) {
                    f.failed = true;
                    changed.add(f.index);
                }
                for (Map.Entry<Piece, byte[]> ph : f.partHandles.entrySet()) {
                    if (!f.failed && f.handle != null) {
                        pipe.submit(SftpConstants.SSH_FXP_EXTENDED, copy(ph.getValue(), ph.getKey(), f.handle),
                                e -> f.failed = true, null);
                    }
                    pipe.submit(SftpConstants.SSH_FXP_CLOSE, handle(ph.getValue()), e -> { }, null);
                }
                if (f.handle != null) {
                    pipe.submit(SftpConstants.SSH_FXP_CLOSE, handle(f.handle), e -> f.failed = true, null);
                    if (!f.failed) {
                        pipe.setStat(abs(root, plan.items().get(f.index).tempPath()), scanned.mode(), scanned.mtime(),
                                -1, -1, e -> f.failed = true);
                    }
                }
            }
            for (Piece p : sent) {
                pipe.remove(abs(root, p.written().tempPath()), e -> { }, () -> removed.add(p));
            }
            pipe.drain();
            for (File f : files) {
                if (!f.failed && f.handle != null && f.partHandles.size() == f.parts.size() - 1) {
                    joined.add(f.index);
                }
            }
        } catch (IOException e) {
            warnings.add("could not join the parts of large files on the node: " + e.getMessage());
            joined.clear();
        }
        for (Piece p : sent) {
            if (!removed.contains(p)) {
                left.add(p.written());
            }
        }
        return new Joined(joined, left, warnings, changed);
    }

    /** Whether the source file is still the one scanned (the parts were read from that one). */
    private static boolean unchanged(StagePlan plan, int index, Entry scanned) {
        try {
            java.nio.file.Path p = RawNames.local(plan.sourceRoot(), plan.items().get(index).target());
            Map<String, Object> a = Files.readAttributes(p, "unix:size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            long mtime = Math.floorDiv(((FileTime) a.get("lastModifiedTime")).toMillis(), 1000L);
            return scanned != null && (Long) a.get("size") == scanned.size() && mtime == scanned.mtime();
        } catch (IOException e) {
            return false;
        }
    }

    private static String abs(String root, String rel) {
        return root.endsWith("/") ? root + rel : root + "/" + rel;
    }

    private static Buffer open(String path, int flags) {
        Buffer b = SftpPipeline.pathBuffer(path);
        b.putInt(flags);
        b.putInt(0); // no attributes: both exist, written by scp with an owner-only mode
        return b;
    }

    private static Buffer copy(byte[] from, Piece part, byte[] to) {
        Buffer b = new ByteArrayBuffer(64 + from.length + to.length, false);
        b.putString(COPY_DATA);
        b.putBytes(from);
        b.putLong(0);
        b.putLong(part.length());
        b.putBytes(to);
        b.putLong(part.offset());
        return b;
    }

    private static Buffer handle(byte[] h) {
        Buffer b = new ByteArrayBuffer(h.length + 8, false);
        b.putBytes(h);
        return b;
    }
}
