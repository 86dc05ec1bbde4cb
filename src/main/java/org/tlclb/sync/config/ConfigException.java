package org.tlclb.sync.config;

/**
 * A configuration error the user must fix, worded as {@code FILE:LINE: what was wrong and what was
 * expected} so editors and terminals can jump to it. Not line-specific errors (a missing file, a
 * bad {@code -w} value) read {@code FILE: ...} and have line 0.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    public ConfigException(String file, int line, String what) {
        this(file, line, what, null);
    }

    public ConfigException(String file, int line, String what, Throwable cause) {
        super((line > 0 ? file + ":" + line : file) + ": " + what, cause);
        this.file = file;
        this.line = line;
    }

    /** The file (or option, such as {@code --servers}) the error is in. */
    public String file() {
        return file;
    }

    /** The 1-based line, or 0 when the error is not about one line. */
    public int line() {
        return line;
    }
}
