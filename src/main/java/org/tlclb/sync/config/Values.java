package org.tlclb.sync.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** Typed value checks shared by the sync.conf parser and the server list of the command line. */
final class Values {
    // No leading dash: a user or host that looks like an option is a mistake, and refusing it here
    // means no later tool (ssh, a hook) can ever be handed one.
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,252})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}(?:%[A-Za-z0-9_.-]{1,32})?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Pattern DIGITS = Pattern.compile("-?[0-9]{1,10}");

    private Values() {}

    static boolean isUser(String s) {
        return USER.matcher(s).matches();
    }

    /** A DNS name, an IPv4 address, or an IPv6 literal without brackets. */
    static boolean isHost(String s) {
        return HOSTNAME.matcher(s).matches() || (IPV6.matcher(s).matches() && s.indexOf(':') != s.lastIndexOf(':'));
    }

    /** Server names are what -w and -x refer to, so they may not hold ',', '@', ':' or blanks. */
    static boolean isName(String s) {
        return NAME.matcher(s).matches();
    }

    /** A whole number in [min, max]; {@code label} says which setting, {@code what} what it expects. */
    static int intIn(String v, int min, int max, Where at, String label, String what) throws ConfigException {
        if (DIGITS.matcher(v).matches()) {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return (int) n;
            }
        }
        throw at.error(label + ": bad value '" + v + "' (expected " + what + ")");
    }

    /** A whole number in the range of {@code limit}. */
    static int intIn(String v, Limit limit, Where at) throws ConfigException {
        return intIn(v, limit.min(), limit.max(), at, limit.keyword(), limit.keyword() + " "
                + limit.placeholder() + ", a whole number " + limit.range());
    }

    static int port(String v, Where at, String label) throws ConfigException {
        return intIn(v, 1, 65535, at, label, "a port number 1..65535");
    }

    static boolean bool(String v, Where at, String keyword) throws ConfigException {
        switch (v.toLowerCase(Locale.ROOT)) {
            case "yes": case "true": case "on": return true;
            case "no": case "false": case "off": return false;
            default:
                throw at.error(keyword + ": bad value '" + v + "' (expected yes, no, true, false, on or off)");
        }
    }

    /** An absolute path: relative ones would depend on the directory cron happens to start in. */
    static Path absolute(String v, Where at, String keyword) throws ConfigException {
        Path p = path(v, at, keyword);
        if (!p.isAbsolute()) {
            throw at.error(keyword + ": '" + v + "' is not an absolute path (expected a path starting with /)");
        }
        return p;
    }

    /**
     * An absolute path that is also a path on the nodes (ContentDir, ConfigDir, LicenseFile), written in its one
     * form: '.', '..' and doubled slashes are refused with the form to write.
     */
    static Path nodePath(String v, Where at, String keyword) throws ConfigException {
        Path p = absolute(v, at, keyword);
        String problem = PathSpelling.problem(v);
        if (problem != null) {
            throw at.error(keyword + ": '" + v + "' " + problem + " (expected the path in its one form: "
                    + PathSpelling.normalized(v) + ")");
        }
        return p;
    }

    /** An absolute path or one under the home directory ({@code ~/...}), as in ssh_config. */
    static Path homeOrAbsolute(String v, Path home, Where at, String keyword) throws ConfigException {
        if (v.startsWith("~/")) {
            return home.resolve(path(v.substring(2), at, keyword));
        }
        Path p = path(v, at, keyword);
        if (!p.isAbsolute()) {
            throw at.error(keyword + ": '" + v + "' is not an absolute path (expected a path starting with / or ~/)");
        }
        return p;
    }

    private static Path path(String v, Where at, String keyword) throws ConfigException {
        if (v.isEmpty()) {
            throw at.error(keyword + ": empty path (expected a path)");
        }
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw at.error(keyword + ": '" + v + "' is not a valid path (" + e.getReason() + ")");
        }
    }
}
