package org.tlclb.sync.config;

import java.time.Duration;

/**
 * What a rolling push runs around each node's commit, for one mode (content or config): {@code Drain}
 * and {@code Undrain} on the admin host, {@code HealthCheck} on the node (or, {@code healthLocal}, on
 * the admin host), retried every {@code healthInterval} until {@code healthTimeout}; {@code drainWait}
 * between drain and commit. A null command is not run.
 */
public record RolloutHooks(String drain, String undrain, String healthCheck, boolean healthLocal,
                           Duration healthTimeout, Duration healthInterval, Duration drainWait) {
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_DRAIN_WAIT = Duration.ZERO;
    public static final RolloutHooks NONE = new RolloutHooks(null, null, null, false, DEFAULT_HEALTH_TIMEOUT,
            DEFAULT_HEALTH_INTERVAL, DEFAULT_DRAIN_WAIT);

    public RolloutHooks {
        healthTimeout = healthTimeout == null ? DEFAULT_HEALTH_TIMEOUT : healthTimeout;
        healthInterval = healthInterval == null ? DEFAULT_HEALTH_INTERVAL : healthInterval;
        drainWait = drainWait == null ? DEFAULT_DRAIN_WAIT : drainWait;
    }
}
