package org.tlclb.sync.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything sync.conf can say ({@code maxDelete} null: the built-in guard; {@code minNodes}: how many
 * nodes must stage for a push to commit, {@link MinNodes#ALL} unless said; {@code rolling}: the batch
 * size of a rolling push per mode, absent when not said; {@code rolloutHooks}: its hooks per mode); null / empty means "not said in the file" where the default
 * depends on the command. Collections are copied and unmodifiable, so a config can be shared
 * between threads of a run.
 */
public record SyncConfig(
        Path file,
        List<ServerEntry> servers,
        Path contentDir,
        Path configDir,
        List<Path> licenseFiles,
        List<String> excludes,
        int parallel,
        String user,
        List<Path> identityFiles,
        Path knownHosts,
        HostKeyPolicy hostKeyPolicy,
        Duration connectTimeout,
        int retries,
        Boolean backup,
        int backupKeep,
        Integer maxDelete,
        MinNodes minNodes,
        Map<HookTarget, String> postSync,
        Map<HookTarget, String> validate,
        Path logFile,
        Map<HookTarget, Rolling> rolling,
        Map<HookTarget, RolloutHooks> rolloutHooks) {

    public static final Path DEFAULT_CONTENT_DIR = Path.of("/var/www/html");
    public static final Path DEFAULT_CONFIG_DIR = Path.of("/etc/clusterserver");
    public static final String DEFAULT_USER = "root";
    /** The connect timeout when neither the run nor ssh_config names one ({@link Limit#CONNECT_TIMEOUT}). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(Limit.CONNECT_TIMEOUT.defaultValue());

    public SyncConfig {
        servers = servers == null ? List.of() : List.copyOf(servers);
        licenseFiles = licenseFiles == null ? List.of() : List.copyOf(licenseFiles);
        excludes = excludes == null ? List.of() : List.copyOf(excludes);
        identityFiles = identityFiles == null ? List.of() : List.copyOf(identityFiles);
        postSync = postSync == null ? Map.of() : Map.copyOf(postSync);
        validate = validate == null ? Map.of() : Map.copyOf(validate);
        minNodes = minNodes == null ? MinNodes.ALL : minNodes;
        rolling = rolling == null ? Map.of() : Map.copyOf(rolling);
        rolloutHooks = rolloutHooks == null ? Map.of() : Map.copyOf(rolloutHooks);
    }

    /** The batch size of a rolling push of this mode, or null: every node commits together. */
    public Rolling rolling(HookTarget target) {
        return rolling.get(target);
    }

    /** Drain, Undrain, HealthCheck and their times for a rolling push of this mode. */
    public RolloutHooks rolloutHooks(HookTarget target) {
        return rolloutHooks.getOrDefault(target, RolloutHooks.NONE);
    }

    /** ConnectTimeout as the file says it, else the default (ssh_config may still set a host's own). */
    @Override
    public Duration connectTimeout() {
        return connectTimeout != null ? connectTimeout : DEFAULT_CONNECT_TIMEOUT;
    }

    /** ConnectTimeout as the file says it, or null when it does not (then ssh_config's applies per host). */
    public Duration connectTimeoutSetting() {
        return connectTimeout;
    }

    /** The built-in defaults, as if an empty sync.conf had been read. */
    public static SyncConfig defaults() {
        return new SyncConfig(null, List.of(), DEFAULT_CONTENT_DIR, DEFAULT_CONFIG_DIR, List.of(), List.of(),
                Limit.PARALLEL.defaultValue(), DEFAULT_USER, List.of(), null, null, null,
                Limit.RETRIES.defaultValue(), null, Limit.BACKUP_KEEP.defaultValue(), null, MinNodes.ALL, Map.of(), Map.of(),
                null, Map.of(), Map.of());
    }
}
