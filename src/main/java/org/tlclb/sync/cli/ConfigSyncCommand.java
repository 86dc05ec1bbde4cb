package org.tlclb.sync.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.run.SyncUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * tlclb_config_sync: push ConfigDir and every LicenseFile, so that every node is configured the
 * same way and licensed to run. Delete and backup are on by default, and a configuration that
 * does not validate is never pushed.
 */
@Command(name = "config-sync", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Push ConfigDir (default /etc/clusterserver) and every LicenseFile to every node.",
                "Validates first; delete and backup are on by default."})
final class ConfigSyncCommand implements Callable<Integer>, PushFlow.Kind {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    PushArgs args;

    ConfigSyncCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        CliOutput out = new CliOutput(ctx, args.output, spec);
        return new PushFlow(ctx, out).run(this, args);
    }

    @Override
    public String name() {
        return "tlclb_config_sync";
    }

    @Override
    public void validate(SyncConfig cfg, CliOutput out) throws UsageError {
        if (!Files.isDirectory(cfg.configDir())) {
            throw new UsageError("ConfigDir " + cfg.configDir() + " is not a directory");
        }
        for (Path lic : cfg.licenseFiles()) {
            if (!Files.isRegularFile(lic) || !Files.isReadable(lic)) {
                throw new UsageError("LicenseFile " + lic + " does not exist or is not readable; nothing was pushed");
            }
        }
        String check = cfg.validate().get(HookTarget.CONFIG);
        if (check != null) {
            LocalValidation.require("Validate config", check, cfg.configDir(), out.err());
        }
    }

    @Override
    public List<SyncUnit> units(SyncConfig cfg, boolean delete) {
        return configUnits(cfg, delete);
    }

    /** ConfigDir, and each license file outside it as a single-file unit of its directory. */
    static List<SyncUnit> configUnits(SyncConfig cfg, boolean delete) {
        List<SyncUnit> units = new ArrayList<>();
        Path dir = cfg.configDir().toAbsolutePath().normalize();
        units.add(new SyncUnit(dir, dir.toString(), null, delete));
        Map<Path, Set<String>> byDir = new LinkedHashMap<>();
        for (Path lic : cfg.licenseFiles()) {
            Path abs = lic.toAbsolutePath().normalize();
            if (abs.startsWith(dir)) {
                continue; // already part of the ConfigDir tree
            }
            byDir.computeIfAbsent(abs.getParent(), k -> new LinkedHashSet<>()).add(abs.getFileName().toString());
        }
        byDir.forEach((parent, names) -> units.add(new SyncUnit(parent, parent.toString(), Set.copyOf(names), false)));
        return units;
    }

    @Override
    public boolean defaultDelete() {
        return true;
    }

    @Override
    public boolean defaultBackup(SyncConfig cfg) {
        return cfg.backup() == null || cfg.backup();
    }

    @Override
    public HookTarget hookTarget() {
        return HookTarget.CONFIG;
    }
}
