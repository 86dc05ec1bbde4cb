package org.tlclb.sync.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What another local user does to a run (issue 29): polls the kernel's socket tables for a new listener on
 * 127.0.0.1 that process {@code pid} owns, connects to it at once and keeps what the connection reads. Ends when
 * the process does, or on {@link #close}.
 */
final class ListenerSnoop implements AutoCloseable {
    private static final String V4 = "0100007F";
    private static final String V6 = "0000000000000000FFFF00000100007F";
    private final long pid;
    private final Thread poller;
    private final Set<String> seen = new HashSet<>();
    private final List<Thread> readers = new ArrayList<>(); // guarded by itself
    /** Each port connected to, with what was read from it. */
    private final Map<Integer, String> reads = new ConcurrentHashMap<>();
    private volatile boolean stop;

    private ListenerSnoop(long pid) {
        this.pid = pid;
        this.poller = new Thread(this::poll, "listener-snoop");
        this.poller.setDaemon(true);
    }

    static ListenerSnoop watch(long pid) {
        ListenerSnoop s = new ListenerSnoop(pid);
        s.poller.start();
        return s;
    }

    /**
     * The ports connected to and what each connection read: "" for nothing, "(refused)" when the listener was gone
     * before the connection (not caught in time).
     */
    Map<Integer, String> reads() {
        return Map.copyOf(reads);
    }

    private void poll() {
        Path proc = Path.of("/proc", Long.toString(pid));
        while (!stop && Files.exists(proc)) {
            for (String table : List.of("net/tcp6", "net/tcp")) {
                try {
                    for (String line : Files.readAllLines(proc.resolve(table))) {
                        String[] f = line.strip().split("\\s+");
                        if (f.length > 9 && f[3].equals("0A") && loopback(f[1]) && seen.add(f[9]) && owns(proc, f[9])) {
                            int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                            Thread t = new Thread(() -> reads.put(port, readFrom(port)), "snoop-" + port);
                            t.setDaemon(true);
                            t.start();
                            synchronized (readers) {
                                readers.add(t);
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        }
    }

    private static boolean loopback(String local) {
        String ip = local.substring(0, local.indexOf(':'));
        return ip.equals(V4) || ip.equals(V6);
    }

    private static boolean owns(Path proc, String inode) {
        String socket = "socket:[" + inode + "]";
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(socket);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** Connects and reads for up to 3 s; what came ("" when nothing, or the listener was already gone). */
    private static String readFrom(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(3_000);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | SocketException ended) {
                // left open, or reset: what came is what counts
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException refused) {
            return "(refused)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        poller.join(5_000);
        List<Thread> all;
        synchronized (readers) {
            all = List.copyOf(readers);
        }
        for (Thread t : all) {
            t.join(5_000);
        }
    }
}
