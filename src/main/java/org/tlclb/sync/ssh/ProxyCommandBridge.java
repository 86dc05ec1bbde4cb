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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * ProxyCommand as ssh runs it: {@code /bin/sh -c "exec COMMAND"} (its tokens already expanded),
 * whose standard input and output are the connection to the node. MINA connects to sockets only,
 * so the bridge listens once on a loopback port, takes the one connection that the run's own
 * client makes there (one of another user is closed before a byte goes through, and the client
 * checks it got the connection: see {@link #confirm}), and copies bytes between it
 * and the command until either side ends. The command's standard error is kept, for the message
 * when the connection fails.
 */
final class ProxyCommandBridge implements AutoCloseable {
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
        Socket s = connection();
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
        if (!fromThisUser(s)) {
            accepted.completeExceptionally(new IOException("a connection of another user"));
            close(); // nothing went through it
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

    /**
     * Whether the process at the other end of {@code s} runs as this process's user (Linux: the
     * socket's owner in /proc/net/tcp). Where that cannot be read, {@link #confirm} still refuses a
     * connection that is not the client's.
     */
    private static boolean fromThisUser(Socket s) {
        try {
            String peer = peerUid(s);
            return peer == null || peer.equals(ownUid()); // not found: the peer is gone (and fails on its own)
        } catch (IOException | RuntimeException e) {
            return true; // no /proc: confirm() is the check
        }
    }

    /** The uid owning the other end of a loopback connection {@code s} accepted, or null when not listed. */
    static String peerUid(Socket s) throws IOException {
        String local = String.format(Locale.ROOT, ":%04X", s.getPort()); // the peer's port is its local one
        String remote = String.format(Locale.ROOT, ":%04X", s.getLocalPort());
        // Java's sockets are usually IPv6 ones (IPv4 mapped): tcp6 holds them
        for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
            Path t = Path.of(table);
            for (String line : Files.exists(t) ? Files.readAllLines(t) : List.<String>of()) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 7 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                    return f[7];
                }
            }
        }
        return null;
    }

    static String ownUid() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .map(l -> l.split("\\s+")[1]).findFirst().orElseThrow(() -> new IOException("no Uid line"));
    }

    /** Copies until the input ends; closes the output when {@code closeOut}. Errors end the copy. */
    private void copy(InputStream in, OutputStream out, boolean closeOut) {
        try {
            StreamCopy.copy(in, out);
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
        String s = stderr.toString(StandardCharsets.UTF_8).strip(); // ByteArrayOutputStream is synchronized
        return s.length() <= ERR_TAIL ? s : "..." + s.substring(s.length() - ERR_TAIL);
    }

    /** The connection taken, or null when none was (yet, or at all). */
    private Socket connection() {
        return accepted.isCompletedExceptionally() ? null : accepted.getNow(null);
    }

    /** Ends the command and the connection (idempotent). */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        Socket s = connection();
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
