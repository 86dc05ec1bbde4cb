package org.tlclb.sync.ssh.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One directive of an OpenSSH client configuration file, split as readconf.c splits it.
 *
 * @param file    the file it was read from
 * @param number  its 1-based line number
 * @param keyword the keyword in lower case
 * @param args    the arguments, quotes and escapes removed, up to a {@code #} comment
 * @param rest    the raw text after the keyword (ProxyCommand and ProxyJump take it whole)
 */
record ConfigLine(Path file, int number, String keyword, List<String> args, String rest) {

    ConfigLine {
        args = List.copyOf(args);
    }

    String where() {
        return file + " line " + number;
    }

    SshConfigException error(String what) {
        return new SshConfigException(where() + ": " + what);
    }

    /** The first argument; ssh refuses a keyword without one. */
    String first() throws SshConfigException {
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw error("missing argument for " + keyword);
        }
        return args.get(0);
    }
}
