package org.tlclb.sync.scan;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;

/**
 * UTF-8 that keeps every byte of a name ({@link RawNames}): bytes that are not valid UTF-8 decode
 * to U+DC00 + byte and encode back to that byte. For every valid UTF-8 name it is UTF-8, byte for
 * byte. Used wherever a name crosses to a node (SFTP, SCP headers, the node's shell), so a name
 * that is not UTF-8 reaches a server that takes bytes (OpenSSH) as it is on the source.
 * <p>
 * Names are decoded and encoded whole (SFTP strings, SCP lines, shell records): a sequence cut
 * at the end of the input is taken as bytes, not awaited.
 */
final class RawNameCharset extends Charset {
    static final RawNameCharset INSTANCE = new RawNameCharset();

    private RawNameCharset() {
        super("x-tlclb-utf-8-raw", new String[0]);
    }

    @Override
    public boolean contains(Charset cs) {
        return cs instanceof RawNameCharset || "UTF-8".equals(cs.name()) || "US-ASCII".equals(cs.name());
    }

    @Override
    public CharsetDecoder newDecoder() {
        return new CharsetDecoder(this, 1.0f, 1.0f) {
            @Override
            protected CoderResult decodeLoop(ByteBuffer in, CharBuffer out) {
                while (in.hasRemaining()) {
                    int pos = in.position();
                    int len = sequence(in, pos);
                    int needed = len == 4 ? 2 : 1;
                    if (out.remaining() < needed) {
                        return CoderResult.OVERFLOW;
                    }
                    if (len == 0) {
                        out.put((char) (0xDC00 + (in.get() & 0xFF)));
                        continue;
                    }
                    int c = in.get() & 0xFF;
                    int cp = c & (0xFF >> (len + 1));
                    if (len == 1) {
                        cp = c;
                    }
                    for (int k = 1; k < len; k++) {
                        cp = (cp << 6) | (in.get() & 0x3F);
                    }
                    if (needed == 2) {
                        out.put(Character.highSurrogate(cp));
                        out.put(Character.lowSurrogate(cp));
                    } else {
                        out.put((char) cp);
                    }
                }
                return CoderResult.UNDERFLOW;
            }
        };
    }

    @Override
    public CharsetEncoder newEncoder() {
        return new CharsetEncoder(this, 1.1f, 4.0f, new byte[] {'?'}) {
            @Override
            protected CoderResult encodeLoop(CharBuffer in, ByteBuffer out) {
                while (in.hasRemaining()) {
                    char c = in.get(in.position());
                    int cp = c;
                    int chars = 1;
                    if (Character.isHighSurrogate(c)) {
                        if (in.remaining() < 2 || !Character.isLowSurrogate(in.get(in.position() + 1))) {
                            return CoderResult.malformedForLength(1);
                        }
                        cp = Character.toCodePoint(c, in.get(in.position() + 1));
                        chars = 2;
                    } else if (RawNames.escaped(c)) {
                        if (!out.hasRemaining()) {
                            return CoderResult.OVERFLOW;
                        }
                        out.put((byte) (c - 0xDC00));
                        in.position(in.position() + 1);
                        continue;
                    } else if (Character.isLowSurrogate(c)) {
                        return CoderResult.malformedForLength(1);
                    }
                    int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                    if (out.remaining() < n) {
                        return CoderResult.OVERFLOW;
                    }
                    if (n == 1) {
                        out.put((byte) cp);
                    } else if (n == 2) {
                        out.put((byte) (0xC0 | (cp >> 6))).put((byte) (0x80 | (cp & 0x3F)));
                    } else if (n == 3) {
                        out.put((byte) (0xE0 | (cp >> 12))).put((byte) (0x80 | ((cp >> 6) & 0x3F)))
                                .put((byte) (0x80 | (cp & 0x3F)));
                    } else {
                        out.put((byte) (0xF0 | (cp >> 18))).put((byte) (0x80 | ((cp >> 12) & 0x3F)))
                                .put((byte) (0x80 | ((cp >> 6) & 0x3F))).put((byte) (0x80 | (cp & 0x3F)));
                    }
                    in.position(in.position() + chars);
                }
                return CoderResult.UNDERFLOW;
            }
        };
    }

    /** The length of the valid UTF-8 sequence at {@code i}, or 0 when the byte there does not start one. */
    static int sequence(ByteBuffer b, int i) {
        int c = b.get(i) & 0xFF;
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
        if (i + len > b.limit()) {
            return 0;
        }
        int cp = c & (0xFF >> (len + 1));
        for (int k = 1; k < len; k++) {
            int cc = b.get(i + k) & 0xFF;
            if ((cc & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        boolean surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        return cp < min || cp > 0x10FFFF || surrogate ? 0 : len;
    }
}
