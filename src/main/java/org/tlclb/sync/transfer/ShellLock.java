package org.tlclb.sync.transfer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.ssh.RemoteShell;

/**
 * The node lock as an OS lock: a command of the run's SSH session that takes {@code flock} on
 * {@code DEST/.tlclb-backup/lock}, writes the holder note, answers {@code locked} and holds the lock
 * until its input ends; then, still holding it, removes the note (if it is still its own) and the
 * lock file, and the state area when that is empty (keeping the destination's mtime), and answers
 * {@code released}. The lock goes with the session whatever happens to the run.
 *
 * <p>The whole take and the whole release are one command each way, so taking the lock costs the
 * round trips of one command (sent before the SFTP channel is open, so it runs beside it) and
 * releasing it one round trip, where doing the same over SFTP took about a dozen each way.
 *
 * <p>The command also makes the state area where the destination has none (0700, the destination's
 * mtime kept, as {@link BackupArea} does), checks it (a plain directory, not followed if a symlink)
 * and keeps it private (0700), so a run that gets {@code locked} needs nothing else before listing.
 * Other answers: {@code busy} (another run holds it), {@code noarea} (the state area is not
 * there yet, or not a plain private directory: the caller makes or refuses it over SFTP and asks again),
 * {@code notowned} (the area is another user's: refused),
 * {@code notfile} (something other than a file has the lock's name), {@code noholder} (the note
 * could not be written); no answer at all means no shell or no {@code flock} on the node.
 */
final class ShellLock {
    static final String LOCKED = "locked";
    static final String BUSY = "busy";
    static final String NO_AREA = "noarea";
    static final String NOT_OWNED = "notowned";
    static final String NOT_FILE = "notfile";
    static final String NO_HOLDER = "noholder";
    static final String RELEASED = "released";
    private static final Duration POLL = Duration.ofMillis(20);

    private final ClientSession session;
    private final String command;
    private ChannelExec channel;
    private ByteArrayOutputStream out;
    private OpenFuture opened;

    private ShellLock(ClientSession session, String command) {
        this.session = session;
        this.command = command;
    }

    /** Sends the lock command for the destination {@code dest}; {@code holder} is the note's one line. */
    static ShellLock send(ClientSession session, String dest, String holder) throws IOException {
        String area = dest + "/" + TempNames.BACKUP_DIR;
        String command = String.join("\n",
                "A=" + RemoteShell.quote(area) + "; R=" + RemoteShell.quote(dest) + "; N=" + RemoteShell.quote(holder),
                "L=lock; H=lock.holder",
                "command -v flock >/dev/null 2>&1 || exit 0",
                // The area, made as BackupArea makes it (0700, the destination's mtime kept) if missing.
                "if [ -d \"$R\" ] && [ ! -e \"$A\" ] && [ ! -L \"$A\" ]; then",
                "  T=$(stat -c %Y \"$R\") && mkdir -m 700 \"$A\" && touch -d \"@$T\" \"$R\"",
                "fi 2>/dev/null",
                "{ [ -d \"$A\" ] && [ ! -L \"$A\" ]; } 2>/dev/null || { echo " + NO_AREA + "; exit 0; }",
                // From here on the area is the working directory, so whoever can write the destination
                // cannot swap the area's name for a link between the checks and the writes; and another
                // user's area (its files could be links to what root must not write) is never used.
                "cd -P -- \"$A\" 2>/dev/null || { echo " + NO_AREA + "; exit 0; }",
                "[ -O . ] || { echo " + NOT_OWNED + "; exit 0; }",
                "chmod 700 . 2>/dev/null || { echo " + NO_AREA + "; exit 0; }",
                "if [ -L \"$L\" ] || { [ -e \"$L\" ] && [ ! -f \"$L\" ]; }; then echo " + NOT_FILE + "; exit 0; fi",
                "exec 9>>\"$L\" || exit 0",
                // The lock is the open file's inode: a lock taken on a file another run had just
                // unlinked does not count (-ef compares the locked descriptor with what the name holds now).
                "if flock -n 9 && { [ ! -e /proc/$$/fd/9 ] || [ \"$L\" -ef /proc/$$/fd/9 ]; }; then",
                "  printf '%s\\n' \"$N\" >\"$H\" || { echo " + NO_HOLDER + "; exit 0; }",
                "  echo " + LOCKED,
                "  cat >/dev/null",
                "  [ \"$(cat \"$H\" 2>/dev/null)\" = \"$N\" ] && rm -f \"$H\"",
                "  rm -f \"$L\"; cd /",
                "  T=$(stat -c %Y \"$R\" 2>/dev/null) && rmdir \"$A\" 2>/dev/null && touch -d \"@$T\" \"$R\"",
                "  echo " + RELEASED,
                "else echo " + BUSY + "; fi");
        ShellLock lock = new ShellLock(session, command);
        lock.start();
        return lock;
    }

    private void start() throws IOException {
        channel = session.createExecChannel(command);
        out = new ByteArrayOutputStream();
        channel.setOut(out);
        channel.setErr(OutputStream.nullOutputStream());
        opened = channel.open();
    }

    /** Asks again (after the caller made the area or removed what had the lock's name). */
    void resend() throws IOException {
        cancel();
        start();
    }

    /** The command's first answer; null when it ended without one (no shell, no flock). */
    String answer(Duration timeout) throws IOException {
        opened.verify(timeout);
        return line(0, timeout);
    }

    /**
     * Ends the command's input, so it releases the lock and tidies up, and waits for it to say so.
     * False when it did not (the node is gone, or the tidying is left to the caller); the lock is
     * released either way, since the command or the session ends.
     */
    boolean release(Duration timeout) {
        try {
            channel.getInvertedIn().close(); // end of input: cat ends, the command releases and answers
            return RELEASED.equals(line(1, timeout));
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            channel.close(false);
        }
    }

    /** Drops the command: the lock, if it was taken, goes with it. */
    void cancel() {
        if (channel != null) {
            channel.close(true);
        }
    }

    /** Line {@code index} of what the command printed, waiting for it; null when it ended before. */
    private String line(int index, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
            if (lines.length > index + 1) {
                return lines[index].strip();
            }
            if (channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), POLL).contains(ClientChannelEvent.CLOSED)) {
                lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
                return lines.length > index && !lines[index].isBlank() ? lines[index].strip() : null;
            }
        }
        channel.close(true);
        throw new IOException("the node did not answer the lock request within " + timeout.toSeconds() + " s");
    }
}
