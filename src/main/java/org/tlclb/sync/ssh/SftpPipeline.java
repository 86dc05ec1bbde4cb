package org.tlclb.sync.ssh;

import java.io.IOException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.client.impl.SftpStatus;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

import org.tlclb.sync.scan.RawNames;

/**
 * Many SFTP metadata requests in flight on one channel, from one thread: requests are packed
 * many to an SSH message and go out without waiting, replies are read in order once the window
 * is full. A commit of 20,000 renames then costs a few hundred writes instead of 20,000 round
 * trips, with no thread hand-off per request. Request ids come from a range of their own (per client), above
 * the ones MINA's client hands out, and replies are collected through the client's own receiver.
 * Servers answer in order (OpenSSH's sftp-server handles one request at a time), so a wave
 * must only hold requests that do not depend on each other; {@link #drain()} ends a wave.
 * Speaks SFTP version 3 (the client is opened with version 3).
 */
public final class SftpPipeline {
    /** How names are spelled in SFTP requests and replies. */
    public static final Charset NAMES = RawNames.CHARSET;
    private static final int SSH_FILEXFER_ATTR_PERMISSIONS = 0x04;
    private static final int SSH_FILEXFER_ATTR_ACMODTIME = 0x08;
    private static final int SSH_FILEXFER_ATTR_UIDGID = 0x02;

    private record Pending(int id, int cmd, Consumer<IOException> onError, Consumer<SftpResponse> onReply,
                           Runnable onOk, CompletableFuture<Buffer> reply) {
    }

    private static final int BATCH_BYTES = 32 * 1024;

    private final PipelinedSftpClient sftp;
    private final int window;
    /** The longest wait for any one reply (the session's idle timeout: ConnectTimeout-derived). */
    private final Duration timeout;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final Deque<Pending> unsent = new ArrayDeque<>();
    private ByteArrayBuffer batch = new ByteArrayBuffer(BATCH_BYTES + 1024, false);

    private SftpPipeline(PipelinedSftpClient sftp, int window) {
        this.sftp = sftp;
        this.window = window;
        this.timeout = sftp.replyTimeout();
    }

    /** A pipeline, or null when the client cannot pipeline (then callers use the plain calls). */
    public static SftpPipeline of(SftpClient sftp, int window) {
        if (sftp instanceof PipelinedSftpClient d && sftp.getVersion() == SftpConstants.SFTP_V3) {
            return new SftpPipeline(d, window);
        }
        return null;
    }

    public void posixRename(String from, String to, Consumer<IOException> onError) throws IOException {
        posixRename(from, to, onError, null);
    }

    /** {@code onOk} runs when the node confirms (counting what was really done). */
    public void posixRename(String from, String to, Consumer<IOException> onError, Runnable onOk) throws IOException {
        Buffer b = new ByteArrayBuffer(64 + from.length() * 3 + to.length() * 3, false);
        b.putString("posix-rename@openssh.com");
        b.putString(from, NAMES);
        b.putString(to, NAMES);
        submit(SftpConstants.SSH_FXP_EXTENDED, b, onError, null, onOk);
    }

    public void hardLink(String existing, String link, Consumer<IOException> onError) throws IOException {
        Buffer b = new ByteArrayBuffer(64 + existing.length() * 3 + link.length() * 3, false);
        b.putString("hardlink@openssh.com");
        b.putString(existing, NAMES);
        b.putString(link, NAMES);
        submit(SftpConstants.SSH_FXP_EXTENDED, b, onError);
    }

    public void remove(String path, Consumer<IOException> onError) throws IOException {
        remove(path, onError, null);
    }

    public void remove(String path, Consumer<IOException> onError, Runnable onOk) throws IOException {
        submit(SftpConstants.SSH_FXP_REMOVE, pathBuffer(path), onError, null, onOk);
    }

    public void rmdir(String path, Consumer<IOException> onError) throws IOException {
        rmdir(path, onError, null);
    }

    public void rmdir(String path, Consumer<IOException> onError, Runnable onOk) throws IOException {
        submit(SftpConstants.SSH_FXP_RMDIR, pathBuffer(path), onError, null, onOk);
    }

    public void mkdir(String path, Consumer<IOException> onError) throws IOException {
        Buffer b = pathBuffer(path);
        b.putInt(0); // no attributes: the umask applies, modes are set at the end
        submit(SftpConstants.SSH_FXP_MKDIR, b, onError);
    }

    /**
     * Sets a symlink's own mtime and atime (OpenSSH's lsetstat@openssh.com, which never follows
     * the link), for a time {@link SftpTimes#carries} only.
     */
    public void setLinkTime(String path, long mtimeSeconds, Consumer<IOException> onError) throws IOException {
        if (!SftpTimes.carries(mtimeSeconds)) {
            throw new IllegalArgumentException("SFTP cannot carry the time " + mtimeSeconds);
        }
        Buffer b = new ByteArrayBuffer(64 + path.length() * 3, false);
        b.putString(LSETSTAT);
        b.putString(path, NAMES);
        b.putInt(SSH_FILEXFER_ATTR_ACMODTIME);
        b.putUInt(mtimeSeconds); // atime
        b.putUInt(mtimeSeconds); // mtime
        submit(SftpConstants.SSH_FXP_EXTENDED, b, onError);
    }

    /** The extension that sets a symlink's own attributes (OpenSSH 8.0 and later). */
    public static final String LSETSTAT = "lsetstat@openssh.com";

    /**
     * Sets mode (when >= 0), mtime/atime (when SFTP carries the time: see {@link SftpTimes}; else
     * the time is left for the node's shell) and owner and group (when uid >= 0: SFTP
     * version 3 sets both at once, so gid must be given with it).
     */
    public void setStat(String path, int mode, long mtimeSeconds, int uid, int gid, Consumer<IOException> onError)
            throws IOException {
        setStat(path, mode, mtimeSeconds, uid, gid, onError, null);
    }

    /** As above; {@code onOk} runs when the node confirms. */
    public void setStat(String path, int mode, long mtimeSeconds, int uid, int gid, Consumer<IOException> onError,
                        Runnable onOk) throws IOException {
        Buffer b = pathBuffer(path);
        boolean time = SftpTimes.carries(mtimeSeconds);
        int flags = (mode >= 0 ? SSH_FILEXFER_ATTR_PERMISSIONS : 0) | (time ? SSH_FILEXFER_ATTR_ACMODTIME : 0)
                | (uid >= 0 ? SSH_FILEXFER_ATTR_UIDGID : 0);
        b.putInt(flags);
        if (uid >= 0) {
            b.putInt(uid);
            b.putInt(gid);
        }
        if (mode >= 0) {
            b.putInt(mode);
        }
        if (time) {
            // Unsigned: MINA's putInt(long) refuses a time from 2038 on (2^31 seconds and more).
            b.putUInt(mtimeSeconds); // atime
            b.putUInt(mtimeSeconds); // mtime
        }
        submit(SftpConstants.SSH_FXP_SETSTAT, b, onError, null, onOk);
    }

    public static Buffer pathBuffer(String path) {
        Buffer b = new ByteArrayBuffer(32 + path.length() * 3, false);
        b.putString(path, NAMES);
        return b;
    }

    private void submit(int cmd, Buffer payload, Consumer<IOException> onError) throws IOException {
        submit(cmd, payload, onError, null, null);
    }

    /**
     * Any request; {@code onReply} gets replies other than a status (a handle, names, a link
     * target), {@code onError} a failed status. Without {@code onReply}, only a status is expected.
     */
    public void submit(int cmd, Buffer payload, Consumer<IOException> onError, Consumer<SftpResponse> onReply)
            throws IOException {
        submit(cmd, payload, onError, onReply, null);
    }

    private void submit(int cmd, Buffer payload, Consumer<IOException> onError, Consumer<SftpResponse> onReply,
                        Runnable onOk) throws IOException {
        while (pending.size() + unsent.size() >= window) {
            if (pending.isEmpty()) {
                flush();
            }
            complete(pending.removeFirst());
        }
        int id = sftp.nextId();
        int len = payload.available();
        batch.putUInt(1 + Integer.BYTES + len);
        batch.putByte((byte) cmd);
        batch.putInt(id);
        batch.putRawBytes(payload.array(), payload.rpos(), len);
        unsent.addLast(new Pending(id, cmd, onError, onReply, onOk, sftp.expect(id)));
        if (batch.available() >= BATCH_BYTES) {
            flush();
        }
    }

    /** Sends the packed requests as one write and waits until it has left. */
    private void flush() throws IOException {
        if (unsent.isEmpty()) {
            return;
        }
        ByteArrayBuffer out = batch;
        batch = new ByteArrayBuffer(BATCH_BYTES + 1024, false);
        sftp.getClientChannel().getAsyncIn().writeBuffer(out).verify(sftp.replyTimeout());
        pending.addAll(unsent);
        unsent.clear();
    }

    /** Waits for every request in flight; per-request failures go to their handlers. */
    public void drain() throws IOException {
        flush();
        while (!pending.isEmpty()) {
            complete(pending.removeFirst());
        }
    }

    private void complete(Pending p) throws IOException {
        Buffer reply;
        try {
            reply = p.reply().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("SFTP channel failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no SFTP reply from the node for " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        SftpResponse r = SftpResponse.parse(p.cmd(), reply);
        if (p.onReply() != null && r.getType() != SftpConstants.SSH_FXP_STATUS) {
            p.onReply().accept(r);
            return;
        }
        try {
            SftpStatus status = SftpStatus.parse(r);
            if (!status.isOk()) {
                p.onError().accept(new SftpException(status.getStatusCode(), status.getMessage()));
            } else if (p.onOk() != null) {
                p.onOk().run();
            }
        } catch (SftpException e) {
            p.onError().accept(e);
        }
    }
}
