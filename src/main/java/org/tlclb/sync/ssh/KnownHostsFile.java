package org.tlclb.sync.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.tlclb.sync.config.ProcessUser;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reads and appends to one known_hosts file. Many nodes connect at once, so reads and appends of the same file are
 * serialised in this JVM (one lock per file) and appends also take an OS file lock against other tlclb processes;
 * each line goes out in one write so that nothing interleaves. The per-file locks are per process on purpose: two
 * runs in one JVM (the tests) share the file as two processes would.
 */
final class KnownHostsFile {
    private static final ConcurrentMap<Path, Object> LOCKS = new ConcurrentHashMap<>();
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    /** ssh's HashKnownHosts salt: 20 bytes, the size of the HMAC-SHA1 key. */
    private static final int SALT_BYTES = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path path;
    private final Object lock;

    KnownHostsFile(Path path) {
        this.path = path.toAbsolutePath().normalize();
        this.lock = LOCKS.computeIfAbsent(this.path, p -> new Object());
    }

    Path path() {
        return path;
    }

    /** All key lines; a missing file is an empty one, as for OpenSSH. */
    List<KnownHostsEntry> read() {
        List<String> lines;
        synchronized (lock) {
            try {
                lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return List.of();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read known_hosts file " + path, e);
            }
        }
        return entries(lines);
    }

    private List<KnownHostsEntry> entries(List<String> lines) {
        List<KnownHostsEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            KnownHostsEntry.parse(path, i + 1, lines.get(i)).ifPresent(entries::add);
        }
        return entries;
    }

    /**
     * Appends "{@code name type base64}" (name as OpenSSH writes it: plain for port 22, {@code [host]:port}
     * otherwise; with {@code hashed}, {@code |1|salt|hash} of it, as HashKnownHosts writes), unless that exact key
     * is already recorded for the name. Creates the file 0600 and its directory 0700 when missing, as ssh does for
     * ~/.ssh. A file that is not a regular one (/dev/null, named by UserKnownHostsFile to keep nothing) is written
     * without reading or locking it.
     */
    void append(String lookupName, PublicKey key, boolean hashed) throws IOException {
        String field = lookupName;
        if (hashed) {
            byte[] salt = new byte[SALT_BYTES];
            RANDOM.nextBytes(salt);
            field = HostPattern.hash(salt, lookupName);
        }
        String line = field + " " + KeyText.line(key) + "\n";
        byte[] blob = KeyText.blob(key);
        synchronized (lock) {
            refuseOthers();
            if (Files.exists(path) && !Files.isRegularFile(path)) {
                Files.writeString(path, line, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                return;
            }
            createIfMissing();
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock ignored = ch.lock()) {
                for (KnownHostsEntry e : readUnlocked()) {
                    if (e.plain() && e.sameKey(blob) && HostPattern.matches(e.hosts(), lookupName)) {
                        return; // another node (or process) recorded it first
                    }
                }
                long size = ch.size();
                String prefix = "";
                if (size > 0) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    ch.read(last, size - 1);
                    prefix = last.get(0) == '\n' ? "" : "\n"; // never glue our line to an unterminated one
                }
                ByteBuffer out = ByteBuffer.wrap((prefix + line).getBytes(StandardCharsets.UTF_8));
                long pos = size;
                while (out.hasRemaining()) {
                    pos += ch.write(out, pos);
                }
                ch.force(false);
            }
        }
    }

    /**
     * A run often writes as root: a known_hosts path that another user owns (a file, or a symlink
     * planted in a directory others can write) is refused, never written through.
     */
    private void refuseOthers() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        long owner = ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        boolean regularOrLink = Files.isSymbolicLink(path) || Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
        if (regularOrLink && owner != ProcessUser.uid()) {
            throw new IOException("refusing to write " + path + ": it " + (Files.isSymbolicLink(path)
                    ? "is a symbolic link of" : "belongs to") + " uid " + owner + ", not to this user");
        }
    }

    private List<KnownHostsEntry> readUnlocked() throws IOException {
        return entries(Files.readAllLines(path, StandardCharsets.UTF_8));
    }

    private void createIfMissing() throws IOException {
        if (Files.exists(path)) {
            return;
        }
        Path dir = path.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            if (POSIX) {
                Files.createDirectories(dir, perms("rwx------"));
            } else {
                Files.createDirectories(dir);
            }
        }
        try {
            if (POSIX) {
                Files.createFile(path, perms("rw-------"));
            } else {
                Files.createFile(path);
            }
        } catch (FileAlreadyExistsException raced) {
            // another process created it between our check and create: fine, we append to it
        }
    }

    private static FileAttribute<?> perms(String spec) {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(spec));
    }
}
