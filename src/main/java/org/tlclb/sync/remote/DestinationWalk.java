package org.tlclb.sync.remote;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a destination's path on a node once, at the start of a run, the way OpenSSH's
 * StrictModes and systemd's {@code chase()} with {@code CHASE_SAFE} judge a path: every directory
 * above the destination must be {@link Trust#sealed sealed} (so nobody but root or the login user
 * can swap what is below it during the run), and a symlink on the way is followed only when root
 * or the login user owns it (it sits in a sealed directory by then). A root-owned link such as a
 * release switch ({@code live -> releases/42}) keeps working; a link in a directory that a web
 * application's user can write is refused, naming the component.
 *
 * <p>The run then works on the resolved path only: since every directory above it is sealed, the
 * path stays the directory the walk found for the whole run. Whether the destination itself is
 * sealed decides how its entries are reached ({@link NodePaths}).
 */
public final class DestinationWalk {
    /** As the kernel's limit on links followed in one lookup (40), with margin. */
    private static final int MAX_LINKS = 32;

    private DestinationWalk() {
    }

    /**
     * Where the walk ended.
     *
     * @param path     the destination's absolute path with no symlink in it
     * @param stat     what the destination is ({@link NodeStat.Kind#MISSING} when the run must make it)
     * @param existing the deepest directory of the path that exists (the destination itself when it does)
     */
    public record Resolved(String path, NodeStat stat, String existing) {
        public boolean exists() {
            return stat.kind() != NodeStat.Kind.MISSING;
        }
    }

    /** The destination's path cannot be trusted: nothing may be written through it. */
    public static final class Unsafe extends Exception {
        private static final long serialVersionUID = 1L;
        private final String component;

        public Unsafe(String dest, String component, String why) {
            super("refusing the destination " + dest + ": on its way, " + component + " " + why
                    + ", so whoever controls it could swap what the run writes for a link at any moment; push to a"
                    + " path whose directories only root or the login user can change, or log in as their owner");
            this.component = component;
        }

        /** The path of the component that was refused. */
        public String component() {
            return component;
        }
    }

    /**
     * @param dest     the destination as typed: absolute, without "." or ".." components
     * @param loginUid the uid the run logs in as on the node (-1 when unknown: only root is trusted)
     * @throws IOException when the node cannot be asked, or the destination is not a directory
     */
    public static Resolved resolve(String dest, int loginUid, PathLookup lookup) throws IOException, Unsafe {
        if (!dest.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + dest);
        }
        Map<String, NodeStat> seen = new HashMap<>(lookup.lstat(prefixes(dest)));
        NodeStat rootStat = stat(seen, "/", lookup);
        if (!rootStat.isDir() || !Trust.sealed(rootStat.uid(), rootStat.mode(), loginUid)) {
            throw new Unsafe(dest, "/", Trust.whyOpen(rootStat.uid(), rootStat.mode(), loginUid));
        }
        Deque<String> todo = new ArrayDeque<>(components(dest));
        String at = "/";
        NodeStat atStat = rootStat;
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                at = parent(at); // every directory above was checked on the way down
                atStat = stat(seen, at, lookup);
                continue;
            }
            String p = join(at, c);
            NodeStat st = stat(seen, p, lookup);
            switch (st.kind()) {
                case MISSING -> {
                    List<String> rest = new ArrayList<>();
                    rest.add(c);
                    rest.addAll(todo);
                    String made = at;
                    for (String r : rest) {
                        if (r.equals("..") || r.equals(".")) {
                            throw new Unsafe(dest, p, "does not exist and a link leads through it");
                        }
                        made = join(made, r);
                    }
                    return new Resolved(made, NodeStat.MISSING, at);
                }
                case LINK -> {
                    if (!Trust.trustedOwner(st.uid(), loginUid)) {
                        throw new Unsafe(dest, p, "is a symlink owned by uid " + st.uid());
                    }
                    if (++links > MAX_LINKS) {
                        throw new Unsafe(dest, p, "leads through too many symlinks");
                    }
                    String target = lookup.readLink(p);
                    if (target.isEmpty()) {
                        throw new IOException("cannot follow " + p + ": an empty symlink");
                    }
                    List<String> parts = components(target);
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        todo.push(parts.get(i));
                    }
                    if (target.startsWith("/")) {
                        at = "/";
                        atStat = rootStat;
                    }
                    prefetch(seen, at, todo, lookup);
                }
                case OTHER -> throw new IOException((todo.isEmpty() ? "destination " : "") + p
                        + " exists on the node but is not a directory");
                case DIR -> {
                    if (!todo.isEmpty() && !Trust.sealed(st.uid(), st.mode(), loginUid)) {
                        throw new Unsafe(dest, p, "is " + Trust.whyOpen(st.uid(), st.mode(), loginUid));
                    }
                    at = p;
                    atStat = st;
                }
            }
        }
        return new Resolved(at, atStat, at);
    }

    /** Asks for every path the rest of the walk will look at, in one exchange. */
    private static void prefetch(Map<String, NodeStat> seen, String at, Deque<String> todo, PathLookup lookup)
            throws IOException {
        List<String> ask = new ArrayList<>();
        String p = at;
        for (String c : todo) {
            if (c.equals(".") || c.equals("..")) {
                break; // where ".." leads depends on what the links are
            }
            p = join(p, c);
            if (!seen.containsKey(p)) {
                ask.add(p);
            }
        }
        if (!ask.isEmpty()) {
            seen.putAll(lookup.lstat(ask));
        }
    }

    private static NodeStat stat(Map<String, NodeStat> seen, String p, PathLookup lookup) throws IOException {
        NodeStat s = seen.get(p);
        if (s == null) {
            s = lookup.lstat(List.of(p)).getOrDefault(p, NodeStat.MISSING);
            seen.put(p, s);
        }
        return s;
    }

    /** "/", "/var", "/var/www", "/var/www/html" for "/var/www/html". */
    static List<String> prefixes(String path) {
        List<String> out = new ArrayList<>();
        out.add("/");
        String p = "/";
        for (String c : components(path)) {
            p = join(p, c);
            out.add(p);
        }
        return out;
    }

    static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    private static String join(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    private static String parent(String p) {
        int slash = p.lastIndexOf('/');
        return slash <= 0 ? "/" : p.substring(0, slash);
    }
}
