package org.tlclb.sync.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.run.SyncUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** tlclb_content_sync: push a content tree to the same path on every node. */
@Command(name = "content-sync", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Push a content tree (default: ContentDir) to the same path on every node.",
                "Incremental (size+mtime, or --checksum), atomic per file, all-or-nothing across nodes."})
final class ContentSyncCommand extends SyncCommandBase {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "directory to push (default: ContentDir)")
    Path source;

    @Option(names = "--dest", paramLabel = "PATH", description = "absolute path on the nodes (default: the source's path)")
    String dest;

    @Override
    String commandName() {
        return "tlclb_content_sync";
    }

    @Override
    List<SyncUnit> units(SyncConfig cfg, boolean delete) throws UsageError {
        Path src = (source != null ? source : cfg.contentDir()).toAbsolutePath().normalize();
        if (!Files.isDirectory(src)) {
            throw new UsageError("source " + src + " is not a directory");
        }
        String d = dest != null ? dest : src.toString();
        if (!d.startsWith("/")) {
            throw new UsageError("--dest must be an absolute path, not '" + d + "'");
        }
        while (d.length() > 1 && d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.equals("/")) {
            throw new UsageError("--dest / would make every node's root directory the tree: name a directory");
        }
        return List.of(new SyncUnit(src, d, null, delete));
    }

    @Override
    boolean defaultDelete() {
        return false;
    }

    @Override
    boolean defaultBackup(SyncConfig cfg) {
        return cfg.backup() != null && cfg.backup();
    }

    @Override
    HookTarget hookTarget() {
        return HookTarget.CONTENT;
    }
}
