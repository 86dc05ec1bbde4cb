package org.tlclb.sync.config;

import java.util.regex.Pattern;

/**
 * {@code --chown USER:GROUP}: the owner and group for what a run writes, each a name (resolved on
 * every node, where the numbers may differ) or a number; either may be absent ({@code USER},
 * {@code :GROUP}).
 */
public record OwnerSpec(String user, String group) {
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,10}");
    static final String USAGE = "USER:GROUP, USER or :GROUP (names or numbers)";

    /** Parses the option's value; the error names the value and the expected form. */
    public static OwnerSpec parse(String text) throws ConfigException {
        String[] parts = text.split(":", -1);
        if (parts.length > 2 || text.isEmpty()) {
            throw new ConfigException("--chown", 0, "bad value '" + text + "' (expected " + USAGE + ")");
        }
        String user = parts[0].isEmpty() ? null : parts[0];
        String group = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
        if (user == null && group == null) {
            throw new ConfigException("--chown", 0, "bad value '" + text + "' (expected " + USAGE + ")");
        }
        for (String part : new String[] {user, group}) {
            if (part != null && !NUMBER.matcher(part).matches() && !Values.isUser(part)) {
                throw new ConfigException("--chown", 0, "bad name '" + part + "' in '" + text + "' (expected " + USAGE
                        + ")");
            }
            if (part != null && NUMBER.matcher(part).matches() && Long.parseLong(part) > Integer.MAX_VALUE) {
                throw new ConfigException("--chown", 0, "'" + part + "' is out of range (0.." + Integer.MAX_VALUE + ")");
            }
        }
        return new OwnerSpec(user, group);
    }

    /** The number a part stands for when it is numeric, else -1 (a name, or absent). */
    public static int number(String part) {
        return part != null && NUMBER.matcher(part).matches() ? Integer.parseInt(part) : -1;
    }

    @Override
    public String toString() {
        return (user == null ? "" : user) + (group == null ? "" : ":" + group);
    }
}
