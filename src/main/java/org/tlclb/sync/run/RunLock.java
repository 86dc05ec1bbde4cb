package org.tlclb.sync.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.ProcessUser;

/**
 * One run at a time per destination and node on this machine, whatever config file it came from:
 * an OS lock on one file per (node, destination) pair, so runs whose node sets overlap exclude each
 * other, and a crashed run (even kill -9) never leaves a stale lock. (Across machines, the node
 * lock in the destination does the same: {@code transfer.NodeLock}.)
 *
 * <p>The files live in a directory only the running user can use (created 0700; one that is a
 * symlink, another user's, or open to others is refused), are opened without following links, and
 * a file is only ever written when it is the running user's own: a local user can neither aim
 * root's writes at another file nor hold root's lock.
 */
public final class RunLock implements AutoCloseable {
    private final List<FileChannel> channels;
    private final List<FileLock> locks;

    /** Another run holds one of the locks. */
    public static final class Held extends Exception {
        private static final long serialVersionUID = 1L;

        Held(String holder) {
            super(holder);
        }
    }

    /** The lock directory or a lock file is not safe to use. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private RunLock(List<FileChannel> channels, List<FileLock> locks) {
        this.channels = channels;
        this.locks = locks;
    }

    /** The lock keys of a push: every node (host and port, as resolved) with every destination. */
    public static List<String> keys(SyncRequest req) {
        return keys(req.nodes(), req.units().stream().map(SyncUnit::dest).distinct().toList());
    }

    public static List<String> keys(List<NodeTarget> nodes, List<String> dests) {
        Set<String> keys = new TreeSet<>();
        for (NodeTarget t : nodes) {
            if (!t.nosync()) {
                for (String d : dests) {
                    keys.add(t.host().toLowerCase(Locale.ROOT) + ":" + t.port() + " " + d);
                }
            }
        }
        return new ArrayList<>(keys);
    }

    /**
     * Takes every lock, in a fixed order (so two runs cannot deadlock), or none.
     *
     * @throws Held    another run holds one; the message says which run and what
     * @throws Refused the directory or a file in it is not the running user's private one
     */
    public static RunLock acquire(Path dir, List<String> keys) throws IOException, Held, Refused {
        privateDir(dir);
        List<FileChannel> channels = new ArrayList<>();
        List<FileLock> locks = new ArrayList<>();
        boolean ok = false;
        try {
            for (String key : keys) {
                Path file = dir.resolve(name(key));
                FileChannel ch = open(file);
                channels.add(ch);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException sameJvm) {
                    l = null;
                }
                if (l == null) {
                    ByteBuffer buf = ByteBuffer.allocate(512);
                    ch.read(buf, 0);
                    throw new Held(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip());
                }
                locks.add(l);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started " + Instant.now() + ", "
                        + key + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            }
            ok = true;
            return new RunLock(channels, locks);
        } finally {
            if (!ok) {
                release(channels, locks);
            }
        }
    }

    /** Creates the directory 0700 when missing; refuses one that is not the running user's private directory. */
    private static void privateDir(Path dir) throws IOException, Refused {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
                // checked below like any other
            }
        }
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused("the lock directory " + dir + " is not a directory (a symlink is not followed)");
        }
        long owner = uid(dir);
        if (owner != ProcessUser.uid()) {
            throw new Refused("the lock directory " + dir + " belongs to uid " + owner + ", not to this user (uid "
                    + ProcessUser.uid() + "): remove it, or set TLCLB_LOCK_DIR to a directory of your own");
        }
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
        if ((mode & 077) != 0) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static FileChannel open(Path file) throws IOException, Refused {
        Set<OpenOption> opts = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, opts, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new Refused("cannot open the lock file " + file + " (" + e.getMessage() + "): not a plain file of"
                    + " this user");
        }
        if (uid(file) != ProcessUser.uid() || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            ch.close();
            throw new Refused("the lock file " + file + " is not a plain file of this user");
        }
        return ch;
    }

    private static long uid(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    private static String name(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sync-" + HexFormat.of().formatHex(h, 0, 8) + ".lock";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void release(List<FileChannel> channels, List<FileLock> locks) {
        for (FileLock l : locks) {
            try {
                l.release();
            } catch (IOException ignored) {
                // the channel's close releases it anyway
            }
        }
        for (FileChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        release(channels, locks);
    }
}
