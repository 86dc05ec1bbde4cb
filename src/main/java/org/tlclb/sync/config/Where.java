package org.tlclb.sync.config;

/** A place in a config file, so value checks can build {@code file:line:} errors without passing two arguments around. */
record Where(String file, int line) {
    ConfigException error(String what) {
        return new ConfigException(file, line, what);
    }
}
