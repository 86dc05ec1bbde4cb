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
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        sb.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, end);
                        if (body.startsWith("!")) {
                            body = "^" + body.substring(1);
                        }
                        sb.append('[').append(body.replace("\\", "\\\\")).append(']');
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
}
