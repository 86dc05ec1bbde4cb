package org.tlclb.sync.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tlclb.sync.scan.RawNames;
import org.tlclb.sync.ssh.RemoteShell;

/**
 * The run's shell on a node: one command of the run's SSH session that takes the destination's
 * node lock ({@code flock} on {@code DEST/.tlclb-backup/lock}) and then stays, holding the lock
 * until its input ends, and <em>holding directories open</em> for the run: asked for a
 * directory, it changes into it and keeps it open on a file descriptor, and SFTP then reaches its
 * entries as {@code /proc/PID/fd/N/NAME}. A path re-resolved at every request lets whoever owns a
 * directory on it choose where root writes; a held directory is the directory the run checked,
 * whatever is renamed or swapped for a link meanwhile (rsync's {@code secure_relative_open}, with
 * the shell's descriptors instead of {@code openat}).
 *
 * <p>The command changes into the destination and its state area and checks, each time, that the
 * physical path is the one expected ({@code pwd -P}, which resolves nothing a node user could
 * swap after the check), so it never writes through a link: a destination whose path holds a
 * link answers {@code moved}, and the run asks again with the path the {@link DestinationWalk}
 * resolved. It makes the state area where there is none (0700, the destination's mtime kept),
 * keeps it private and refuses one that another user owns. Answers, each followed by the login's
 * uid and gid: {@code locked UID GID PID CAPACITY SHELL} (the lock is held; CAPACITY directories
 * may be held at once), {@code busy} (another run holds it), {@code nodest} (the destination is missing: the run
 * makes it and asks again), {@code moved}, {@code noarea} (the area is not a plain private
 * directory: the caller makes or refuses it and asks again), {@code notowned} (another user's
 * area), {@code notfile} (something else has the lock's name), {@code noholder}; no answer at all
 * means no shell or no {@code flock} on the node (the lock is then a lease over SFTP). At the end
 * of its input it removes the holder note (if still its own), the lock file and the area when
 * empty, and answers {@code released}.
 *
 * <p>It runs under bash where the node has it (many descriptors), else under sh (five).
 */
public final class NodeShell implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeShell.class);
    public static final String LOCKED = "locked";
    public static final String BUSY = "busy";
    public static final String NO_DEST = "nodest";
    public static final String MOVED = "moved";
    public static final String NO_AREA = "noarea";
    public static final String NOT_OWNED = "notowned";
    public static final String NOT_FILE = "notfile";
    public static final String NO_HOLDER = "noholder";
    public static final String RELEASED = "released";
    /** The answer of the shell of a read-only run, which only says who the login is. */
    private static final String ID = "id";
    /** The name of the state area at the top of a destination. */
    private static final String AREA = ".tlclb-backup";
    /** The descriptors a shell without bash may use for held directories (8 is the area, 9 the lock). */
    private static final int SH_FIRST_FD = 3;
    private static final int BASH_FIRST_FD = 10;
    /** What the node's shell reads and writes names as. */
    private static final Charset NAMES = RawNames.CHARSET;
    private static final String END = "\u0000end";

    /**
     * The first answer.
     *
     * @param word     one of the answers above ({@link #ID} for a read-only shell)
     * @param uid      the login's uid on the node
     * @param gid      the login's primary gid on the node
     * @param pid      the shell's pid (for {@code /proc/PID/fd/N}), 0 unless locked
     * @param capacity how many directories it can hold at once, 0 unless locked
     * @param bash     whether it runs under bash (descriptors from 10) or sh (from 3)
     */
    public record Answer(String word, int uid, int gid, long pid, int capacity, boolean bash) {
        public boolean locked() {
            return LOCKED.equals(word);
        }
    }

    private final ClientSession session;
    private final String note;
    private final boolean readOnly;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private ChannelExec channel;
    private OpenFuture opened;
    private String dest;
    private Answer answer;

    private NodeShell(ClientSession session, String dest, String note, boolean readOnly) {
        this.session = session;
        this.dest = dest;
        this.note = note;
        this.readOnly = readOnly;
    }

    /**
     * Sends the lock command for {@code dest} (absolute, without "." or ".." components);
     * {@code note} is the holder note's one line. Nothing waits for the node.
     */
    public static NodeShell lock(ClientSession session, String dest, String note) throws IOException {
        NodeShell s = new NodeShell(session, dest, note, false);
        s.start();
        return s;
    }

    /** A shell for a read-only run: it only says who the login is (for {@link Trust}). */
    public static NodeShell identify(ClientSession session) throws IOException {
        NodeShell s = new NodeShell(session, null, null, true);
        s.start();
        return s;
    }

    private void start() throws IOException {
        lines.clear();
        answer = null;
        String script = readOnly ? "echo \"" + ID + " $(id -u) $(id -g)\"" : lockScript(dest, note);
        // bash where there is one (descriptors above 9), else the POSIX shell.
        String command = "S=" + RemoteShell.quote(script)
                + "; if command -v bash >/dev/null 2>&1; then exec bash -c \"$S\" tlclb; else exec sh -c \"$S\" tlclb; fi";
        channel = session.createExecChannel(command);
        channel.setOut(new LineSink(lines));
        channel.setErr(OutputStream.nullOutputStream());
        channel.addCloseFutureListener(f -> lines.add(END));
        opened = channel.open();
    }

    /** Asks again, for {@code newDest} (after {@code moved}, {@code nodest} or {@code noarea}). */
    public void resend(String newDest) throws IOException {
        cancel();
        this.dest = newDest;
        start();
    }

    /** The destination the command works on. */
    public String dest() {
        return dest;
    }

    /** The first answer; null when the command ended without one (no shell, no flock). */
    public Answer answer(Duration timeout) throws IOException {
        if (answer != null) {
            return answer;
        }
        opened.verify(timeout);
        String line = next(timeout, "the node did not answer the lock request");
        if (line == null) {
            return null;
        }
        String[] w = line.strip().split(" ");
        int uid = w.length > 1 ? parseInt(w[1], -1) : -1;
        int gid = w.length > 2 ? parseInt(w[2], -1) : -1;
        if (w[0].equals(LOCKED) && w.length >= 6) {
            answer = new Answer(LOCKED, uid, gid, Long.parseLong(w[3]), parseInt(w[4], 0), "bash".equals(w[5]));
        } else {
            answer = new Answer(w[0], uid, gid, 0, 0, false);
        }
        return answer;
    }

    private static int parseInt(String s, int otherwise) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** The path through which SFTP reaches held descriptor {@code fd} of this shell. */
    public String fdPath(int fd) {
        return "/proc/" + answer.pid() + "/fd/" + fd;
    }

    /** The state area, held open by the shell since it took the lock. */
    public String heldArea() {
        return fdPath(8);
    }

    /** The descriptors this shell holds directories on, {@link Answer#capacity()} of them. */
    public int firstFd() {
        return answer.bash() ? BASH_FIRST_FD : SH_FIRST_FD;
    }

    /**
     * Opens each directory on its descriptor (the shell changes into it, so a FIFO or a file is
     * refused without blocking, and keeps it open). Returns the descriptors that opened; what they
     * really hold is for the caller to check ({@code /proc/PID/fd/N} names the directory).
     *
     * @param dirs descriptor -> absolute path
     */
    public List<Integer> hold(Map<Integer, String> dirs, Duration timeout) throws IOException {
        requireLocked();
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Integer, String> d : dirs.entrySet()) {
            sb.append("h ").append(d.getKey()).append(' ').append(word(d.getValue())).append('\n');
        }
        send(sb.toString());
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) {
            String line = next(timeout, "the node's shell did not answer");
            if (line == null) {
                throw new IOException("the node's shell ended while holding directories");
            }
            String[] w = line.strip().split(" ");
            if (w.length == 2 && w[0].equals("h")) {
                held.add(Integer.parseInt(w[1]));
            }
        }
        return held;
    }

    /** Closes descriptors held before (no answer is awaited: the next request is ordered after it). */
    public void drop(List<Integer> fds) throws IOException {
        requireLocked();
        StringBuilder sb = new StringBuilder();
        for (int fd : fds) {
            sb.append("c ").append(fd).append('\n');
        }
        send(sb.toString());
    }

    private void requireLocked() {
        if (answer == null || !answer.locked()) {
            throw new IllegalStateException("the node's shell holds no lock");
        }
    }

    private synchronized void send(String text) throws IOException {
        OutputStream in = channel.getInvertedIn();
        in.write(text.getBytes(NAMES));
        in.flush();
    }

    /**
     * A shell word on one line: single-quoted, with a newline of the name spelled "$NL" (which
     * the command defines), since the shell reads its requests a line at a time.
     */
    static String word(String s) {
        return RemoteShell.quote(s).replace("\n", "'\"$NL\"'");
    }

    /**
     * Ends the command's input, so it releases the lock and tidies up, and waits for it to say so.
     * False when it did not (the node is gone); the lock is released either way, since the
     * command or the session ends.
     */
    public boolean release(Duration timeout) {
        try {
            channel.getInvertedIn().close();
            String line;
            while ((line = next(timeout, "the node did not release the lock")) != null) {
                if (line.strip().equals(RELEASED)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            LOG.debug("releasing the node lock: {}", e.toString());
            return false;
        } finally {
            channel.close(false);
        }
    }

    /** Drops the command: the lock, if it was taken, goes with it. */
    public void cancel() {
        if (channel != null) {
            channel.close(true);
        }
    }

    @Override
    public void close() {
        cancel();
    }

    /** The next line the command printed; null when it ended first. */
    private String next(Duration timeout, String what) throws IOException {
        try {
            String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                channel.close(true);
                throw new IOException(what + " within " + timeout.toSeconds() + " s");
            }
            if (line.equals(END)) {
                lines.add(END); // every later call sees the end too
                return null;
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * The command, POSIX sh (run by bash where there is one). Every change of directory is
     * checked against the physical path expected ({@code env pwd -P}: dash's built-in pwd keeps
     * the name it was given, the external one asks the kernel), and everything it writes is
     * relative to a directory so checked.
     */
    private static String lockScript(String dest, String note) {
        return String.join("\n",
                "D=" + RemoteShell.quote(dest) + "; N=" + RemoteShell.quote(note) + "; A=" + AREA,
                "L=lock; H=lock.holder; NL=$(printf '\\nx'); NL=${NL%x}",
                "command -v flock >/dev/null 2>&1 || exit 0",
                "u=\"$(id -u) $(id -g)\"",
                "here() { [ \"$(env pwd -P 2>/dev/null)\" = \"$1\" ]; }",
                "cd -P -- \"$D\" 2>/dev/null || { echo \"" + NO_DEST + " $u\"; exit 0; }",
                "here \"$D\" || { echo \"" + MOVED + " $u\"; exit 0; }",
                "if [ ! -e \"$A\" ] && [ ! -L \"$A\" ]; then",
                "  T=$(stat -c %Y .) && mkdir -m 700 \"$A\" && touch -d \"@$T\" .",
                "fi 2>/dev/null",
                "{ [ -d \"$A\" ] && [ ! -L \"$A\" ] && cd -P -- \"$A\" && here \"$D/$A\"; } 2>/dev/null"
                        + " || { echo \"" + NO_AREA + " $u\"; exit 0; }",
                "[ -O . ] || { echo \"" + NOT_OWNED + " $u\"; exit 0; }",
                "chmod 700 . 2>/dev/null || { echo \"" + NO_AREA + " $u\"; exit 0; }",
                "if [ -L \"$L\" ] || { [ -e \"$L\" ] && [ ! -f \"$L\" ]; }; then echo \"" + NOT_FILE + " $u\"; exit 0; fi",
                "exec 9>>\"$L\" || exit 0",
                // The lock is the open file's inode: a lock taken on a file another run had just
                // unlinked does not count (-ef compares the locked descriptor with what the name holds now).
                "if flock -n 9 && { [ ! -e /proc/$$/fd/9 ] || [ \"$L\" -ef /proc/$$/fd/9 ]; }; then :; else"
                        + " echo \"" + BUSY + " $u\"; exit 0; fi",
                "printf '%s\\n' \"$N\" >\"$H\" || { echo \"" + NO_HOLDER + " $u\"; exit 0; }",
                "exec 8<.",
                // Staging directories of runs that died are the lock holder's to remove (only the run writes the area).
                "for s in *.stage; do if [ -d \"$s\" ] && [ ! -L \"$s\" ]; then rm -rf -- \"$s\"; fi; done 2>/dev/null",
                "if [ -n \"$BASH_VERSION\" ]; then ulimit -n \"$(ulimit -Hn)\" 2>/dev/null;"
                        + " c=$(( $(ulimit -n) - 40 )); [ \"$c\" -gt 4096 ] && c=4096; k=bash; else c=5; k=sh; fi",
                "[ \"$c\" -gt 0 ] 2>/dev/null && [ -d /proc/$$/fd ] || c=0",
                // No redirection inside the loop: bash saves a redirected descriptor on the lowest free
                // one from 10 and closes it again afterwards, which would close a held directory.
                "exec 2>/dev/null",
                "h() { if cd -P -- \"$2\" && eval \"exec $1<.\"; then r=h; else r=x; fi; cd /; echo \"$r $1\"; }",
                "c() { eval \"exec $1<&-\"; }",
                "echo \"" + LOCKED + " $u $$ $c $k\"",
                "while IFS= read -r l; do eval \"$l\"; done",
                // End of input: release, still holding the lock, through the held area.
                "if cd -P /proc/$$/fd/8 2>/dev/null || { cd -P -- \"$D/$A\" && here \"$D/$A\"; } 2>/dev/null; then",
                "  [ \"$(cat \"$H\" 2>/dev/null)\" = \"$N\" ] && rm -f \"$H\"",
                "  rm -f \"$L\"",
                "fi",
                "exec 8<&-",
                "if cd -P -- \"$D\" 2>/dev/null && here \"$D\"; then",
                "  T=$(stat -c %Y .) && rmdir \"$A\" 2>/dev/null && touch -d \"@$T\" .",
                "fi",
                "echo " + RELEASED);
    }

    /** Splits what the command prints into lines. */
    private static final class LineSink extends OutputStream {
        private final BlockingQueue<String> lines;
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        LineSink(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(NAMES));
                current.reset();
            } else {
                current.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }
}
