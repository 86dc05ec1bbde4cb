package org.tlclb.sync.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.tlclb.sync.config.ProcessUser;

/**
 * The admin host's record of the cluster: one file per destination in a private directory ({@code
 * /var/lib/tlclb} for root, {@code TLCLB_STATE_DIR} to move it), each a tab-separated text a person
 * can read. A write goes to a temporary file that is flushed to disk and renamed over the record (and
 * the directory flushed), so a run killed at any instant leaves the previous record or the new one,
 * never a torn one. Runs write it under the run lock. A record that cannot be read, or that a newer
 * version wrote, is an error naming the file; it is never silently reset.
 */
public final class StateStore {
    /** The format this version writes; a higher one is refused. */
    static final int VERSION = 1;
    private static final String MAGIC = "# tlclb-sync cluster state";
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private final Path dir;

    /** A record or directory this version cannot use: the message names it and says what to do. */
    public static final class Unusable extends IOException {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message);
        }
    }

    public StateStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The file of a destination's record: its key with '%' and '/' escaped. */
    public Path file(String key) {
        return dir.resolve(key.replace("%", "%25").replace("/", "%2F").replace(" ", "%20") + ".tsv");
    }

    /** The record of {@code key}, or empty when no run has written one. */
    public Optional<DestinationRecord> read(String key) throws Unusable {
        Path f = file(key);
        List<String> lines;
        try {
            if (Files.isSymbolicLink(f)) {
                throw new Unusable(f + " is a symlink; the state store holds plain files only: remove it");
            }
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (Unusable e) {
            throw e;
        } catch (IOException e) {
            throw new Unusable("cannot read " + f + ": " + e.getMessage());
        }
        try {
            return Optional.of(parse(key, lines));
        } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
            throw new Unusable(f + " is not a state record this version can read (" + e.getMessage() + "); rebuild"
                    + " it from the nodes with 'tlclb status --rebuild', or move it away (the next push records every"
                    + " node afresh)");
        }
    }

    /** Replaces the record of its key, atomically and durably. */
    public void write(DestinationRecord r) throws IOException {
        ensureDir();
        Path f = file(r.key());
        Path tmp = dir.resolve("." + f.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        byte[] text = render(r).getBytes(StandardCharsets.UTF_8);
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer b = ByteBuffer.wrap(text);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new Unusable(dir + " cannot rename atomically (" + e.getMessage() + "); put TLCLB_STATE_DIR on a"
                    + " local filesystem");
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some filesystems cannot sync a directory; the rename is then as durable as they make it
        }
        removeStaleTemps(f);
    }

    /**
     * The temporary files of writers of this record that were killed before their rename (writes are
     * under the run lock, so no other writer of it is alive now).
     */
    private void removeStaleTemps(Path record) {
        String prefix = "." + record.getFileName() + ".tmp-";
        try (var files = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path stale : files) {
                Files.deleteIfExists(stale);
            }
        } catch (IOException e) {
            // left for the next write: they are never read
        }
    }

    /** Creates the directory 0700, or checks that the one there is a private directory of this user. */
    private void ensureDir() throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (FileAlreadyExistsException raced) {
                // another run made it: checked below
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new Unusable(dir + " is not a directory (the state store; TLCLB_STATE_DIR moves it)");
        }
        long owner = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (owner != ProcessUser.uid() || perms.contains(PosixFilePermission.GROUP_WRITE)
                || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new Unusable(dir + " belongs to uid " + owner + " or others can write it: the state store must be"
                    + " this user's own directory (chmod 700, or set TLCLB_STATE_DIR)");
        }
    }

    static String render(DestinationRecord r) {
        StringBuilder sb = new StringBuilder(MAGIC).append(": what each node holds of one destination; written by")
                .append(" every push, read by 'tlclb status'\n");
        sb.append("version\t").append(VERSION).append('\n');
        sb.append("destination\t").append(escape(r.key())).append('\n');
        sb.append("latest\t").append(or(r.latest())).append('\t').append(or(r.latestRun())).append('\t')
                .append(or(r.latestTime())).append('\n');
        sb.append("# node\tgeneration\tlast success\tits run\tlast failure\tfailure\tbehind since\truns missed\n");
        for (NodeRecord n : r.nodes()) {
            sb.append("node\t").append(escape(n.node())).append('\t').append(or(n.generation())).append('\t')
                    .append(or(n.lastSuccess())).append('\t').append(or(n.lastRun())).append('\t')
                    .append(or(n.lastFailure())).append('\t').append(or(n.failure())).append('\t')
                    .append(or(n.behindSince())).append('\t').append(n.runsMissed()).append('\n');
        }
        return sb.toString();
    }

    static DestinationRecord parse(String key, List<String> lines) throws Unusable {
        if (lines.isEmpty() || !lines.get(0).startsWith(MAGIC)) {
            throw new IllegalArgumentException("no '" + MAGIC + "' header");
        }
        Integer version = null;
        String dest = null;
        String[] latest = null;
        List<NodeRecord> nodes = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "version" -> version = Integer.parseInt(f[1]);
                case "destination" -> dest = unescape(f[1]);
                case "latest" -> latest = f;
                case "node" -> {
                    if (f.length != 9) {
                        throw new IllegalArgumentException("a node line has " + f.length + " fields, not 9");
                    }
                    nodes.add(new NodeRecord(unescape(f[1]), text(f[2]), time(f[3]), text(f[4]), time(f[5]),
                            text(f[6]), time(f[7]), Integer.parseInt(f[8])));
                }
                default -> throw new IllegalArgumentException("unknown line '" + f[0] + "'");
            }
        }
        if (version == null) {
            throw new IllegalArgumentException("no version line");
        }
        if (version > VERSION) {
            throw new Unusable("written by a newer tlclb-sync (format " + version + ", this one reads " + VERSION
                    + "): use that version, or move the file away");
        }
        if (!key.equals(dest)) {
            throw new IllegalArgumentException("it records '" + dest + "', not '" + key + "'");
        }
        if (latest == null || latest.length != 4) {
            throw new IllegalArgumentException("no latest line");
        }
        return new DestinationRecord(dest, text(latest[1]), text(latest[2]), time(latest[3]), nodes);
    }

    private static String or(Object v) {
        return v == null ? "-" : escape(v.toString());
    }

    private static String text(String f) {
        return f.equals("-") ? null : unescape(f);
    }

    private static Instant time(String f) {
        return f.equals("-") ? null : Instant.parse(f);
    }

    /** Tabs, newlines and backslashes as \t, \n, \\; a lone "-" (which means none) as \-. */
    static String escape(String s) {
        String e = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
        return e.equals("-") ? "\\-" : e;
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
