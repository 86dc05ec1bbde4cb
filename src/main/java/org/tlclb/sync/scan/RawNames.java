package org.tlclb.sync.scan;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * A file name as the bytes it is on disk. Java decodes a name that is not UTF-8 with U+FFFD in
 * place of each bad byte, which loses them; the path object still holds the bytes, and its URI
 * gives them back ({@code %XX} for every byte outside ASCII). Decoded here as Python's
 * {@code surrogateescape} does: the UTF-8 parts as their characters, each byte that is not part of
 * valid UTF-8 as the lone surrogate U+DC00 + byte, which valid UTF-8 never yields, so the name is
 * kept exactly and {@link Names#printable} shows such a byte as {@code \#ooo}.
 */
public final class RawNames {
    private static final char ESCAPE = 0xDC00;
    /** Names as bytes on the wire: UTF-8 for valid names, each other byte kept ({@link RawNameCharset}). */
    public static final Charset CHARSET = RawNameCharset.INSTANCE;

    private RawNames() {
    }

    /** The last component of {@code p}, from its bytes. */
    public static String fileName(Path p) {
        byte[] path = bytes(p);
        int end = path.length;
        while (end > 1 && path[end - 1] == '/') {
            end--; // a directory's URI ends with '/'
        }
        int start = end;
        while (start > 0 && path[start - 1] != '/') {
            start--;
        }
        byte[] name = new byte[end - start];
        System.arraycopy(path, start, name, 0, name.length);
        return decode(name);
    }

    /** Whether the last component of {@code p} is valid UTF-8 (whatever this JVM's locale made of it). */
    public static boolean isUtf8(Path p) {
        return fileName(p).chars().noneMatch(RawNames::escaped);
    }

    /** Whether {@code c} stands for a byte that is not part of valid UTF-8. */
    public static boolean escaped(int c) {
        return c >= ESCAPE + 0x80 && c <= ESCAPE + 0xFF;
    }

    /**
     * The local path of {@code rel} under {@code root}, by its bytes: a name with bytes that are
     * not UTF-8 (or not ASCII, under a JVM whose locale is not UTF-8) cannot be given to Java as a
     * string, so it goes through a {@code file:} URI, whose {@code %XX} are taken as bytes.
     */
    public static Path local(Path root, String rel) {
        if (rel.chars().allMatch(c -> c < 0x80)) {
            return root.resolve(rel);
        }
        StringBuilder uri = new StringBuilder("file://");
        byte[] base = bytes(root);
        appendEscaped(uri, base);
        if (base.length == 0 || base[base.length - 1] != '/') {
            uri.append('/');
        }
        appendEscaped(uri, encode(rel));
        return Path.of(URI.create(uri.toString()));
    }

    private static void appendEscaped(StringBuilder uri, byte[] path) {
        for (byte b : path) {
            int c = b & 0xFF;
            if (c == '/' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                uri.append((char) c);
            } else {
                uri.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
    }

    /** The bytes of {@code p}'s absolute path, as on disk. */
    static byte[] bytes(Path p) {
        String raw = p.toAbsolutePath().toUri().getRawPath();
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c); // the URI keeps these ASCII characters as they are
            }
        }
        return out.toByteArray();
    }

    /** UTF-8 where the bytes are valid UTF-8; each other byte as U+DC00 + byte. */
    static String decode(byte[] name) {
        return new String(name, CHARSET);
    }

    /** The bytes of a name, the inverse of {@link #decode}. */
    public static byte[] encode(String name) {
        return name.getBytes(CHARSET);
    }
}
