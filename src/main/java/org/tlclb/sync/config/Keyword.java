package org.tlclb.sync.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The keywords of sync.conf, with the usage line each error quotes. */
enum Keyword {
    SERVERS("Servers", 0, "Servers"),
    SERVER("Server", -1, "Server NAME [USER@]ADDRESS[:PORT] [direct|tunnel|nat|noping|nosync] [port=N] [user=NAME]"),
    END_SERVERS("EndServers", 0, "EndServers"),
    CONTENT_DIR("ContentDir", 1, "ContentDir /ABSOLUTE/PATH"),
    CONFIG_DIR("ConfigDir", 1, "ConfigDir /ABSOLUTE/PATH"),
    LICENSE_FILE("LicenseFile", 1, "LicenseFile /ABSOLUTE/PATH"),
    EXCLUDE("Exclude", 1, "Exclude PATTERN"),
    PARALLEL("Parallel", 1, Limit.PARALLEL.usage()),
    USER("User", 1, "User NAME"),
    IDENTITY_FILE("IdentityFile", 1, "IdentityFile PATH (absolute or ~/...)"),
    KNOWN_HOSTS("KnownHosts", 1, "KnownHosts PATH (absolute or ~/...)"),
    HOST_KEY_POLICY("HostKeyPolicy", 1, "HostKeyPolicy strict|ask|accept-new"),
    CONNECT_TIMEOUT("ConnectTimeout", 1, Limit.CONNECT_TIMEOUT.usage()),
    RETRIES("Retries", 1, Limit.RETRIES.usage()),
    BACKUP("Backup", 1, "Backup yes|no"),
    BACKUP_KEEP("BackupKeep", 1, Limit.BACKUP_KEEP.usage()),
    MAX_DELETE("MaxDelete", 1, Limit.MAX_DELETE.usage()),
    MIN_NODES("MinNodes", 1, "MinNodes N|P% (nodes that must stage for a push to commit; default all)"),
    POST_SYNC("PostSync", 2, "PostSync content|config \"COMMAND\""),
    VALIDATE("Validate", 2, "Validate content|config \"COMMAND\""),
    ROLLING("Rolling", -1, "Rolling [content|config] N|P% (nodes committed at once; default: all together)"),
    DRAIN("Drain", -1, "Drain [content|config] \"COMMAND\" (run on this host before a node's commit)"),
    UNDRAIN("Undrain", -1, "Undrain [content|config] \"COMMAND\" (run on this host once the node is healthy)"),
    HEALTH_CHECK("HealthCheck", -1, "HealthCheck [content|config] [local] \"COMMAND\" (run on the node, or with"
            + " local on this host)"),
    HEALTH_TIMEOUT("HealthTimeout", -1, "HealthTimeout [content|config] SECONDS (1..86400; default 30)"),
    HEALTH_INTERVAL("HealthInterval", -1, "HealthInterval [content|config] SECONDS (1..3600; default 2)"),
    DRAIN_WAIT("DrainWait", -1, "DrainWait [content|config] SECONDS (0..86400; default 0)"),
    LOG_FILE("LogFile", 1, "LogFile PATH (absolute or ~/...)");

    static final String ALL = Arrays.stream(values()).map(k -> k.spelling).collect(Collectors.joining(", "));

    final String spelling;
    /** Number of values after the keyword, or -1 when the keyword checks its own. */
    final int arity;
    final String usage;

    Keyword(String spelling, int arity, String usage) {
        this.spelling = spelling;
        this.arity = arity;
        this.usage = usage;
    }

    /** Keywords are case-insensitive, as in the load balancer's configuration file. */
    static Optional<Keyword> lookup(String word) {
        for (Keyword k : values()) {
            if (k.spelling.equalsIgnoreCase(word)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The keyword a typo most likely meant, if one is within two edits. */
    static Optional<Keyword> nearest(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        Keyword best = null;
        int bestDistance = 3;
        for (Keyword k : values()) {
            int d = distance(w, k.spelling.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return 3; // cannot be within two edits; also keeps the cost bounded for long garbage words
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
