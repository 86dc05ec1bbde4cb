package org.tlclb.sync.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.run.SyncUnit;
import picocli.CommandLine.Command;

/**
 * tlclb_config_sync: push ConfigDir and every LicenseFile, so that every node is configured the
 * same way and licensed to run. Delete and backup are on by default, and a configuration that
 * does not validate is never pushed.
 */
@Command(name = "config-sync", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Push ConfigDir (default /etc/clusterserver) and every LicenseFile to every node.",
                "Validates first; delete and backup are on by default."})
final class ConfigSyncCommand extends SyncCommandBase {

    @Override
    String commandName() {
        return "tlclb_config_sync";
    }

    @Override
    void validate(SyncConfig cfg) throws UsageError {
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
            int status = runLocal(check);
            if (status != 0) {
                throw new UsageError("Validate config \"" + check + "\" exited " + status
                        + ": the configuration is not pushed; fix it and run again");
            }
        }
    }

    @Override
    List<SyncUnit> units(SyncConfig cfg, boolean delete) {
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
    boolean defaultDelete() {
        return true;
    }

    @Override
    boolean defaultBackup(SyncConfig cfg) {
        return cfg.backup() == null || cfg.backup();
    }

    @Override
    HookTarget hookTarget() {
        return HookTarget.CONFIG;
    }

    private int runLocal(String command) throws UsageError {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command).inheritIO().start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UsageError("cannot run Validate config \"" + command + "\": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
