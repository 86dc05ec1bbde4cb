package org.tlclb.sync.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a source tree without following symlinks. Special files (FIFO, socket, device) and names
 * that are not valid UTF-8 are left out with a warning: neither can be carried faithfully.
 */
public final class TreeScanner {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private TreeScanner() {
    }

    /**
     * Scans {@code root}. With {@code only} non-null, only those top-level names are taken (a unit
     * that pushes single files such as license files); the root entry is always included.
     */
    public static ScanResult scan(Path root, ExcludeRules excludes, Set<String> only, boolean checksum)
            throws IOException {
        Map<String, Entry> entries = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        boolean[] ioErrors = {false};
        BasicFileAttributes rootAttrs = Files.readAttributes(root, BasicFileAttributes.class, NOFOLLOW);
        if (!rootAttrs.isDirectory()) {
            throw new IOException(root + " is not a directory");
        }
        entries.put("", Entry.dir("", seconds(rootAttrs.lastModifiedTime()), mode(root)));
        if (only != null) {
            for (String name : only) {
                Path p = root.resolve(name);
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
                    add(root, p, a, entries, warnings, checksum);
                } catch (NoSuchFileException e) {
                    throw new IOException(p + ": no such file");
                }
            }
            return new ScanResult(new Manifest(entries), List.copyOf(warnings), false);
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String rel = relative(root, dir);
                if (excludes.excludes(rel, true)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!validName(rel)) {
                    warnings.add("skipped " + printable(rel) + "/: the name is not valid UTF-8");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                entries.put(rel, Entry.dir(rel, seconds(attrs.lastModifiedTime()), mode(dir)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = relative(root, file);
                if (!excludes.excludes(rel, false)) {
                    add(root, file, attrs, entries, warnings, checksum);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                // A file that vanished between listing and stat is not an error for a live tree.
                if (!(exc instanceof NoSuchFileException)) {
                    warnings.add("could not read " + printable(relative(root, file)) + ": " + exc.getMessage());
                    ioErrors[0] = true;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    warnings.add("could not list " + printable(relative(root, dir)) + ": " + exc.getMessage());
                    ioErrors[0] = true;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new ScanResult(new Manifest(entries), List.copyOf(warnings), ioErrors[0]);
    }

    private static void add(Path root, Path file, BasicFileAttributes attrs, Map<String, Entry> entries,
                            List<String> warnings, boolean checksum) throws IOException {
        String rel = relative(root, file);
        if (!validName(rel)) {
            warnings.add("skipped " + printable(rel) + ": the name is not valid UTF-8");
            return;
        }
        try {
            if (attrs.isSymbolicLink()) {
                entries.put(rel, Entry.symlink(rel, Files.readSymbolicLink(file).toString()));
            } else if (attrs.isRegularFile()) {
                Entry e = Entry.file(rel, attrs.size(), seconds(attrs.lastModifiedTime()), mode(file));
                entries.put(rel, checksum ? e.withSha256(sha256(file)) : e);
            } else if (attrs.isDirectory()) {
                entries.put(rel, Entry.dir(rel, seconds(attrs.lastModifiedTime()), mode(file)));
            } else {
                warnings.add("skipped " + printable(rel) + ": a special file (FIFO, socket or device)");
            }
        } catch (NoSuchFileException e) {
            // vanished while we looked at it: the next run picks it up or deletes it
        }
    }

    static String relative(Path root, Path p) {
        return root.relativize(p).toString();
    }

    /** Java decodes bytes that are not UTF-8 to U+FFFD; such a name cannot be written back verbatim. */
    static boolean validName(String rel) {
        return rel.indexOf('\uFFFD') < 0;
    }

    /** A name as one printable line: control characters escaped as rsync does ("\#012"). */
    public static String printable(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\#%03o", (int) c));
            } else if (c == '\\') {
                sb.append("\\\\");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static long seconds(FileTime t) {
        return Math.floorDiv(t.toMillis(), 1000L);
    }

    static int mode(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
