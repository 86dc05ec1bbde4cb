package org.tlclb.sync.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpErrorDataHandler;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.apache.sshd.sftp.client.impl.DefaultSftpClient;

import org.tlclb.sync.scan.RawNames;

/**
 * MINA's SFTP client (version 3, as OpenSSH speaks), plus replies routed to {@link SftpPipeline}
 * for the requests it sent on its own with ids from a reserved range. MINA's client only accepts
 * replies to requests it issued itself, one write at a time.
 */
public final class PipelinedSftpClient extends DefaultSftpClient {
    static final int FIRST_ID = 1 << 30;
    private final Map<Integer, CompletableFuture<Buffer>> expected = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(FIRST_ID);

    private PipelinedSftpClient(ClientSession session) throws IOException {
        super(session, SftpVersionSelector.fixedVersionSelector(3), SftpErrorDataHandler.EMPTY);
        // Names are bytes: every path MINA sends or reads back goes through this charset (UTF-8 for valid names).
        setNameDecodingCharset(RawNames.CHARSET);
        // A connection that drops (the node died, the network went) fails every reply still
        // awaited at once, instead of after the reply timeout.
        getClientChannel().addCloseFutureListener(f -> failAll(new IOException("the SFTP channel to the node closed")));
    }

    /** How long any one reply may take: the session's idle timeout, the same bound MINA's own requests have. */
    Duration replyTimeout() {
        Duration d = CoreModuleProperties.IDLE_TIMEOUT.getRequired(getClientSession());
        return d.isZero() || d.isNegative() ? CoreModuleProperties.IDLE_TIMEOUT.getRequiredDefault() : d;
    }

    private void failAll(IOException why) {
        expected.values().forEach(f -> f.completeExceptionally(why));
        expected.clear();
    }

    /** Opens SFTP on the session; any failure is an IOException ({@link SftpOpening} tells a refusal apart: open through it). */
    static PipelinedSftpClient open(ClientSession session) throws IOException {
        return new PipelinedSftpClient(session);
    }

    /**
     * MINA's SFTP channel, plus: the answer to the subsystem request during an {@link SftpOpening} is noted there,
     * and a refusal closes the channel at once (sshd leaves it open after refusing, and the client would wait for an
     * answer that never comes). Called from the superclass's constructor: only the session's state is at hand.
     */
    @Override
    protected ChannelSubsystem createSftpChannelSubsystem(ClientSession session) {
        SftpOpening.Attempt attempt = session.getAttribute(SftpOpening.ATTEMPT);
        return new SftpChannelSubsystem() {
            @Override
            public void handleSuccess() throws IOException {
                super.handleSuccess();
                if (attempt != null) {
                    attempt.answered(false);
                }
            }

            @Override
            public void handleFailure() throws IOException {
                super.handleFailure();
                if (attempt != null && attempt.answered(true)) {
                    close(false);
                }
            }
        };
    }

    /** The id of this client's next pipelined request (never one of MINA's own). */
    int nextId() {
        int id = ids.getAndIncrement();
        if (id < FIRST_ID) { // wrapped around after 2^30 requests
            ids.set(FIRST_ID);
            id = ids.getAndIncrement();
        }
        return id;
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
        failAll(new IOException("SFTP channel closed"));
        super.close();
    }
}
