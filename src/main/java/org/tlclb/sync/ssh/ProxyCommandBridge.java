package org.tlclb.sync.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * ProxyCommand as ssh runs it: {@code /bin/sh -c "exec COMMAND"} (its tokens already expanded),
 * whose standard input and output are the connection to the node. MINA connects to sockets only,
 * so the bridge listens once on a loopback port, takes the one connection that the run's own
 * client makes there (any other is refused: see {@link #confirm}), and copies bytes between it
 * and the command until either side ends. The command's standard error is kept, for the message
 * when the connection fails.
 */
final class ProxyCommandBridge implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;
    /** How much of the command's standard error a failure quotes. */
    private static final int ERR_TAIL = 400;
    private final Process process;
    private final ServerSocket listener;
    private final CompletableFuture<Socket> accepted = new CompletableFuture<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private ProxyCommandBridge(Process process, ServerSocket listener) {
        this.process = process;
        this.listener = listener;
    }

    /** Starts the command and the listener; {@code timeout} bounds the wait for the client's connection. */
    static ProxyCommandBridge start(String command, Duration timeout) throws IOException {
        Process p = new ProcessBuilder("/bin/sh", "-c", "exec " + command).start();
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ProxyCommandBridge bridge = new ProxyCommandBridge(p, listener);
        listener.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        daemon("proxycommand-accept", bridge::acceptOnce);
        daemon("proxycommand-stderr", () -> bridge.copy(p.getErrorStream(), bridge.stderr, false));
        return bridge;
    }

    /** The loopback port the run's client connects to. */
    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /**
     * Checks that the connection the bridge took is the client's own ({@code clientLocal}: the
     * client socket's local address): another local process that connected first gets nothing.
     */
    void confirm(SocketAddress clientLocal) throws IOException {
        Socket s = accepted.getNow(null);
        if (s == null || !s.getRemoteSocketAddress().equals(clientLocal)) {
            close();
            throw new IOException("the ProxyCommand's connection was taken by another process");
        }
    }

    private void acceptOnce() {
        Socket s;
        try (ServerSocket l = listener) {
            s = l.accept(); // one connection, then the listener is gone
        } catch (IOException e) { // including the timeout
            accepted.completeExceptionally(e);
            close();
            return;
        }
        accepted.complete(s);
        try {
            OutputStream toClient = s.getOutputStream();
            daemon("proxycommand-out", () -> {
                copy(process.getInputStream(), toClient, true);
                close(); // the command ended: so does the connection
            });
            copy(s.getInputStream(), process.getOutputStream(), true); // the client's end: the command's input ends
        } catch (IOException e) {
            close();
        }
    }

    /** Copies until the input ends; closes the output when {@code closeOut}. Errors end the copy. */
    private void copy(InputStream in, OutputStream out, boolean closeOut) {
        byte[] buf = new byte[BUFFER];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: the bridge ends
        } finally {
            if (closeOut) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** The end of what the command wrote to its standard error (for a failure's message), or "". */
    String stderrTail() {
        String s;
        synchronized (stderr) {
            s = stderr.toString(StandardCharsets.UTF_8).strip();
        }
        return s.length() <= ERR_TAIL ? s : "..." + s.substring(s.length() - ERR_TAIL);
    }

    /** Ends the command and the connection (idempotent). */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        Socket s = accepted.getNow(null);
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
