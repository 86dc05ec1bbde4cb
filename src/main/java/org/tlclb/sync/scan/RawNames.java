package org.tlclb.sync.scan;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        StringBuilder sb = new StringBuilder(name.length);
        int start = 0;
        for (int i = 0; i <= name.length; i++) {
            int len = i == name.length ? 0 : sequence(name, i);
            if (i < name.length && len > 0) {
                i += len - 1;
                continue;
            }
            if (i > start) {
                try {
                    sb.append(utf8.decode(ByteBuffer.wrap(name, start, i - start)));
                } catch (CharacterCodingException e) {
                    throw new IllegalStateException("checked UTF-8 did not decode", e);
                }
            }
            if (i < name.length) {
                sb.append((char) (ESCAPE + (name[i] & 0xFF)));
            }
            start = i + 1;
        }
        return sb.toString();
    }

    /** The length of the valid UTF-8 sequence at {@code i}, or 0 when the byte there does not start one. */
    private static int sequence(byte[] b, int i) {
        int c = b[i] & 0xFF;
        if (c < 0x80) {
            return 1;
        }
        int len;
        int min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + len > b.length) {
            return 0;
        }
        int cp = c & (0xFF >> (len + 1));
        for (int k = 1; k < len; k++) {
            int cc = b[i + k] & 0xFF;
            if ((cc & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        boolean surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        return cp < min || cp > 0x10FFFF || surrogate ? 0 : len;
    }
}
