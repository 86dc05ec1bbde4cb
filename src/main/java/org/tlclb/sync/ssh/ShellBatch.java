package org.tlclb.sync.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.tlclb.sync.scan.RawNames;

/**
 * What SFTP version 3 cannot do on a node, done by its shell in one batch: read an entry's true
 * mtime, inode and link count (GNU {@code stat}), and set a time SFTP cannot carry (GNU
 * {@code touch -h -d @SECONDS}, which never follows a link, then {@code stat} reads back what was
 * stored). One {@code sh -s} per batch over an exec channel, the script on its standard input (no
 * command-line limit); every name in it is a word of {@link RemoteShell#quote}. Used only for the
 * entries that need it, so a usual tree costs nothing here.
 *
 * <p>{@link #touch} works from inside each entry's directory, entered with {@code cd -P} and
 * checked with {@code pwd -P} against the destination as resolved at the start: whoever can write
 * a directory of the tree cannot make it set a time outside the tree by swapping a directory for a
 * link, since the last name is looked up in the directory that was checked and never followed.
 */
public final class ShellBatch {
    /** What {@code stat} says of one entry (not following a link). */
    public record Stat(long inode, long links, long mtime) {
    }

    /** Paths per {@code stat} or {@code touch} command, well below any argument limit. */
    private static final int WORDS_PER_COMMAND = 200;

    private final ClientSession session;
    private final String root;
    private final Duration timeout;

    /**
     * @param root    the destination on the node (absolute); paths are relative to it, "" for itself
     * @param timeout the longest the node may stay silent
     */
    public ShellBatch(ClientSession session, String root, Duration timeout) {
        this.session = session;
        this.root = root;
        this.timeout = timeout;
    }

    /**
     * The lstat of each path; a path the node could not stat (gone, not readable) is absent.
     *
     * @throws IOException the node has no shell or no GNU stat, or stopped answering
     */
    public Map<String, Stat> stat(Collection<String> paths) throws IOException {
        return parseStat(run(statScript(root, paths)));
    }

    /** The script of {@link #stat}: the destination its working directory, one stat per 200 names. */
    static String statScript(String root, Collection<String> paths) {
        StringBuilder script = new StringBuilder(start(root, "stat"));
        List<String> words = new ArrayList<>();
        for (String p : paths) {
            words.add(RemoteShell.quote(p.isEmpty() ? "." : p));
        }
        for (int i = 0; i < words.size(); i += WORDS_PER_COMMAND) {
            script.append("stat --printf '%i %h %Y %n\\0' -- ")
                    .append(String.join(" ", words.subList(i, Math.min(words.size(), i + WORDS_PER_COMMAND))))
                    .append(" 2>/dev/null\n");
        }
        script.append("exit 0\n");
        return script.toString();
    }

    /** What {@link #statScript} printed: "inode links mtime name" records, NUL-terminated. */
    static Map<String, Stat> parseStat(byte[] output) {
        Map<String, Stat> out = new HashMap<>();
        for (String rec : records(output)) {
            String[] f = rec.split(" ", 4);
            if (f.length == 4) {
                try {
                    out.put(f[3].equals(".") ? "" : f[3],
                            new Stat(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
                } catch (NumberFormatException e) {
                    // not a line of ours
                }
            }
        }
        return out;
    }

    /**
     * Sets the modification (and access) time of each path to the given seconds, without following
     * a link, and returns the mtime each has afterwards as the node reads it back; a path it could
     * not reach (gone, its directory swapped for a link) is absent.
     *
     * @throws IOException the node has no shell, or stopped answering
     */
    public Map<String, Long> touch(Map<String, Long> times) throws IOException {
        List<String> dirs = new ArrayList<>();
        return parseTouch(run(touchScript(root, times, dirs)), dirs, times);
    }

    /** The script of {@link #touch}; {@code dirs} gets the directories in the order their records are numbered. */
    static String touchScript(String root, Map<String, Long> times, List<String> dirs) {
        // By directory, then by time: one cd and one check per directory, one touch per time there.
        Map<String, Map<Long, List<String>>> byDir = new TreeMap<>();
        for (Map.Entry<String, Long> e : times.entrySet()) {
            String p = e.getKey();
            int slash = p.lastIndexOf('/');
            String dir = p.isEmpty() ? "" : slash < 0 ? "" : p.substring(0, slash);
            String name = p.isEmpty() ? "." : p.substring(slash + 1);
            byDir.computeIfAbsent(dir, d -> new TreeMap<>()).computeIfAbsent(e.getValue(), t -> new ArrayList<>())
                    .add(name);
        }
        StringBuilder script = new StringBuilder(start(root, "touch stat")).append("R=$(pwd -P) || exit 3\n");
        dirs.addAll(byDir.keySet());
        for (int d = 0; d < dirs.size(); d++) {
            String dir = dirs.get(d);
            String there = dir.isEmpty() ? "\"$R\"" : "\"$R\"/" + RemoteShell.quote(dir);
            script.append("if cd -P -- ").append(there).append(" 2>/dev/null && [ \"$(pwd -P)\" = ").append(there)
                    .append(" ]; then\n");
            List<String> all = new ArrayList<>();
            for (Map.Entry<Long, List<String>> t : byDir.get(dir).entrySet()) {
                List<String> names = t.getValue().stream().map(RemoteShell::quote).toList();
                all.addAll(names);
                for (int i = 0; i < names.size(); i += WORDS_PER_COMMAND) {
                    script.append("  touch -h -d @").append(t.getKey()).append(" -- ")
                            .append(String.join(" ", names.subList(i, Math.min(names.size(), i + WORDS_PER_COMMAND))))
                            .append(" 2>/dev/null\n");
                }
            }
            script.append("  printf 'd").append(d).append("\\0'\n");
            for (int i = 0; i < all.size(); i += WORDS_PER_COMMAND) {
                script.append("  stat --printf '%Y %n\\0' -- ")
                        .append(String.join(" ", all.subList(i, Math.min(all.size(), i + WORDS_PER_COMMAND))))
                        .append(" 2>/dev/null\n");
            }
            script.append("fi\n");
        }
        script.append("exit 0\n");
        return script.toString();
    }

    /** What {@link #touchScript} printed: "d<index>" before each directory's "mtime name" records. */
    static Map<String, Long> parseTouch(byte[] output, List<String> dirs, Map<String, Long> times) {
        Map<String, Long> out = new LinkedHashMap<>();
        String dir = null;
        for (String rec : records(output)) {
            if (rec.startsWith("d") && rec.length() > 1 && rec.substring(1).chars().allMatch(Character::isDigit)) {
                int d = Integer.parseInt(rec.substring(1));
                dir = d < dirs.size() ? dirs.get(d) : null;
                continue;
            }
            int space = rec.indexOf(' ');
            if (dir == null || space < 0) {
                continue;
            }
            String name = rec.substring(space + 1);
            String path = name.equals(".") ? dir : dir.isEmpty() ? name : dir + "/" + name;
            try {
                long stored = Long.parseLong(rec.substring(0, space));
                if (times.containsKey(path)) {
                    out.put(path, stored);
                }
            } catch (NumberFormatException e) {
                // not a line of ours
            }
        }
        return out;
    }

    /** The script's start: the tools it needs are there (exit 4), the destination is the working directory (exit 3). */
    private static String start(String root, String tools) {
        return "for t in " + tools + "; do command -v $t >/dev/null 2>&1 || { echo \"no $t\" >&2; exit 4; }; done\n"
                + "cd -P -- " + RemoteShell.quote(root) + " || exit 3\n";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static List<String> records(byte[] out) {
        List<String> recs = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                recs.add(new String(out, start, i - start, RawNames.CHARSET));
                start = i + 1;
            }
        }
        return recs;
    }

    /** Runs {@code script} in the node's sh; its standard output. */
    private byte[] run(String script) throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try (ChannelExec ch = session.createExecChannel("sh -s")) {
            ch.setOut(stdout);
            ch.setErr(stderr);
            ch.open().verify(timeout);
            try (OutputStream in = ch.getInvertedIn()) {
                in.write(script.getBytes(RawNames.CHARSET)); // names in it are bytes
            }
            int seen = -1;
            while (!ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout).contains(ClientChannelEvent.CLOSED)) {
                if (stdout.size() == seen) {
                    throw new IOException("the node's shell stopped answering (" + timeout.toSeconds()
                            + " s without output)");
                }
                seen = stdout.size();
            }
            Integer status = ch.getExitStatus();
            if (status == null || status != 0) {
                String err = stderr.toString(StandardCharsets.UTF_8).strip();
                throw new IOException("the node's shell did not run it (" + (status == null ? "no exit status"
                        : "exit " + status) + (err.isEmpty() ? "" : ": " + firstLine(err)) + ")");
            }
        }
        return stdout.toByteArray();
    }
}
