package org.tlclb.sync.node;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an exec request into words with POSIX shell quoting rules ('...', "...", backslash), the
 * only part of a shell the embedded node needs: clients quote paths for a real node's shell, and the
 * node must see the same argument a shell would, without ever running one.
 */
final class ShellWords {
    private ShellWords() {
    }

    /** @return the words, or {@code null} when a quote is left open (a shell would refuse it too) */
    static List<String> split(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int n = command.length();
        for (int i = 0; i < n; i++) {
            char c = command.charAt(i);
            if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    return null;
                }
                word.append(command, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                i = appendDoubleQuoted(command, i + 1, word);
                if (i < 0) {
                    return null;
                }
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 < n && command.charAt(i + 1) != '\n') {
                    word.append(command.charAt(i + 1));
                    inWord = true;
                }
                i++;
            } else if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** @return the index of the closing quote, or -1 when there is none */
    private static int appendDoubleQuoted(String s, int from, StringBuilder word) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i + 1 < s.length() && "$`\"\\\n".indexOf(s.charAt(i + 1)) >= 0) {
                if (s.charAt(i + 1) != '\n') {
                    word.append(s.charAt(i + 1));
                }
                i++;
            } else {
                word.append(c);
            }
        }
        return -1;
    }

    /** Quotes one word for a POSIX shell, the inverse of {@link #split}. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
