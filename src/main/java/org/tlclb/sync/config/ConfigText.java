package org.tlclb.sync.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a config file into lines and refuses input that is not plain text, so the keyword parser
 * only ever sees sane strings and every refusal names the offending line.
 */
final class ConfigText {
    /** Longer lines are refused: no honest config line is this long, and it bounds memory per line. */
    static final int MAX_LINE = 4096;

    /** A real sync.conf or server list is a few KiB; this bounds memory for anything else. */
    static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

    private ConfigText() {}

    /**
     * Reads a file, at most one byte past the limit: Files.size cannot be trusted, since
     * {@code /dev/stdin} or a FIFO reports 0 and {@code /dev/zero} never ends.
     *
     * @param expected what the file should have been, for the message ("a sync.conf file")
     */
    static byte[] read(Path file, String name, String expected) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(name, 0, "is a directory (expected " + expected + ")");
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (IOException | SecurityException e) {
            throw new ConfigException(name, 0, "cannot read: " + reason(e) + " (expected " + expected + ")", e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ConfigException(name, 0, "file is larger than " + MAX_FILE_BYTES + " bytes (expected " + expected + ")");
        }
        return bytes;
    }

    private static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Decodes UTF-8 line by line, so a bad byte sequence is reported at its own line. */
    static List<String> lines(byte[] bytes, String file) throws ConfigException {
        List<String> out = new ArrayList<>();
        int start = 0;
        int lineNo = 1;
        // A UTF-8 byte order mark is what some editors write; it is not part of the first keyword.
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            start = 3;
        }
        while (start <= bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            if (end == bytes.length && start == end && lineNo > 1) {
                break; // the file ended with a newline: no extra empty line
            }
            byte[] raw = Arrays.copyOfRange(bytes, start, end);
            for (byte b : raw) {
                if (b == 0) {
                    throw new ConfigException(file, lineNo, "NUL byte in line (expected a text file)");
                }
            }
            out.add(check(decode(raw, file, lineNo), file, lineNo));
            start = end + 1;
            lineNo++;
        }
        return out;
    }

    /** The same checks for text that is already decoded. */
    static List<String> lines(String text, String file) throws ConfigException {
        List<String> out = new ArrayList<>();
        String[] parts = text.split("\n", -1);
        int n = parts.length;
        if (n > 1 && parts[n - 1].isEmpty()) {
            n--; // trailing newline
        }
        for (int i = 0; i < n; i++) {
            String line = parts[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.indexOf('\0') >= 0) {
                throw new ConfigException(file, i + 1, "NUL byte in line (expected a text file)");
            }
            out.add(check(line, file, i + 1));
        }
        return out;
    }

    private static String decode(byte[] raw, String file, int lineNo) throws ConfigException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return dec.decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, lineNo, "line is not valid UTF-8 (expected a UTF-8 text file)");
        }
    }

    /** Strips a DOS line end and refuses overlong lines and control characters other than tab. */
    private static String check(String line, String file, int lineNo) throws ConfigException {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.length() > MAX_LINE) {
            throw new ConfigException(file, lineNo,
                    "line is " + line.length() + " characters long (at most " + MAX_LINE + " allowed)");
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new ConfigException(file, lineNo, String.format(
                        "control character U+%04X in line (expected printable text; quote values, do not embed control characters)", (int) c));
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < line.length()
                        && Character.isLowSurrogate(line.charAt(i + 1));
                if (!paired) {
                    throw new ConfigException(file, lineNo, "line is not valid Unicode text (unpaired surrogate)");
                }
                i++;
            }
        }
        return line;
    }
}
