package org.tlclb.sync.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.impl.DefaultSftpClient;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.client.impl.SftpStatus;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Many SFTP metadata requests in flight on one channel, from one thread: requests go out without
 * waiting, replies are read in order once the window is full. A commit of 20,000 renames then
 * costs a few hundred round trips instead of 20,000, and no thread hand-off per request.
 * Servers answer in order (OpenSSH's sftp-server handles one request at a time), so a wave
 * must only hold requests that do not depend on each other; {@link #drain()} ends a wave.
 * Speaks SFTP version 3 (the client is opened with version 3).
 */
final class SftpPipeline {
    private static final int SSH_FILEXFER_ATTR_PERMISSIONS = 0x04;
    private static final int SSH_FILEXFER_ATTR_ACMODTIME = 0x08;
    private static final int SSH_FILEXFER_ATTR_UIDGID = 0x02;

    private record Pending(int id, int cmd, Consumer<IOException> onError) {
    }

    private final DefaultSftpClient sftp;
    private final int window;
    private final Deque<Pending> pending = new ArrayDeque<>();

    private SftpPipeline(DefaultSftpClient sftp, int window) {
        this.sftp = sftp;
        this.window = window;
    }

    /** A pipeline, or null when the client cannot pipeline (then callers use the plain calls). */
    static SftpPipeline of(SftpClient sftp, int window) {
        if (sftp instanceof DefaultSftpClient d && sftp.getVersion() == SftpConstants.SFTP_V3) {
            return new SftpPipeline(d, window);
        }
        return null;
    }

    void posixRename(String from, String to, Consumer<IOException> onError) throws IOException {
        Buffer b = new ByteArrayBuffer(64 + from.length() * 3 + to.length() * 3, false);
        b.putString("posix-rename@openssh.com");
        b.putString(from, StandardCharsets.UTF_8);
        b.putString(to, StandardCharsets.UTF_8);
        submit(SftpConstants.SSH_FXP_EXTENDED, b, onError);
    }

    void hardLink(String existing, String link, Consumer<IOException> onError) throws IOException {
        Buffer b = new ByteArrayBuffer(64 + existing.length() * 3 + link.length() * 3, false);
        b.putString("hardlink@openssh.com");
        b.putString(existing, StandardCharsets.UTF_8);
        b.putString(link, StandardCharsets.UTF_8);
        submit(SftpConstants.SSH_FXP_EXTENDED, b, onError);
    }

    void remove(String path, Consumer<IOException> onError) throws IOException {
        submit(SftpConstants.SSH_FXP_REMOVE, pathBuffer(path), onError);
    }

    void rmdir(String path, Consumer<IOException> onError) throws IOException {
        submit(SftpConstants.SSH_FXP_RMDIR, pathBuffer(path), onError);
    }

    void mkdir(String path, Consumer<IOException> onError) throws IOException {
        Buffer b = pathBuffer(path);
        b.putInt(0); // no attributes: the umask applies, modes are set at the end
        submit(SftpConstants.SSH_FXP_MKDIR, b, onError);
    }

    /** Sets mode (when >= 0), mtime/atime (when mtime >= 0) and owner (when uid >= 0). */
    void setStat(String path, int mode, long mtimeSeconds, int uid, int gid, Consumer<IOException> onError)
            throws IOException {
        Buffer b = pathBuffer(path);
        int flags = (mode >= 0 ? SSH_FILEXFER_ATTR_PERMISSIONS : 0) | (mtimeSeconds >= 0 ? SSH_FILEXFER_ATTR_ACMODTIME : 0)
                | (uid >= 0 ? SSH_FILEXFER_ATTR_UIDGID : 0);
        b.putInt(flags);
        if (uid >= 0) {
            b.putInt(uid);
            b.putInt(gid < 0 ? uid : gid);
        }
        if (mode >= 0) {
            b.putInt(mode);
        }
        if (mtimeSeconds >= 0) {
            b.putInt(mtimeSeconds); // atime
            b.putInt(mtimeSeconds); // mtime
        }
        submit(SftpConstants.SSH_FXP_SETSTAT, b, onError);
    }

    static long seconds(FileTime t) {
        return t.toMillis() / 1000;
    }

    private static Buffer pathBuffer(String path) {
        Buffer b = new ByteArrayBuffer(32 + path.length() * 3, false);
        b.putString(path, StandardCharsets.UTF_8);
        return b;
    }

    private void submit(int cmd, Buffer payload, Consumer<IOException> onError) throws IOException {
        while (pending.size() >= window) {
            complete(pending.removeFirst());
        }
        int id = sftp.write(cmd, payload).getId();
        pending.addLast(new Pending(id, cmd, onError));
    }

    /** Waits for every request in flight; per-request failures go to their handlers. */
    void drain() throws IOException {
        while (!pending.isEmpty()) {
            complete(pending.removeFirst());
        }
    }

    private void complete(Pending p) throws IOException {
        SftpResponse r = SftpResponse.parse(p.cmd(), sftp.receive(p.id()));
        try {
            SftpStatus status = SftpStatus.parse(r);
            if (!status.isOk()) {
                p.onError().accept(new org.apache.sshd.sftp.common.SftpException(status.getStatusCode(),
                        status.getMessage()));
            }
        } catch (org.apache.sshd.sftp.common.SftpException e) {
            p.onError().accept(e);
        }
    }
}
