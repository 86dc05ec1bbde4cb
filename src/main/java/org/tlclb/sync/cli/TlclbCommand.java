package org.tlclb.sync.cli;

import picocli.CommandLine.Command;

/** tlclb: the helpers, and the two sync commands under their short names. */
@Command(name = "tlclb", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Keep the machines of a cluster identical: push content and configuration over SSH.",
        subcommands = {ContentSyncCommand.class, ConfigSyncCommand.class, CheckCommand.class, RollbackCommand.class,
                KeysCommand.class, NodeCommand.class})
final class TlclbCommand {
}
