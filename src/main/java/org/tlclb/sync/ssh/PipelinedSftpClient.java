package org.tlclb.sync.ssh;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.SftpErrorDataHandler;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.apache.sshd.sftp.client.impl.DefaultSftpClient;

/**
 * MINA's SFTP client (version 3, as OpenSSH speaks), plus replies routed to {@link SftpPipeline}
 * for the requests it sent on its own with ids from a reserved range. MINA's client only accepts
 * replies to requests it issued itself, one write at a time.
 */
public final class PipelinedSftpClient extends DefaultSftpClient {
    static final int FIRST_ID = 1 << 30;
    private final Map<Integer, CompletableFuture<Buffer>> expected = new ConcurrentHashMap<>();

    private PipelinedSftpClient(ClientSession session) throws IOException {
        super(session, SftpVersionSelector.fixedVersionSelector(3), SftpErrorDataHandler.EMPTY);
    }

    public static PipelinedSftpClient open(ClientSession session) throws IOException {
        return new PipelinedSftpClient(session);
    }

    /** Registers a reply to wait for, before its request goes out. */
    CompletableFuture<Buffer> expect(int id) {
        CompletableFuture<Buffer> f = new CompletableFuture<>();
        expected.put(id, f);
        return f;
    }

    @Override
    protected void process(Buffer incoming) throws IOException {
        int rpos = incoming.rpos();
        incoming.getInt(); // length
        incoming.getUByte(); // type
        int id = incoming.getInt();
        incoming.rpos(rpos);
        if (id >= FIRST_ID) {
            CompletableFuture<Buffer> f = expected.remove(id);
            if (f != null) {
                // The incoming buffer is reused by the caller: keep a copy.
                ByteArrayBuffer copy = new ByteArrayBuffer(incoming.available() + 64, false);
                copy.putBuffer(incoming);
                f.complete(copy);
                return;
            }
        }
        super.process(incoming);
    }

    @Override
    public void close() throws IOException {
        IOException closed = new IOException("SFTP channel closed");
        expected.values().forEach(f -> f.completeExceptionally(closed));
        expected.clear();
        super.close();
    }
}
