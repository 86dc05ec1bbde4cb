package org.tlclb.sync.ssh.config;

import java.util.Locale;

/** OpenSSH's pattern matching (match.c): {@code *} and {@code ?} globs, and comma lists with {@code !} negation. */
public final class Glob {
    private Glob() {
    }

    /** match_pattern: '*' matches any run, '?' one character; case-sensitive. */
    public static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /**
     * match_pattern_list: true when some pattern of the comma list matches and no negated one does (a matching
     * {@code !pattern} wins over any positive one). With {@code lower}, patterns are compared in lower case.
     */
    public static boolean matchesList(String list, String text, boolean lower) {
        boolean positive = false;
        for (String raw : list.split(",", -1)) {
            boolean negated = raw.startsWith("!");
            String pattern = negated ? raw.substring(1) : raw;
            if (lower) {
                pattern = pattern.toLowerCase(Locale.ROOT);
            }
            if (matches(pattern, text)) {
                if (negated) {
                    return false;
                }
                positive = true;
            }
        }
        return positive;
    }

    /** match_hostname: the host in lower case against a lower-cased comma list. */
    public static boolean matchesHost(String list, String host) {
        return matchesList(list, host.toLowerCase(Locale.ROOT), true);
    }
}
