package org.tlclb.sync.ssh;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * A client of an ssh-agent over its Unix-domain socket, with the JDK's own socket channels (Java 16+). MINA's
 * agent protocol code does the messages; MINA's own Unix transport (agent.unix.AgentClient) needs the Tomcat
 * Native (APR) library, which this product does not ship. Every exchange is bounded by {@link #TIMEOUT}, so a hung
 * agent fails an authentication instead of hanging the run.
 */
final class UnixSocketAgent extends AbstractAgentProxy {
    /** Longest wait for one agent answer (signing with a hardware key can take a moment). */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The agent protocol's own limit on a message (ssh's AGENT_MAX_LEN). */
    private static final int MAX_MESSAGE = 256 * 1024;

    private final Path socket;
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;

    private UnixSocketAgent(Path socket, SocketChannel channel, Selector selector, SelectionKey key) {
        super(null);
        this.socket = socket;
        this.channel = channel;
        this.selector = selector;
        this.key = key;
    }

    /** Connects to the agent listening on {@code socket}. */
    static UnixSocketAgent open(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            return new UnixSocketAgent(socket, ch, sel, ch.register(sel, SelectionKey.OP_READ));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The framed request (length already in place, see {@code prepare}) out; the answer's body back. */
    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
        int length = readFully(4, deadline).getInt();
        if (length <= 0 || length > MAX_MESSAGE) {
            throw new IOException("ssh-agent at " + socket + " sent a message of " + length + " bytes");
        }
        return new ByteArrayBuffer(readFully(length, deadline).array());
    }

    private ByteBuffer readFully(int n, long deadline) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(n);
        while (in.hasRemaining()) {
            int r = channel.read(in);
            if (r < 0) {
                throw new EOFException("ssh-agent at " + socket + " closed the connection");
            }
            if (r == 0) {
                await(SelectionKey.OP_READ, deadline);
            }
        }
        return in.flip();
    }

    private void await(int ops, long deadline) throws IOException {
        key.interestOps(ops);
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IOException("ssh-agent at " + socket + " did not answer within " + TIMEOUT.toSeconds() + " s");
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while waiting for the ssh-agent");
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "ssh-agent at " + socket;
    }
}
