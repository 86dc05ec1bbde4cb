package org.tlclb.sync.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one config line into words, shell style: blanks separate words, double quotes keep
 * blanks inside a word ({@code \"} and {@code \\} escape inside quotes), and a {@code #} at the
 * start of a word begins a comment. A {@code #} inside a word ({@code Exclude foo#bar}) is data,
 * as in the shell, so patterns such as emacs' {@code #*#} can be written quoted or unquoted-inner.
 */
final class Tokenizer {
    private Tokenizer() {}

    static List<String> words(String line, String file, int lineNo) throws ConfigException {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            if (i >= n || line.charAt(i) == '#') {
                return words;
            }
            StringBuilder w = new StringBuilder();
            while (i < n && !isBlank(line.charAt(i))) {
                char c = line.charAt(i);
                if (c == '"') {
                    i = quoted(line, i + 1, w, file, lineNo);
                } else {
                    w.append(c);
                    i++;
                }
            }
            words.add(w.toString());
        }
    }

    /** Reads a quoted part starting after its opening quote; returns the index after the closing quote. */
    private static int quoted(String line, int i, StringBuilder w, String file, int lineNo) throws ConfigException {
        int open = i;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                w.append(line.charAt(i + 1));
                i += 2;
            } else {
                // Any other backslash is kept, so commands like "grep -q 'a\.b'" survive unchanged.
                w.append(c);
                i++;
            }
        }
        throw new ConfigException(file, lineNo, "unterminated quote starting at column " + open
                + " (expected a closing \"; write \\\" for a quote inside a value)");
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
