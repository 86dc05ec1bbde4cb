package org.tlclb.sync.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP relay in front of a test node that delays every byte by a fixed time in each direction,
 * as a link to another datacenter does (this kernel has no netem): the Java twin of
 * {@code scripts/lab/delayproxy.py}. What is in flight is buffered without limit; the senders'
 * SSH windows bound it.
 */
public final class DelayRelay implements AutoCloseable {
    private static final byte[] EOF = new byte[0];
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final List<Socket> sockets = new ArrayList<>();
    private volatile boolean closed;

    private record Chunk(long due, byte[] data) {
    }

    private DelayRelay(ServerSocket server, InetSocketAddress target, Duration roundTrip) {
        this.server = server;
        this.target = target;
        this.delayNanos = roundTrip.toNanos() / 2;
    }

    /** Listens on a free port of {@code ip} and relays to {@code ip}:22 with the given round trip. */
    public static DelayRelay start(String ip, Duration roundTrip) throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName(ip));
        DelayRelay r = new DelayRelay(s, new InetSocketAddress(ip, 22), roundTrip);
        Thread t = new Thread(r::acceptLoop, "delay-relay-" + ip);
        t.setDaemon(true);
        t.start();
        return r;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket node = new Socket();
                node.connect(target, 5000);
                client.setTcpNoDelay(true);
                node.setTcpNoDelay(true);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(node);
                }
                pump(client, node);
                pump(node, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Copies from one socket to the other, each chunk leaving the delay after it arrived. */
    private void pump(Socket from, Socket to) {
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
                }
            } catch (IOException e) {
                // the connection ended
            }
            queue.add(new Chunk(System.nanoTime() + delayNanos, EOF));
        }, "delay-relay-read");
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk c = queue.take();
                    long wait = c.due() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (c.data() == EOF) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(c.data());
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
        }, "delay-relay-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
