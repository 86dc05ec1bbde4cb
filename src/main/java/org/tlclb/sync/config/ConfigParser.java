package org.tlclb.sync.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses sync.conf (SPEC section 2). Every problem is a {@link ConfigException} naming
 * {@code file:line} and what was expected; no input makes it throw anything else.
 */
public final class ConfigParser {
    private final String file;
    private final Path path;
    private final Draft draft = new Draft();
    /** Line where each single-valued setting was first given, to report a second one. */
    private final Map<String, Integer> firstSeen = new HashMap<>();
    private final ServersBlock servers;
    /** What {@code ~/} in a path means: the home of the run's state paths. */
    private final Path home;

    private ConfigParser(String file, Path path, Path home) {
        this.file = file;
        this.path = path;
        this.home = home;
        this.servers = new ServersBlock(file);
    }

    /**
     * Reads and parses a file; a missing or unreadable file is a ConfigException on line 0.
     *
     * @param home what {@code ~/} stands for in IdentityFile, KnownHosts and LogFile
     */
    public static SyncConfig parse(Path file, Path home) throws ConfigException {
        String name = file.toString();
        byte[] bytes = ConfigText.read(file, name, "a sync.conf file");
        return new ConfigParser(name, file, home).run(ConfigText.lines(bytes, name));
    }

    /** Reads and parses a file with {@code ~/} meaning the user's home (the JVM's user.home). */
    public static SyncConfig parse(Path file) throws ConfigException {
        return parse(file, Path.of(System.getProperty("user.home", "/")));
    }

    /** Parses text already in memory; {@code fileName} is used in error messages. */
    public static SyncConfig parse(String text, String fileName, Path home) throws ConfigException {
        return new ConfigParser(fileName, null, home).run(ConfigText.lines(text, fileName));
    }

    /** Parses text with {@code ~/} meaning the user's home (the JVM's user.home). */
    public static SyncConfig parse(String text, String fileName) throws ConfigException {
        return parse(text, fileName, Path.of(System.getProperty("user.home", "/")));
    }

    private SyncConfig run(List<String> lines) throws ConfigException {
        for (int i = 0; i < lines.size(); i++) {
            Where at = new Where(file, i + 1);
            List<String> words = Tokenizer.words(lines.get(i), file, i + 1);
            if (!words.isEmpty()) {
                line(words, at);
            }
        }
        servers.finish();
        return draft.build(path, servers.entries());
    }

    private void line(List<String> words, Where at) throws ConfigException {
        String word = words.get(0);
        Keyword kw = Keyword.lookup(word).orElseThrow(() -> unknown(word, at));
        List<String> args = words.subList(1, words.size());
        if (kw.arity >= 0 && args.size() != kw.arity) {
            throw wrongCount(kw, args.size(), at);
        }
        if (servers.handles(kw, args, at)) {
            return;
        }
        String v = args.isEmpty() ? null : args.get(0);
        switch (kw) {
            case CONTENT_DIR:
                once(kw.spelling, at);
                draft.contentDir = notRoot(Values.nodePath(v, at, kw.spelling), at, kw);
                break;
            case CONFIG_DIR:
                once(kw.spelling, at);
                draft.configDir = notRoot(Values.nodePath(v, at, kw.spelling), at, kw);
                break;
            case LICENSE_FILE:
                draft.licenseFiles.add(Values.nodePath(v, at, kw.spelling));
                break;
            case EXCLUDE:
                if (v.isEmpty()) {
                    throw at.error("Exclude: empty pattern (expected: " + kw.usage + ")");
                }
                draft.excludes.add(v);
                break;
            case PARALLEL:
                once(kw.spelling, at);
                draft.parallel = Values.intIn(v, Limit.PARALLEL, at);
                break;
            case USER:
                once(kw.spelling, at);
                if (!Values.isUser(v)) {
                    throw at.error("User: bad user name '" + v + "' (expected letters, digits, '.', '_' or '-', not starting with '-')");
                }
                draft.user = v;
                break;
            case IDENTITY_FILE:
                draft.identityFiles.add(Values.homeOrAbsolute(v, home, at, kw.spelling));
                break;
            case KNOWN_HOSTS:
                once(kw.spelling, at);
                draft.knownHosts = Values.homeOrAbsolute(v, home, at, kw.spelling);
                break;
            case HOST_KEY_POLICY:
                once(kw.spelling, at);
                try {
                    draft.hostKeyPolicy = HostKeyPolicy.parse(v);
                } catch (IllegalArgumentException e) {
                    throw at.error("HostKeyPolicy: bad value '" + v + "' (expected strict, ask or accept-new)");
                }
                break;
            case CONNECT_TIMEOUT:
                once(kw.spelling, at);
                draft.connectTimeout = Duration.ofSeconds(Values.intIn(v, Limit.CONNECT_TIMEOUT, at));
                break;
            case RETRIES:
                once(kw.spelling, at);
                draft.retries = Values.intIn(v, Limit.RETRIES, at);
                break;
            case BACKUP:
                once(kw.spelling, at);
                draft.backup = Values.bool(v, at, kw.spelling);
                break;
            case BACKUP_KEEP:
                once(kw.spelling, at);
                draft.backupKeep = Values.intIn(v, Limit.BACKUP_KEEP, at);
                break;
            case MAX_DELETE:
                once(kw.spelling, at);
                draft.maxDelete = Values.intIn(v, Limit.MAX_DELETE, at);
                break;
            case MIN_NODES:
                once(kw.spelling, at);
                draft.minNodes = MinNodes.parse(v).orElseThrow(() -> at.error("MinNodes: bad value '" + v
                        + "' (expected MinNodes " + MinNodes.USAGE + ")"));
                break;
            case POST_SYNC:
                hook(kw, draft.postSync, args, at);
                break;
            case VALIDATE:
                hook(kw, draft.validate, args, at);
                break;
            case ROLLING:
            case DRAIN:
            case UNDRAIN:
            case HEALTH_CHECK:
            case HEALTH_TIMEOUT:
            case HEALTH_INTERVAL:
            case DRAIN_WAIT:
                rollout(kw, args, at);
                break;
            case LOG_FILE:
                once(kw.spelling, at);
                draft.logFile = Values.homeOrAbsolute(v, home, at, kw.spelling);
                break;
            default:
                // Servers, Server and EndServers were taken by the ServersBlock above.
                throw at.error("internal: unhandled keyword " + kw.spelling);
        }
    }

    private void hook(Keyword kw, Map<HookTarget, String> map, List<String> args, Where at) throws ConfigException {
        HookTarget target;
        switch (args.get(0).toLowerCase(Locale.ROOT)) {
            case "content": target = HookTarget.CONTENT; break;
            case "config": target = HookTarget.CONFIG; break;
            default:
                throw at.error(kw.spelling + ": bad target '" + args.get(0) + "' (expected content or config: " + kw.usage + ")");
        }
        once(kw.spelling + " " + target.name().toLowerCase(Locale.ROOT), at);
        String cmd = args.get(1);
        if (cmd.isBlank()) {
            throw at.error(kw.spelling + ": empty command (expected: " + kw.usage + ")");
        }
        map.put(target, cmd);
    }

    /**
     * A rolling push's settings: an optional mode word, then the value ({@code HealthCheck} may say
     * {@code local} before its command). Without a mode word the value is for both modes.
     */
    private void rollout(Keyword kw, List<String> args, Where at) throws ConfigException {
        HookTarget target = null;
        List<String> rest = args;
        if (args.size() > 1) {
            target = switch (args.get(0).toLowerCase(Locale.ROOT)) {
                case "content" -> HookTarget.CONTENT;
                case "config" -> HookTarget.CONFIG;
                default -> null;
            };
            if (target != null) {
                rest = args.subList(1, args.size());
            }
        }
        boolean local = false;
        if (kw == Keyword.HEALTH_CHECK && rest.size() == 2 && rest.get(0).equalsIgnoreCase("local")) {
            local = true;
            rest = rest.subList(1, 2);
        }
        if (rest.size() != 1) {
            throw at.error(kw.spelling + " takes " + (rest.isEmpty() ? "a value" : "one value after the mode word, got "
                    + rest.size()) + " (expected: " + kw.usage + ")" + (rest.size() > 1 ? "; quote a command that"
                    + " contains spaces" : ""));
        }
        once(kw.spelling + (target == null ? "" : " " + target.name().toLowerCase(Locale.ROOT)), at);
        String v = rest.get(0);
        switch (kw) {
            case ROLLING -> draft.rolling.put(target, Rolling.parse(v).orElseThrow(() -> at.error("Rolling: bad value '"
                    + v + "' (expected Rolling " + Rolling.USAGE + ")")));
            case DRAIN -> draft.drain.put(target, command(kw, v, at));
            case UNDRAIN -> draft.undrain.put(target, command(kw, v, at));
            case HEALTH_CHECK -> draft.healthCheck.put(target, new HealthCommand(command(kw, v, at), local));
            case HEALTH_TIMEOUT -> draft.healthTimeout.put(target,
                    Duration.ofSeconds(Values.intIn(v, 1, 86_400, at, kw.spelling, "seconds, 1..86400")));
            case HEALTH_INTERVAL -> draft.healthInterval.put(target,
                    Duration.ofSeconds(Values.intIn(v, 1, 3_600, at, kw.spelling, "seconds, 1..3600")));
            case DRAIN_WAIT -> draft.drainWait.put(target,
                    Duration.ofSeconds(Values.intIn(v, 0, 86_400, at, kw.spelling, "seconds, 0..86400")));
            default -> throw at.error("internal: unhandled keyword " + kw.spelling);
        }
    }

    private static String command(Keyword kw, String v, Where at) throws ConfigException {
        if (v.isBlank()) {
            throw at.error(kw.spelling + ": empty command (expected: " + kw.usage + ")");
        }
        return v;
    }

    /** A HealthCheck line's command and where it runs. */
    private record HealthCommand(String command, boolean local) {
    }

    /** A second ContentDir etc. is refused rather than silently winning: which one did the admin mean? */
    private void once(String setting, Where at) throws ConfigException {
        Integer first = firstSeen.putIfAbsent(setting.toLowerCase(Locale.ROOT), at.line());
        if (first != null) {
            throw at.error(setting + " is given twice (first at line " + first + "; expected it once)");
        }
    }

    /** Pushing "/" with delete on would wipe a node; no honest configuration means that. */
    private static Path notRoot(Path p, Where at, Keyword kw) throws ConfigException {
        if (p.getParent() == null) {
            throw at.error(kw.spelling + ": refusing '" + p + "' (expected a directory below /)");
        }
        return p;
    }

    private static ConfigException unknown(String word, Where at) {
        String shown = word.length() > 40 ? word.substring(0, 40) + "..." : word;
        String hint = Keyword.nearest(word).map(k -> "; did you mean '" + k.spelling + "'?").orElse("");
        return at.error("unknown keyword '" + shown + "' (expected one of: " + Keyword.ALL + ")" + hint);
    }

    private static ConfigException wrongCount(Keyword kw, int got, Where at) {
        String want = kw.arity == 0 ? "no value" : kw.arity == 1 ? "one value" : kw.arity + " values";
        String quoteHint = got > kw.arity && kw.arity > 0 ? "; quote a value that contains spaces" : "";
        return at.error(kw.spelling + " takes " + want + ", got " + got + " (expected: " + kw.usage + ")" + quoteHint);
    }

    /** The settings collected so far, starting from the built-in defaults. */
    private static final class Draft {
        private final SyncConfig d = SyncConfig.defaults();
        Path contentDir = d.contentDir();
        Path configDir = d.configDir();
        final List<Path> licenseFiles = new ArrayList<>();
        final List<String> excludes = new ArrayList<>();
        int parallel = d.parallel();
        String user = d.user();
        final List<Path> identityFiles = new ArrayList<>();
        Path knownHosts;
        HostKeyPolicy hostKeyPolicy;
        Duration connectTimeout; // null: not said, so ssh_config's ConnectTimeout (else the default) applies
        int retries = d.retries();
        Boolean backup;
        int backupKeep = d.backupKeep();
        Integer maxDelete;
        MinNodes minNodes;
        final Map<HookTarget, String> postSync = new EnumMap<>(HookTarget.class);
        final Map<HookTarget, String> validate = new EnumMap<>(HookTarget.class);
        Path logFile;
        final ModeValues<Rolling> rolling = new ModeValues<>();
        final ModeValues<String> drain = new ModeValues<>();
        final ModeValues<String> undrain = new ModeValues<>();
        final ModeValues<HealthCommand> healthCheck = new ModeValues<>();
        final ModeValues<Duration> healthTimeout = new ModeValues<>();
        final ModeValues<Duration> healthInterval = new ModeValues<>();
        final ModeValues<Duration> drainWait = new ModeValues<>();

        SyncConfig build(Path file, List<ServerEntry> servers) {
            return new SyncConfig(file, servers, contentDir, configDir, licenseFiles, excludes, parallel, user,
                    identityFiles, knownHosts, hostKeyPolicy, connectTimeout, retries, backup, backupKeep,
                    maxDelete, minNodes, postSync, validate, logFile, rollingByMode(), hooksByMode());
        }

        private Map<HookTarget, Rolling> rollingByMode() {
            Map<HookTarget, Rolling> out = new EnumMap<>(HookTarget.class);
            for (HookTarget t : HookTarget.values()) {
                if (rolling.get(t) != null) {
                    out.put(t, rolling.get(t));
                }
            }
            return out;
        }

        private Map<HookTarget, RolloutHooks> hooksByMode() {
            Map<HookTarget, RolloutHooks> out = new EnumMap<>(HookTarget.class);
            for (HookTarget t : HookTarget.values()) {
                HealthCommand h = healthCheck.get(t);
                RolloutHooks hooks = new RolloutHooks(drain.get(t), undrain.get(t), h == null ? null : h.command(),
                        h != null && h.local(), healthTimeout.get(t), healthInterval.get(t), drainWait.get(t));
                if (!hooks.equals(RolloutHooks.NONE)) {
                    out.put(t, hooks);
                }
            }
            return out;
        }
    }
}
