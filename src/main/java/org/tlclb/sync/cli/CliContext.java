package org.tlclb.sync.cli;

import java.util.function.Supplier;

import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.ssh.Prompter;

/**
 * What every command gets from outside instead of from globals: the machine's state paths, the
 * terminal (asked for lazily: opening /dev/tty is only tried when a question may come), and the
 * name the user typed, for messages.
 *
 * @param prog the launcher's name: tlclb, tlclb_content_sync or tlclb_config_sync
 */
record CliContext(StatePaths paths, Supplier<Prompter> terminal, String prog) {

    /** This process: its environment, its controlling terminal, the name the launcher passed. */
    static CliContext system() {
        return new CliContext(StatePaths.current(), TtyPrompter::open, System.getProperty("tlclb.prog", "tlclb"));
    }
}
