package org.tlclb.sync.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * rsync-style exclude patterns: a pattern without '/' matches a name at any depth ({@code *.swp});
 * a trailing '/' matches directories only ({@code cache/}); a pattern containing '/' matches the
 * whole relative path, and a leading '/' anchors it at the root. {@code *} and {@code ?} stay within
 * one path element, {@code **} crosses elements, {@code [...]} is a character class.
 */
public final class ExcludeRules {
    private record Rule(String source, Pattern regex, boolean dirOnly, boolean wholePath) {
    }

    private final List<Rule> rules;

    private ExcludeRules(List<Rule> rules) {
        this.rules = rules;
    }

    public static ExcludeRules none() {
        return new ExcludeRules(List.of());
    }

    public static ExcludeRules of(List<String> patterns) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : patterns) {
            String p = raw;
            boolean dirOnly = p.endsWith("/") && p.length() > 1;
            if (dirOnly) {
                p = p.substring(0, p.length() - 1);
            }
            boolean anchored = p.startsWith("/");
            if (anchored) {
                p = p.substring(1);
            }
            boolean wholePath = anchored || p.contains("/");
            String regex = globToRegex(p);
            if (wholePath && !anchored) {
                regex = "(?:.*/)?" + regex; // "a/b" matches ".../a/b" as rsync does for unanchored patterns
            }
            rules.add(new Rule(raw, Pattern.compile(regex, Pattern.DOTALL), dirOnly, wholePath));
        }
        return new ExcludeRules(List.copyOf(rules));
    }

    /** True when the entry at this relative path (not the root) is excluded; its subtree then is too. */
    public boolean excludes(String path, boolean isDir) {
        if (path.isEmpty() || rules.isEmpty()) {
            return false;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        for (Rule r : rules) {
            if (r.dirOnly && !isDir) {
                continue;
            }
            if (r.regex.matcher(r.wholePath ? path : name).matches()) {
                return true;
            }
        }
        return false;
    }

    /** True when the path or any of its ancestors is excluded (for node-side paths listed flat). */
    public boolean excludesWithAncestors(String path, boolean isDir) {
        if (rules.isEmpty()) {
            return false;
        }
        if (excludes(path, isDir)) {
            return true;
        }
        for (String p = Entry.parentOf(path); p != null && !p.isEmpty(); p = Entry.parentOf(p)) {
            if (excludes(p, true)) {
                return true;
            }
        }
        return false;
    }

    static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        sb.append(".*");
                        i++;
                    } else {
                        sb.append("[^/]*");
                    }
                }
                case '?' -> sb.append("[^/]");
                case '[' -> {
                    int end = bracketExpression(glob, i, sb);
                    if (end < 0) {
                        sb.append("\\["); // no closing ']': a literal '['
                    } else {
                        i = end;
                    }
                }
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        sb.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return sb.toString();
    }

    /**
     * Translates the glob bracket expression starting at {@code open} into a Java character class
     * and returns the index of its closing ']', or -1 (appending nothing) when it is not closed.
     * Glob and Java disagree on '[', '&&' and a leading ']' inside a class, so every member is
     * emitted escaped rather than copied: a leading '!' or '^' negates, a ']' right after the
     * opening (or the negation) is a member, '\\' escapes the next character, 'a-z' is a range.
     * A class never matches '/', as in rsync's wildmatch.
     */
    private static int bracketExpression(String glob, int open, StringBuilder out) {
        int j = open + 1;
        boolean negate = j < glob.length() && (glob.charAt(j) == '!' || glob.charAt(j) == '^');
        if (negate) {
            j++;
        }
        StringBuilder members = new StringBuilder();
        int first = j;
        for (; j < glob.length(); j++) {
            char c = glob.charAt(j);
            if (c == ']' && j > first) {
                out.append(negate ? "[^/" + members + "]" : "[" + members + "&&[^/]]");
                return j;
            }
            if (c == '\\' && j + 1 < glob.length()) {
                c = glob.charAt(++j);
            } else if (c == '-' && members.length() > 0 && j + 1 < glob.length() && glob.charAt(j + 1) != ']') {
                members.append('-');
                continue;
            }
            // Letters and digits as they are (a backslash before a letter means something in Java);
            // surrogate halves as they are, so that a supplementary character stays whole.
            boolean plain = Character.isLetterOrDigit(c) || Character.isSurrogate(c);
            members.append(plain ? String.valueOf(c) : "\\" + c);
        }
        return -1;
    }
}
