package org.tlclb.sync.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

public record SyncConfig(Path file, List<ServerEntry> servers, Path contentDir, Path configDir, List<Path> licenseFiles,
                         List<String> excludes, int parallel, String user, List<Path> identityFiles, Path knownHosts,
                         HostKeyPolicy hostKeyPolicy, Duration connectTimeout, int retries, Boolean backup, int backupKeep,
                         Map<HookTarget, String> postSync, Map<HookTarget, String> validate, Path logFile) {
    public static SyncConfig defaults() {
        return new SyncConfig(null, List.of(), Path.of("/var/www/html"), Path.of("/etc/clusterserver"), List.of(), List.of(),
                16, "root", List.of(), null, null, Duration.ofSeconds(10), 2, null, 5, Map.of(), Map.of(), null);
    }
}
