package org.tlclb.sync.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tlclb.sync.crypto.NativeCrypto;

/**
 * Walks a source tree without following symlinks. Special files (FIFO, socket, device) are left
 * out with a warning (SPEC section 3); an entry that cannot be read, or whose name is not valid
 * UTF-8, is left out as {@link NotCarried}, so no node that lacks it is called in sync.
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
        List<NotCarried> notCarried = new ArrayList<>();
        boolean[] ioErrors = {false};
        BasicFileAttributes rootAttrs = Files.readAttributes(root, BasicFileAttributes.class, NOFOLLOW);
        if (rootAttrs.isSymbolicLink() && Files.isDirectory(root)) {
            // A release switch (current -> releases/7): the tree it points to is pushed, as rsync does
            // with current/. Files are read through the link when sent: one a switch during the run
            // changed fails the send check and is sent again, or named as not carried.
            Path target = root.toRealPath();
            warnings.add("source " + Names.printable(root.toString()) + " is a symlink to "
                    + Names.printable(target.toString()) + ": the directory it points to was pushed (as rsync does with "
                    + Names.printable(root.toString()) + "/)");
            root = target;
            rootAttrs = Files.readAttributes(root, BasicFileAttributes.class, NOFOLLOW);
        }
        if (!rootAttrs.isDirectory()) {
            throw new IOException(root + " is not a directory");
        }
        entries.put("", Entry.dir("", seconds(rootAttrs.lastModifiedTime()), mode(root)));
        if (only != null) {
            for (String name : only) {
                Path p = root.resolve(name);
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
                    add(root, p, a, entries, warnings, notCarried, checksum);
                } catch (NoSuchFileException e) {
                    throw new IOException(p + ": no such file");
                }
            }
            return new ScanResult(new Manifest(entries), warnings, false, notCarried, HardLinks.NONE);
        }
        Found found = new Found(entries, warnings, notCarried, new HashMap<>());
        walk(root, "", excludes, found, ioErrors, checksum);
        return new ScanResult(new Manifest(entries), warnings, ioErrors[0], notCarried, found.hardLinks());
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    /**
     * Lists every directory under {@code top} (relative path {@code topRel}), with an explicit
     * stack rather than recursion (a tree may be thousands of levels deep). One lstat per entry
     * gives type, mode, size and mtime together ("unix:mode" carries the type bits), where a file
     * walk plus a mode lookup cost two.
     */
    /** One file of the filesystem, whatever its names. */
    private record FileKey(Object dev, Object ino) {
    }

    /** What the walk collects; {@code names} holds the paths of files with more than one link. */
    private record Found(Map<String, Entry> entries, List<String> warnings, List<NotCarried> notCarried,
                         Map<FileKey, List<String>> names) {

        /** The files with several names among the entries taken (a name that vanished or was not read is not one). */
        HardLinks hardLinks() {
            if (names.isEmpty()) {
                return HardLinks.NONE;
            }
            names.values().forEach(l -> l.removeIf(p -> !entries.containsKey(p)));
            return HardLinks.of(names);
        }
    }

    private static void walk(Path top, String topRel, ExcludeRules excludes, Found found, boolean[] ioErrors,
                             boolean checksum) {
        List<String> warnings = found.warnings();
        ArrayDeque<Path> dirs = new ArrayDeque<>();
        ArrayDeque<String> rels = new ArrayDeque<>();
        dirs.push(top);
        rels.push(topRel);
        while (!dirs.isEmpty()) {
            Path dir = dirs.pop();
            String rel = rels.pop();
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    children.add(p);
                }
            } catch (NoSuchFileException e) {
                continue; // vanished while we looked: not an error for a live tree
            } catch (IOException | DirectoryIteratorException e) {
                found.notCarried().add(new NotCarried(rel, "could not list it: " + e.getMessage()));
                ioErrors[0] = true;
                continue;
            }
            for (Path p : children) {
                String name = p.getFileName().toString();
                if (!validName(name)) {
                    name = RawNames.fileName(p); // its bytes: Java's string lost them
                }
                String childRel = rel.isEmpty() ? name : rel + "/" + name;
                if (visit(p, childRel, excludes, found, ioErrors, checksum)) {
                    dirs.push(p);
                    rels.push(childRel);
                }
            }
        }
    }

    /** Records one entry; true when it is a directory to descend into. */
    private static boolean visit(Path p, String rel, ExcludeRules excludes, Found found, boolean[] ioErrors,
                                 boolean checksum) {
        Map<String, Entry> entries = found.entries();
        List<String> warnings = found.warnings();
        Map<String, Object> a;
        try {
            // The same lstat gives the link count and the file's identity, for hard links (rsync -H).
            a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime,nlink,ino,dev", NOFOLLOW);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            found.notCarried().add(new NotCarried(rel, "could not read it: " + e.getMessage()));
            ioErrors[0] = true;
            return false;
        }
        int mode = (Integer) a.get("mode");
        int type = mode & S_IFMT;
        if (excludes.excludes(rel, type == S_IFDIR)) {
            return false;
        }
        long mtime = seconds((FileTime) a.get("lastModifiedTime"));
        try {
            if (type == S_IFDIR) {
                entries.put(rel, Entry.dir(rel, mtime, mode & 07777));
                return true;
            } else if (type == S_IFLNK) {
                String target = Files.readSymbolicLink(p).toString();
                if (!validName(target)) {
                    found.notCarried().add(new NotCarried(rel, "a symlink whose target is not valid UTF-8"));
                    return false;
                }
                entries.put(rel, Entry.symlink(rel, target, mtime));
            } else if (type == S_IFREG) {
                if (!Files.isReadable(p)) {
                    found.notCarried().add(new NotCarried(rel, "could not read it: permission denied"));
                    ioErrors[0] = true;
                    return false;
                }
                Entry e = Entry.file(rel, (Long) a.get("size"), mtime, mode & 07777);
                entries.put(rel, checksum ? e.withSha256(sha256(p)) : e);
                if ((Integer) a.get("nlink") > 1) {
                    found.names().computeIfAbsent(new FileKey(a.get("dev"), a.get("ino")), k -> new ArrayList<>())
                            .add(rel);
                }
            } else {
                warnings.add("skipped " + Names.printable(rel) + ": a special file (FIFO, socket or device)");
            }
        } catch (NoSuchFileException e) {
            entries.remove(rel); // vanished while we looked at it: the next run picks it up or deletes it
        } catch (IOException e) {
            entries.remove(rel);
            found.notCarried().add(new NotCarried(rel, "could not read it: " + e.getMessage()));
            ioErrors[0] = true;
        }
        return false;
    }

    private static void add(Path root, Path file, BasicFileAttributes attrs, Map<String, Entry> entries,
                            List<String> warnings, List<NotCarried> notCarried, boolean checksum) throws IOException {
        String rel = relative(root, file);
        if (!validName(rel)) {
            rel = RawNames.fileName(file); // a top-level name (only): its bytes, as Java's string lost them
        }
        try {
            if (attrs.isSymbolicLink()) {
                String target = Files.readSymbolicLink(file).toString();
                if (!validName(target)) {
                    notCarried.add(new NotCarried(rel, "a symlink whose target is not valid UTF-8"));
                    return;
                }
                entries.put(rel, Entry.symlink(rel, target, seconds(attrs.lastModifiedTime())));
            } else if (attrs.isRegularFile()) {
                Entry e = Entry.file(rel, attrs.size(), seconds(attrs.lastModifiedTime()), mode(file));
                entries.put(rel, checksum ? e.withSha256(sha256(file)) : e);
            } else if (attrs.isDirectory()) {
                entries.put(rel, Entry.dir(rel, seconds(attrs.lastModifiedTime()), mode(file)));
            } else {
                warnings.add("skipped " + Names.printable(rel) + ": a special file (FIFO, socket or device)");
            }
        } catch (NoSuchFileException e) {
            // vanished while we looked at it: the next run picks it up or deletes it
        }
    }

    static String relative(Path root, Path p) {
        return root.relativize(p).toString();
    }

    /**
     * Java decodes bytes that are not UTF-8 (or, under a locale that is not UTF-8, not ASCII) to
     * U+FFFD; such a name is then taken from the path's bytes ({@link RawNames}).
     */
    static boolean validName(String rel) {
        return rel.indexOf('\uFFFD') < 0;
    }

    static long seconds(FileTime t) {
        return Math.floorDiv(t.toMillis(), 1000L);
    }

    static int mode(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = NativeCrypto.sha256();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        }
    }
}
