package org.tlclb.sync.it;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the OpenSSH integration tests share: sync.conf writing, wiping nodes, inodes, temp names. */
public final class ItSupport {
    /** The product's staging names: {@code .tlclb.<16 base32>.tmp}. */
    public static final Pattern TEMP_NAME = Pattern.compile("\\.tlclb\\.[a-z2-7]{16}\\.tmp");

    private ItSupport() {
    }

    /** A sync.conf naming every node of the cluster, with its key and known_hosts; strict and fast-failing. */
    public static Path writeConf(OpenSshCluster c, Path file, String extra) throws IOException {
        StringBuilder sb = new StringBuilder("Servers\n");
        for (int i = 1; i <= c.size(); i++) {
            sb.append("  Server node").append(i).append(' ').append(c.address(i)).append(" direct\n");
        }
        sb.append("EndServers\n")
                .append("IdentityFile ").append(c.clientKey()).append('\n')
                .append("KnownHosts ").append(c.knownHosts()).append('\n')
                .append("HostKeyPolicy strict\nConnectTimeout 5\nRetries 0\n")
                .append(extra == null ? "" : extra);
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return file;
    }

    /** Empties the node's private www, etc and lic directories (from the host side) and resets their modes and owners. */
    public static void wipe(OpenSshCluster c) throws IOException {
        for (int i = 1; i <= c.size(); i++) {
            for (Path dir : List.of(c.www(i), c.etc(i), c.lic(i))) {
                emptyDir(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setAttribute(dir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS); // a test may have given it to a node user
                Files.setAttribute(dir, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    public static void emptyDir(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) { // never follows symlinks
            all = new ArrayList<>(s.filter(p -> !p.equals(dir)).toList());
        }
        all.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * Relative path -> inode number of every entry under root (links not followed), root included as
     * "", but the node's marker ({@code .tlclb-backup/generation}), which every run that changes the
     * node writes anew.
     */
    public static Map<String, Long> inodes(Path root) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        Path marker = root.resolve(".tlclb-backup/generation");
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.equals(marker)) {
                    continue;
                }
                out.put(root.relativize(p).toString(),
                        ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue());
            }
        }
        return out;
    }

    /** Every path under root whose file name looks like one of the product's staging names. */
    public static List<String> tempFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName() != null && TEMP_NAME.matcher(p.getFileName().toString()).matches())
                    .map(p -> root.relativize(p).toString()).toList();
        }
    }

    /** Writes a file with content, mode and a fixed mtime. */
    public static Path write(Path root, String rel, String content, String perms, Instant mtime) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, content.getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        Files.setLastModifiedTime(p, FileTime.from(mtime));
        return p;
    }

    /** Occurrences of needle in haystack. */
    public static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /**
     * Every path under {@code root} as its bytes ({@code find -print0}, sorted), each byte one
     * ISO-8859-1 character: Java's own strings cannot tell names that are not UTF-8 apart.
     */
    public static List<String> byteNames(Path root) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "find . -path ./.tlclb-backup -prune -o -print0").directory(root.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException("find failed in " + root);
        }
        List<String> names = new ArrayList<>();
        for (String n : new String(out, StandardCharsets.ISO_8859_1).split("\0")) {
            if (!n.isEmpty() && !n.equals(".")) {
                names.add(n);
            }
        }
        Collections.sort(names);
        return names;
    }

    /** The path under {@code root} whose bytes are {@code rel}'s characters, each one byte (ISO-8859-1), as {@link #byteNames} gives them. */
    public static Path byteNamed(Path root, String rel) throws IOException {
        StringBuilder uri = new StringBuilder(root.toAbsolutePath().toUri().toString());
        if (uri.charAt(uri.length() - 1) != '/') {
            uri.append('/');
        }
        for (byte b : rel.getBytes(StandardCharsets.ISO_8859_1)) {
            int c = b & 0xFF;
            uri.append(Character.isLetterOrDigit(c) && c < 0x80 || c == '/' || c == '.' ? String.valueOf((char) c)
                    : String.format("%%%02x", c));
        }
        return Path.of(URI.create(uri.toString()));
    }
}
