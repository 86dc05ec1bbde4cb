package org.tlclb.sync.cli;

import java.util.concurrent.Callable;

import org.tlclb.sync.report.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * tlclb: the helpers, and the two sync commands under their short names. The subcommands are
 * registered here, statically, so that generated man pages and shell completion see them all.
 */
@Command(name = "tlclb", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Keep the machines of a cluster identical: push content and configuration over SSH.",
        subcommands = {ContentSyncCommand.class, ConfigSyncCommand.class, CheckCommand.class, RollbackCommand.class,
                StatusCommand.class, KeysCommand.class, NodeCommand.class})
final class TlclbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** {@code tlclb} alone: the usage, on stderr, and exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
