package org.tlclb.sync.config;

/**
 * The numeric settings a run takes from the command line or sync.conf: the one table of their
 * ranges and built-in defaults, which the parser, the options' help and the checks of the command
 * line read, and which README's "Limits and defaults" table must match (a test compares them).
 */
public enum Limit {
    PARALLEL("Parallel", "N", "-j, --parallel", 1, Limit.MAX_PARALLEL, Limit.DEFAULT_PARALLEL),
    CONNECT_TIMEOUT("ConnectTimeout", "SECONDS", "--connect-timeout", 1, Limit.MAX_CONNECT_TIMEOUT, 10),
    RETRIES("Retries", "N", "--retries", 0, Limit.MAX_RETRIES, 2),
    BACKUP_KEEP("BackupKeep", "N", null, 1, Integer.MAX_VALUE, 5),
    /** No default: without one, the delete guard's own rule applies (README, Deletes). */
    MAX_DELETE("MaxDelete", "N", "--max-delete", 0, Integer.MAX_VALUE, null);

    /** Constants for the options' help (annotations need constants); the enum reads the same ones. */
    public static final int MAX_PARALLEL = 1024;
    public static final int DEFAULT_PARALLEL = 16;
    public static final int MAX_CONNECT_TIMEOUT = 86_400;
    public static final int MAX_RETRIES = 20;

    private final String keyword;
    private final String placeholder;
    private final String option;
    private final int min;
    private final int max;
    private final Integer defaultValue;

    Limit(String keyword, String placeholder, String option, int min, int max, Integer defaultValue) {
        this.keyword = keyword;
        this.placeholder = placeholder;
        this.option = option;
        this.min = min;
        this.max = max;
        this.defaultValue = defaultValue;
    }

    /** The sync.conf keyword. */
    public String keyword() {
        return keyword;
    }

    /** The command-line option, as its help names it, or null when only sync.conf sets it. */
    public String option() {
        return option;
    }

    /** What sync.conf's usage calls the value: N, SECONDS. */
    public String placeholder() {
        return placeholder;
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    /** The built-in default; throws for a setting that has none. */
    public int defaultValue() {
        if (defaultValue == null) {
            throw new IllegalStateException(keyword + " has no built-in default");
        }
        return defaultValue;
    }

    public boolean hasDefault() {
        return defaultValue != null;
    }

    /** "1..1024", or "1 or more" without an upper bound. */
    public String range() {
        return max == Integer.MAX_VALUE ? min + " or more" : min + ".." + max;
    }

    /** How sync.conf writes it, for errors: "Parallel N (1..1024)". */
    public String usage() {
        return keyword + " " + placeholder + " (" + range() + ")";
    }

    public boolean allows(long value) {
        return value >= min && value <= max;
    }
}
