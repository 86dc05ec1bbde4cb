package org.tlclb.sync.ssh.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The lexical rules of ssh_config (readconf.c, misc.c argv_split and convtime), and its value types. */
final class ConfigSyntax {
    private static final String BLANKS = " \t\r\f";

    private ConfigSyntax() {
    }

    /**
     * Splits a line: the keyword ends at a blank or a single {@code =}; the arguments are split at blanks, with
     * single or double quotes grouping and a backslash escaping a quote, a backslash or (unquoted) a blank; an
     * argument starting with {@code #} ends the line. Empty for blank and comment lines.
     */
    static Optional<ConfigLine> parse(Path file, int number, String text) throws SshConfigException {
        String line = stripTrailing(text);
        int i = skip(line, 0);
        if (i == line.length() || line.charAt(i) == '#') {
            return Optional.empty();
        }
        int start = i;
        while (i < line.length() && BLANKS.indexOf(line.charAt(i)) < 0 && line.charAt(i) != '=') {
            i++;
        }
        String keyword = line.substring(start, i).toLowerCase(Locale.ROOT);
        i = skip(line, i);
        if (i < line.length() && line.charAt(i) == '=') {
            i = skip(line, i + 1);
        }
        String rest = line.substring(i);
        if (rest.isEmpty()) {
            throw new SshConfigException(file + " line " + number + ": no argument after keyword \"" + keyword + "\"");
        }
        return Optional.of(new ConfigLine(file, number, keyword, split(rest, file, number), rest));
    }

    private static List<String> split(String s, Path file, int number) throws SshConfigException {
        List<String> args = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (c == '#') {
                break;
            }
            StringBuilder arg = new StringBuilder();
            char quote = 0;
            for (; i < s.length(); i++) {
                c = s.charAt(i);
                char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
                if (c == '\\' && (next == '\'' || next == '"' || next == '\\' || (quote == 0 && next == ' '))) {
                    arg.append(next);
                    i++;
                } else if (quote == 0 && (c == ' ' || c == '\t')) {
                    break;
                } else if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (quote != 0 && c == quote) {
                    quote = 0;
                } else {
                    arg.append(c);
                }
            }
            if (quote != 0) {
                throw new SshConfigException(file + " line " + number + ": invalid quotes");
            }
            args.add(arg.toString());
        }
        return args;
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && (BLANKS.indexOf(s.charAt(end - 1)) >= 0 || s.charAt(end - 1) == '\n')) {
            end--;
        }
        return s.substring(0, end);
    }

    private static int skip(String s, int i) {
        while (i < s.length() && BLANKS.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    /** yes/no/true/false, as ssh's flag options take. */
    static boolean flag(ConfigLine l) throws SshConfigException {
        switch (l.first().toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> {
                return true;
            }
            case "no", "false" -> {
                return false;
            }
            default -> throw l.error("unsupported option \"" + l.first() + "\" for " + l.keyword()
                    + " (expected yes or no)");
        }
    }

    static int port(ConfigLine l) throws SshConfigException {
        String v = l.first();
        if (v.matches("[0-9]{1,5}")) {
            int p = Integer.parseInt(v);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        }
        throw l.error("Bad port '" + v + "'.");
    }

    static int count(ConfigLine l) throws SshConfigException {
        String v = l.first();
        if (v.matches("[0-9]{1,9}")) {
            return Integer.parseInt(v);
        }
        throw l.error("integer value " + v + " is invalid.");
    }

    /** A time as ssh's convtime reads it ("30", "1m30s", "2h"); empty for "none" and 0, which ssh treats as unset. */
    static Optional<Duration> time(ConfigLine l) throws SshConfigException {
        String v = l.first();
        if (v.equals("none")) {
            return Optional.empty();
        }
        long total = 0;
        int i = 0;
        while (i < v.length()) {
            int start = i;
            while (i < v.length() && Character.isDigit(v.charAt(i))) {
                i++;
            }
            if (i == start || i - start > 9) {
                throw l.error("invalid time value.");
            }
            long n = Long.parseLong(v.substring(start, i));
            long unit = 1;
            if (i < v.length()) {
                unit = switch (Character.toLowerCase(v.charAt(i))) {
                    case 's' -> 1;
                    case 'm' -> 60;
                    case 'h' -> 3600;
                    case 'd' -> 86400;
                    case 'w' -> 604800;
                    default -> throw l.error("invalid time value.");
                };
                i++;
            }
            total += n * unit;
        }
        return total <= 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(total));
    }

    /** StrictHostKeyChecking's values in the form ssh -G prints them: true, false, ask, accept-new. */
    static String strictness(ConfigLine l) throws SshConfigException {
        return switch (l.first().toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> "true";
            case "no", "false", "off" -> "false";
            case "ask" -> "ask";
            case "accept-new" -> "accept-new";
            default -> throw l.error("unsupported option \"" + l.first() + "\" for stricthostkeychecking"
                    + " (expected yes, no, ask or accept-new)");
        };
    }
}
