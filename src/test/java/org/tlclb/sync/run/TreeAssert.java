package org.tlclb.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Compares two trees entry by entry: type, bytes, mode, mtime (seconds), link target. */
public final class TreeAssert {
    private TreeAssert() {
    }

    public static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith(".tlclb-backup") || rel.startsWith(".tlclb-node")) {
                    continue;
                }
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000;
                    out.put(rel, String.format("dir %o %d", mode, rel.isEmpty() ? 0 : mtime));
                } else {
                    long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000;
                    out.put(rel, String.format("file %o %d %s", mode, mtime,
                            java.util.HexFormat.of().formatHex(sha(Files.readAllBytes(p)))));
                }
            }
        }
        return out;
    }

    public static void assertSameTree(Path source, Path node) throws IOException {
        assertThat(describe(node)).isEqualTo(describe(source));
    }

    private static byte[] sha(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
