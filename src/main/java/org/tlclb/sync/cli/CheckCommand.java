package org.tlclb.sync.cli;

import java.nio.file.Path;
import java.util.List;

import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.run.SyncUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** tlclb check: a read-only drift report for monitoring; exit 0 in sync, 1 drift (listed), 3 unreachable. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Compare the nodes with the source without changing anything.",
                "Exit 0: in sync; 1: drift found (listed); 3: a node could not be checked."})
final class CheckCommand extends SyncCommandBase {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "directory to compare (default: ContentDir)")
    Path source;

    @Option(names = "--dest", paramLabel = "PATH", description = "absolute path on the nodes (default: the source's path)")
    String dest;

    @Option(names = "--config-tree", description = "check ConfigDir and the license files instead of the content")
    boolean configTree;

    @Override
    boolean checkOnly() {
        return true;
    }

    @Override
    String commandName() {
        return "tlclb check";
    }

    @Override
    List<SyncUnit> units(SyncConfig cfg, boolean delete) throws UsageError {
        if (configTree) {
            return new ConfigSyncCommand().units(cfg, delete);
        }
        ContentSyncCommand c = new ContentSyncCommand();
        c.source = source;
        c.dest = dest;
        return c.units(cfg, delete);
    }

    @Override
    boolean defaultDelete() {
        // Extra files on a node are drift too.
        return true;
    }

    @Override
    boolean defaultBackup(SyncConfig cfg) {
        return false;
    }

    @Override
    HookTarget hookTarget() {
        return configTree ? HookTarget.CONFIG : HookTarget.CONTENT;
    }
}
