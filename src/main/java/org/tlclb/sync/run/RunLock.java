package org.tlclb.sync.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * One run at a time per configuration: an OS lock on a file, so a crashed run (even kill -9)
 * never leaves a stale lock. The file records the holder's PID and start time for the message
 * the second run prints.
 */
public final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** One lock per configuration file, in /run/lock when writable, else the user's state directory. */
    public static Path fileFor(Path configFile) {
        String key = configFile == null ? "default" : configFile.toAbsolutePath().normalize().toString();
        String name;
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            name = "tlclb-sync-" + java.util.HexFormat.of().formatHex(h, 0, 6) + ".lock";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path run = Path.of("/run/lock");
        if (Files.isDirectory(run) && Files.isWritable(run)) {
            return run.resolve(name);
        }
        return Path.of(System.getProperty("user.home"), ".local/state/tlclb", name);
    }

    /** The lock, or empty with {@code holder} describing who has it. */
    public static Optional<RunLock> tryAcquire(Path file, StringBuilder holder) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
            l = null;
        }
        if (l == null) {
            ByteBuffer buf = ByteBuffer.allocate(512);
            ch.read(buf, 0);
            holder.append(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip());
            ch.close();
            return Optional.empty();
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started " + Instant.now() + "\n")
                .getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return Optional.of(new RunLock(ch, l));
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
