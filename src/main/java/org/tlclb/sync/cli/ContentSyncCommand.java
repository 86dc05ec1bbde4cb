package org.tlclb.sync.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.PathSpelling;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.run.StateAreas;
import org.tlclb.sync.run.SyncUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** tlclb_content_sync: push a content tree to the same path on every node. */
@Command(name = "content-sync", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Push a content tree (default: ContentDir) to the same path on every node.",
                "Incremental (size+mtime, or --checksum), atomic per file, all-or-nothing across nodes."})
final class ContentSyncCommand implements Callable<Integer>, PushFlow.Kind {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "directory to push (default: ContentDir)")
    Path source;

    @Option(names = "--dest", paramLabel = "PATH", description = "absolute path on the nodes (default: the source's path)")
    String dest;

    @Mixin
    PushArgs args;

    ContentSyncCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        CliOutput out = new CliOutput(ctx, args.output, spec);
        return new PushFlow(ctx, out).run(this, args);
    }

    @Override
    public String name() {
        return "tlclb_content_sync";
    }

    @Override
    public void validate(SyncConfig cfg, CliOutput out) throws UsageError {
        String check = cfg.validate().get(HookTarget.CONTENT);
        if (check != null) {
            LocalValidation.require("Validate content", check, sourceDir(cfg), out.err());
        }
    }

    @Override
    public List<SyncUnit> units(SyncConfig cfg, boolean delete) throws UsageError {
        return List.of(unit(source, dest, cfg, delete));
    }

    /** The content unit of a push (and of check): SOURCE or ContentDir, to --dest or the same path. */
    static SyncUnit unit(Path source, String dest, SyncConfig cfg, boolean delete) throws UsageError {
        Path src = (source != null ? source : cfg.contentDir()).toAbsolutePath().normalize();
        if (src.getParent() == null) {
            throw new UsageError("refusing to push '/': name the directory to push (e.g. /var/www/html)");
        }
        if (!Files.isDirectory(src)) {
            throw new UsageError("source " + src + " is not a directory");
        }
        return new SyncUnit(src, destination(dest, src.toString()), null, delete);
    }

    /**
     * --dest as an absolute path without trailing slashes, never "/", written in its one form (no '.', '..' or '//':
     * the error gives the form to type) and not inside a state area.
     */
    static String destination(String dest, String fallback) throws UsageError {
        String d = dest != null ? dest : fallback;
        if (!d.startsWith("/")) {
            throw new UsageError("--dest must be an absolute path, not '" + d + "'");
        }
        String problem = PathSpelling.problem(d);
        if (problem != null) {
            String form = PathSpelling.normalized(d);
            throw new UsageError("--dest '" + d + "' " + problem + ": " + (form.equals("/")
                    ? "it names /, which is never a destination: name a directory" : "type --dest " + form));
        }
        d = PathSpelling.withoutTrailingSlashes(d);
        if (d.equals("/")) {
            throw new UsageError("--dest / would make every node's root directory the tree: name a directory");
        }
        String inside = StateAreas.inside(d).orElse(null);
        if (inside != null) {
            throw new UsageError("--dest " + inside);
        }
        return d;
    }

    private Path sourceDir(SyncConfig cfg) {
        return (source != null ? source : cfg.contentDir()).toAbsolutePath().normalize();
    }

    @Override
    public boolean defaultDelete() {
        return false;
    }

    @Override
    public boolean defaultBackup(SyncConfig cfg) {
        return cfg.backup() != null && cfg.backup();
    }

    @Override
    public HookTarget hookTarget() {
        return HookTarget.CONTENT;
    }
}
