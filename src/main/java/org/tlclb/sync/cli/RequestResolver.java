package org.tlclb.sync.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tlclb.sync.config.ConfigException;
import org.tlclb.sync.config.ConfigParser;
import org.tlclb.sync.config.HookTarget;
import org.tlclb.sync.config.HostKeyPolicy;
import org.tlclb.sync.config.Limit;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.MinNodes;
import org.tlclb.sync.config.OwnerSpec;
import org.tlclb.sync.config.Rolling;
import org.tlclb.sync.config.ServerSelector;
import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.scan.ExcludeRules;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.TrustPolicy;

/**
 * Options x sync.conf x defaults -> what the engine is asked to do. The one place where the
 * command line beats sync.conf and sync.conf beats the built-in defaults, and where every value a
 * user typed is checked against its range (exit 2, nothing contacted).
 */
final class RequestResolver {
    private static final Pattern RATE = Pattern.compile("(?i)(\\d{1,12}(?:\\.\\d{1,6})?)([kmgt]?)(?:i?b)?(?:/s)?");
    /** 1 TiB/s: more than any link, so anything above is a typo. */
    static final long MAX_RATE = 1L << 40;

    private RequestResolver() {
    }

    /** The file named with -c, else the default sync.conf when it exists, else the built-in defaults. */
    static SyncConfig config(ConfigOption option, StatePaths paths) throws ConfigException {
        if (option.file != null) {
            return ConfigParser.parse(option.file, paths.home());
        }
        if (Files.exists(paths.configFile())) {
            return ConfigParser.parse(paths.configFile(), paths.home());
        }
        return SyncConfig.defaults();
    }

    /** The nodes -w / -x / Servers name, without this machine; at least one. */
    static List<NodeTarget> nodes(SyncConfig cfg, NodeOptions o, StatePaths paths) throws ConfigException,
            UsageError {
        List<NodeTarget> nodes = ServerSelector.select(cfg, o.servers, o.excluded, ServerSelector.localNames());
        if (nodes.isEmpty()) {
            throw new UsageError("no nodes: add Server lines to " + (cfg.file() == null ? paths.configFile() : cfg.file())
                    + " or name them with -w");
        }
        return nodes;
    }

    static int parallel(ParallelOption o, SyncConfig cfg) throws UsageError {
        if (o.parallel == null) {
            return cfg.parallel();
        }
        return inRange("-j/--parallel", o.parallel, Limit.PARALLEL);
    }

    static SshOptions ssh(SyncConfig cfg, ConnectionOptions o, StatePaths paths, Prompter prompter)
            throws UsageError {
        TrustPolicy policy = null;
        HostKeyPolicy p;
        try {
            p = o.hostKeyPolicy != null ? HostKeyPolicy.parse(o.hostKeyPolicy) : cfg.hostKeyPolicy();
        } catch (IllegalArgumentException e) {
            throw new UsageError("--host-key-policy takes strict, ask or accept-new, not '" + o.hostKeyPolicy + "'");
        }
        if (p != null) {
            policy = TrustPolicy.valueOf(p.name());
        }
        List<Path> ids = new ArrayList<>(o.identities);
        ids.addAll(cfg.identityFiles());
        // null when neither names one: then each host's ssh_config ConnectTimeout (else the default) applies
        Duration timeout = o.connectTimeout != null
                ? Duration.ofSeconds(inRange("--connect-timeout", o.connectTimeout, Limit.CONNECT_TIMEOUT))
                : cfg.connectTimeoutSetting();
        int retries = o.retries != null ? inRange("--retries", o.retries, Limit.RETRIES)
                : cfg.retries();
        return new SshOptions(paths, prompter, o.knownHosts != null ? o.knownHosts : cfg.knownHosts(), policy, ids,
                timeout, retries);
    }

    static ExcludeRules excludes(SyncConfig cfg, CompareOptions o) throws UsageError {
        o.check();
        List<String> all = new ArrayList<>(cfg.excludes());
        for (String pattern : o.excludes) {
            if (pattern.isEmpty()) {
                throw new UsageError("--exclude needs a pattern");
            }
            all.add(pattern);
        }
        return ExcludeRules.of(all);
    }

    /** --partial-ok (one node), else --min-nodes, else MinNodes, else every node. */
    static MinNodes minNodes(PushOptions o, SyncConfig cfg) throws UsageError {
        if (o.minNodes != null) {
            if (o.partialOk) {
                throw new UsageError("--partial-ok is --min-nodes 1: give one of them");
            }
            return MinNodes.parse(o.minNodes).orElseThrow(() -> new UsageError("--min-nodes must be " + MinNodes.USAGE
                    + ", not '" + o.minNodes + "'"));
        }
        return o.partialOk ? MinNodes.ONE : cfg.minNodes();
    }

    /** --rolling, else the Rolling of this mode (or of both), else null: every node commits together. */
    static Rolling rolling(PushOptions o, SyncConfig cfg, HookTarget target) throws UsageError {
        if (o.rolling != null) {
            return Rolling.parse(o.rolling).orElseThrow(() -> new UsageError("--rolling must be " + Rolling.USAGE
                    + ", not '" + o.rolling + "'"));
        }
        return cfg.rolling(target);
    }

    static Integer maxDelete(PushOptions o, SyncConfig cfg) throws UsageError {
        if (o.maxDelete != null) {
            return inRange("--max-delete", o.maxDelete, Limit.MAX_DELETE);
        }
        return cfg.maxDelete();
    }

    static OwnerSpec owner(PushOptions o) throws ConfigException {
        return o.chown == null ? null : OwnerSpec.parse(o.chown);
    }

    /** --bwlimit in bytes per second, 0 without one. */
    static long bwlimit(PushOptions o) throws UsageError {
        if (o.bwlimit == null) {
            return 0;
        }
        Matcher m = RATE.matcher(o.bwlimit.trim());
        String range = " (1 byte/s to 1T: a number with K, M, G or T, such as 500K, 20M or 1G)";
        if (!m.matches()) {
            throw new UsageError("--bwlimit takes a rate, not '" + o.bwlimit + "'" + range);
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double rate = Double.parseDouble(m.group(1)) * (1L << shift);
        if (rate < 1 || rate > MAX_RATE) {
            throw new UsageError("--bwlimit " + o.bwlimit + " is out of range" + range);
        }
        return (long) rate;
    }

    private static int inRange(String option, int value, Limit limit) throws UsageError {
        if (!limit.allows(value)) {
            throw new UsageError(option + " must be " + limit.range() + ", not " + value);
        }
        return value;
    }
}
