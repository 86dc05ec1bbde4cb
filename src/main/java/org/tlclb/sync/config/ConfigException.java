package org.tlclb.sync.config;

import java.nio.file.Path;

public class ConfigException extends Exception {
    private final Path file;
    private final int line;
    public ConfigException(Path file, int line, String message) {
        super(message);
        this.file = file;
        this.line = line;
    }
    public Path file() { return file; }
    public int line() { return line; }
}
