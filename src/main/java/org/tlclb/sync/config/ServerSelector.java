package org.tlclb.sync.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns sync.conf's Servers and the {@code -w}/{@code -x} options into the nodes a run pushes to:
 * command line replaces the file, {@code -x} removes, and the source machine itself is dropped.
 */
public final class ServerSelector {
    static final int DEFAULT_PORT = 22;
    private static final String SERVERS_OPTION = "--servers";
    private static final String EXCLUDE_OPTION = "--exclude-servers";
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){3}");

    private ServerSelector() {}

    /**
     * @param servers        the {@code -w} value, or null to use {@code cfg.servers()}
     * @param excludeServers the {@code -x} value, or null
     * @param localNames     this machine's names and addresses (see {@link #localNames()})
     * @return targets in list order, without duplicates (same host and port) and without this
     *         machine; nosync entries are kept with {@code nosync = true} so the run can list them
     */
    public static List<NodeTarget> select(SyncConfig cfg, String servers, String excludeServers,
                                          Set<String> localNames) throws ConfigException {
        List<NodeTarget> list = servers == null ? fromConfig(cfg) : fromOption(cfg, servers);
        if (excludeServers != null) {
            list = exclude(list, excludeServers);
        }
        Set<String> local = new HashSet<>();
        for (String n : localNames) {
            local.add(key(n));
        }
        List<NodeTarget> out = new ArrayList<>();
        for (NodeTarget t : list) {
            boolean isLocal = (t.name() != null && local.contains(key(t.name()))) || local.contains(key(t.host()));
            if (!isLocal) {
                out.add(t);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static List<NodeTarget> fromConfig(SyncConfig cfg) {
        List<NodeTarget> out = new ArrayList<>();
        for (ServerEntry e : cfg.servers()) {
            out.add(target(cfg, e, null, null));
        }
        return dedupe(out);
    }

    private static List<NodeTarget> fromOption(SyncConfig cfg, String value) throws ConfigException {
        Map<String, ServerEntry> byName = new LinkedHashMap<>();
        for (ServerEntry e : cfg.servers()) {
            byName.put(e.name().toLowerCase(Locale.ROOT), e);
        }
        List<NodeTarget> out = new ArrayList<>();
        for (ServerList.Item item : ServerList.items(value, SERVERS_OPTION)) {
            HostSpec spec = HostSpec.parse(item.text(), item.at());
            // A Server name wins over a host of the same spelling: the admin wrote the name to mean it.
            ServerEntry named = spec.bracketed() ? null : byName.get(spec.host().toLowerCase(Locale.ROOT));
            if (named != null) {
                out.add(target(cfg, named, spec.user(), spec.port()));
            } else {
                String user = spec.user() != null ? spec.user() : cfg.user();
                int port = spec.port() != null ? spec.port() : DEFAULT_PORT;
                out.add(new NodeTarget(null, spec.host(), port, user, false));
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(SERVERS_OPTION, 0, "no servers given (expected " + HostSpec.FORMS + ", comma-separated, or @FILE)");
        }
        return dedupe(out);
    }

    /** Explicit user/port (from -w) override the entry's, which override sync.conf's User and port 22. */
    private static NodeTarget target(SyncConfig cfg, ServerEntry e, String user, Integer port) {
        String u = user != null ? user : e.user() != null ? e.user() : cfg.user();
        int p = port != null ? port : e.port() != null ? e.port() : DEFAULT_PORT;
        return new NodeTarget(e.name(), e.address(), p, u, e.nosync());
    }

    /** Two pushes into one node at once would race on the same files, so a node is kept once. */
    private static List<NodeTarget> dedupe(List<NodeTarget> list) {
        Map<String, NodeTarget> seen = new LinkedHashMap<>();
        for (NodeTarget t : list) {
            seen.putIfAbsent(key(t.host()) + "#" + t.port(), t);
        }
        return new ArrayList<>(seen.values());
    }

    private static List<NodeTarget> exclude(List<NodeTarget> list, String value) throws ConfigException {
        List<NodeTarget> out = new ArrayList<>(list);
        for (ServerList.Item item : ServerList.items(value, EXCLUDE_OPTION)) {
            String k = key(item.text());
            boolean removed = out.removeIf(t -> (t.name() != null && key(t.name()).equals(k)) || key(t.host()).equals(k));
            // A typo in -x would otherwise push to the node the admin meant to spare.
            if (!removed) {
                String known = list.stream().map(t -> t.name() != null ? t.name() : t.host()).collect(Collectors.joining(", "));
                throw item.at().error("'" + item.text() + "' matches no server in the list (expected a name or host of: "
                        + (known.isEmpty() ? "(none)" : known) + ")");
            }
        }
        return out;
    }

    /** Names compare case-insensitively; IP literals compare by value, so fe80:0::1 equals fe80::1. */
    static String key(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("[") && lower.endsWith("]")) {
            lower = lower.substring(1, lower.length() - 1);
        }
        boolean literal = IPV4.matcher(lower).matches() || (lower.indexOf(':') >= 0 && Values.isHost(lower));
        if (literal) {
            try {
                // Only literals reach here, and for a literal InetAddress parses without any DNS lookup.
                return InetAddress.getByName(lower).getHostAddress().toLowerCase(Locale.ROOT);
            } catch (IOException | RuntimeException e) {
                return lower;
            }
        }
        return lower;
    }

    /**
     * This machine's host name (full and short) and its non-loopback interface addresses.
     * Loopback addresses and "localhost" do not count: the lab cluster runs its nodes on
     * 127.0.0.11 and up, and those must not be skipped as "the source machine".
     */
    public static Set<String> localNames() {
        Set<String> names = new LinkedHashSet<>();
        try {
            InetAddress lh = InetAddress.getLocalHost();
            addName(names, lh.getHostName());
            if (!lh.isLoopbackAddress()) {
                addAddress(names, lh);
            }
        } catch (IOException | RuntimeException e) {
            // no resolvable host name: the interfaces and the kernel's name below still count
        }
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (!a.isLoopbackAddress()) {
                        addAddress(names, a);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // interfaces cannot be listed (sandbox): fall back to the names alone
        }
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                addName(names, Files.readString(kernel).strip());
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable
        }
        addName(names, System.getenv("HOSTNAME"));
        return Collections.unmodifiableSet(names);
    }

    private static void addName(Set<String> names, String name) {
        if (name == null || name.isBlank() || name.toLowerCase(Locale.ROOT).startsWith("localhost")) {
            return;
        }
        if (IPV4.matcher(name).matches() || name.indexOf(':') >= 0) {
            return; // an unresolved getHostName() returns the address; addresses are added with the loopback check
        }
        names.add(name);
        int dot = name.indexOf('.');
        if (dot > 0) {
            names.add(name.substring(0, dot));
        }
    }

    private static void addAddress(Set<String> names, InetAddress a) {
        String s = a.getHostAddress();
        int scope = s.indexOf('%');
        names.add(scope >= 0 ? s.substring(0, scope) : s);
    }
}
