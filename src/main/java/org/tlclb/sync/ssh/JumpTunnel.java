package org.tlclb.sync.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * The local end of one ProxyJump hop, carrying exactly one connection: the run's own client's. MINA connects to
 * sockets only, so the target's session needs a loopback port; what connects there is held unanswered until the
 * client's connection is known, and only the connection whose peer is the client's own socket (its local address,
 * which no other socket has while it exists) is carried, on a direct-tcpip channel of the jump host's session
 * that opens only then. Every other connection is closed without a byte, and the port closes with the choice.
 * (MINA's local port forward answers every connection with a channel to the target: another local user polling
 * for new listeners got the node's SSH banner.)
 */
final class JumpTunnel implements AutoCloseable {
    private static final SshdSocketAddress ORIGINATOR = new SshdSocketAddress("127.0.0.1", 0);
    private final ClientSession via;
    private final SshdSocketAddress target;
    private final ServerSocket listener;
    /** Connections accepted and not yet chosen or refused; guarded by this. */
    private final List<Socket> held = new ArrayList<>();
    private Socket carried; // guarded by this
    private ChannelDirectTcpip channel; // guarded by this
    private boolean closed; // guarded by this

    private JumpTunnel(ClientSession via, SshdSocketAddress target, ServerSocket listener) {
        this.via = via;
        this.target = target;
        this.listener = listener;
    }

    /** A listening tunnel through {@code via} to {@code target}; the client connects to {@link #address()}. */
    static JumpTunnel listen(ClientSession via, SshdSocketAddress target) throws IOException {
        JumpTunnel t = new JumpTunnel(via, target, new ServerSocket(0, 8, InetAddress.getLoopbackAddress()));
        daemon("jump-accept", t::acceptUntilChosen);
        return t;
    }

    /** The loopback address the client connects to. */
    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    private void acceptUntilChosen() {
        try {
            while (true) {
                Socket s = listener.accept();
                synchronized (this) {
                    if (closed || carried != null) {
                        closeQuietly(s);
                        return;
                    }
                    held.add(s);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the listener closed: chosen, refused or closed
        }
    }

    /**
     * Carries the connection whose peer is {@code clientLocal} (the client socket's local address) to the target,
     * waiting up to {@code timeout} for it to arrive; closes the port and every other connection unanswered.
     *
     * @throws IOException when the client's connection does not arrive (or arrives twice: one is not ours), or the
     *                     jump host does not open the channel
     */
    void carry(SocketAddress clientLocal, Duration timeout) throws IOException {
        Socket ours = choose(clientLocal, timeout);
        ChannelDirectTcpip ch;
        synchronized (this) {
            if (closed) {
                closeQuietly(ours);
                throw new IOException("the jump tunnel closed");
            }
            ch = via.createDirectTcpipChannel(ORIGINATOR, target);
            channel = ch;
        }
        try {
            ch.open().verify(timeout);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        OutputStream toClient = ours.getOutputStream();
        InputStream fromClient = ours.getInputStream();
        daemon("jump-to-client", () -> {
            StreamCopy.copy(ch.getInvertedOut(), toClient);
            close(); // the target ended: so does the client's connection
        });
        daemon("jump-to-target", () -> {
            StreamCopy.copy(fromClient, ch.getInvertedIn());
            close();
        });
    }

    private synchronized Socket choose(SocketAddress clientLocal, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Socket> ours = matching(clientLocal);
        try {
            while (ours.isEmpty() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, left / 1_000_000));
                ours = matching(clientLocal);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(listener);
        for (Socket s : held) {
            if (ours.size() != 1 || s != ours.get(0)) {
                closeQuietly(s); // another process's connection: nothing went through it
            }
        }
        held.clear();
        if (ours.size() != 1) {
            throw new IOException(ours.isEmpty() ? "our connection did not reach the jump tunnel within "
                    + timeout.toSeconds() + " s" : "two connections to the jump tunnel from our own address");
        }
        carried = ours.get(0);
        return carried;
    }

    private List<Socket> matching(SocketAddress clientLocal) {
        return held.stream().filter(s -> s.getRemoteSocketAddress().equals(clientLocal)).toList();
    }

    /** Closes the port, every connection and the channel (idempotent). */
    @Override
    public void close() {
        Socket s;
        ChannelDirectTcpip ch;
        List<Socket> others;
        synchronized (this) {
            closed = true;
            s = carried;
            ch = channel;
            others = List.copyOf(held);
            held.clear();
            notifyAll();
        }
        closeQuietly(listener);
        others.forEach(JumpTunnel::closeQuietly);
        closeQuietly(s);
        if (ch != null) {
            ch.close(false);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
