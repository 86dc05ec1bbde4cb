package org.tlclb.sync.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.remote.DestinationWalk;
import org.tlclb.sync.remote.NodeShell;
import org.tlclb.sync.remote.Trust;

/**
 * One run at a time on a destination of a node, whichever machine it comes from: a lock in the
 * destination's state area ({@code DEST/.tlclb-backup/lock}) held from before the node is listed
 * until its commit is over, so no run lists, stages or commits (or removes "leftover" temporary
 * files) while another is at work there.
 *
 * <p>Where the node has a shell and {@code flock} (util-linux), the lock is an OS lock held by a
 * command of this run's SSH session ({@link NodeShell}): it goes when the session goes, whether the
 * run ends, is killed or loses the node, so a stale lock cannot exist. Elsewhere it is a file created exclusively over
 * SFTP and rewritten every {@link Tunables#NODE_LOCK_HEARTBEAT}; one not rewritten for
 * {@link Tunables#NODE_LOCK_LEASE} (by the node's clock) belongs to a run that died, and is taken over.
 *
 * <p>The holder writes who it is to {@code lock.holder}; a node that finds the lock held by its own
 * run shares storage with the node that took it (an NFS docroot, one host listed twice).
 *
 * <p>Longer than most classes here on purpose: both kinds of lock, and the request sent ahead, live
 * in this one class so that a lock is always released the way it was taken and the choice between
 * them is made in one place; the node's command is {@link NodeShell}, the lease's file operations
 * are in {@link LockFiles}.
 */
public final class NodeLock implements AutoCloseable {
    private static final String NAME = "lock";
    private static final String HOLDER = "lock.holder";
    /** How long a busy lock's holder note may take to appear (it is written right after the lock is taken). */
    private static final Duration HOLDER_WAIT = Duration.ofSeconds(3);
    private static final Duration HOLDER_POLL = Duration.ofMillis(20);
    private final SftpClient sftp;
    private final String area;
    private final byte[] holder;
    private final NodeShell shellLock;
    private final int loginUid;
    private final int loginGid;
    private final Destination destination;
    private final Duration timeout;
    private final ScheduledExecutorService heartbeat;
    private final BackupArea backupArea;
    /**
     * The locks this process holds (area and holder text). A lease file naming this host and a
     * process that is gone, or this process and a lock it no longer holds (its node was lost before
     * the lock could be removed), is stale at once: no need to wait for the lease. Per process, since
     * the holder text names the process, not a run.
     */
    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();
    private boolean closed;

    /** Another run holds the destination. */
    public static final class Held extends Exception {
        private static final long serialVersionUID = 1L;

        Held(String message) {
            super(message);
        }
    }

    /** This run holds the destination already, through another node: the same directory. */
    public static final class SameStorage extends Exception {
        private static final long serialVersionUID = 1L;
        private final String node;

        SameStorage(String node) {
            super("same storage as " + node);
            this.node = node;
        }

        public String node() {
            return node;
        }
    }

    private NodeLock(SftpClient sftp, BackupArea backupArea, byte[] holder, NodeShell shellLock, Duration timeout,
                     int loginUid, int loginGid, Destination destination) {
        this.sftp = sftp;
        this.timeout = timeout;
        this.backupArea = backupArea;
        this.loginUid = loginUid;
        this.loginGid = loginGid;
        this.destination = destination;
        String area = backupArea.area();
        HELD.add(area + " " + new String(holder, StandardCharsets.UTF_8));
        this.area = area;
        this.holder = holder;
        this.shellLock = shellLock;
        if (shellLock == null) {
            heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "node-lock " + area);
                t.setDaemon(true);
                return t;
            });
            long every = Tunables.NODE_LOCK_HEARTBEAT.get().toMillis();
            heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        } else {
            heartbeat = null;
        }
    }

    /**
     * A lock asked for ahead: the node's shell works on it while the caller opens SFTP;
     * {@link #acquire(Request, SftpClient, Duration, Resolver)} then takes the answer.
     */
    public static final class Request {
        private final String runId;
        private final String client;
        private final byte[] holder;
        private final NodeShell shell;

        private Request(ClientSession session, String dest, String runId, String node, String client)
                throws IOException {
            this.runId = runId;
            this.client = client;
            String line = "run " + runId + " node " + node + " from " + client + " pid " + ProcessHandle.current().pid();
            this.holder = (line + "\n").getBytes(StandardCharsets.UTF_8);
            this.shell = NodeShell.lock(session, dest, line);
        }

        /** Drops the request (the node needs no lock after all); a lock it took goes with it. */
        public void cancel() {
            shell.cancel();
        }
    }

    /**
     * Asks for the lock of {@code dest} (as typed: absolute, without "." or ".." components) for
     * run {@code runId} on behalf of {@code node}; {@code client} names this machine for whoever
     * finds the lock. Nothing waits for the node.
     */
    public static Request request(ClientSession session, String dest, String runId, String node, String client)
            throws IOException {
        return new Request(session, dest, runId, node, client);
    }

    /** Where the destination really is on the node, found once the login's uid is known. */
    @FunctionalInterface
    public interface Resolver {
        /**
         * Walks the destination ({@link DestinationWalk}) as the login {@code loginUid} (-1 when
         * the node did not say), making it when it is missing.
         */
        Destination resolve(int loginUid) throws IOException, DestinationWalk.Unsafe;
    }

    /**
     * The destination as resolved on the node.
     *
     * @param path   its path, with no symlink in it
     * @param sealed whether only root or the login can change its entries ({@link Trust})
     */
    public record Destination(String path, boolean sealed) {
    }

    /**
     * Takes the lock asked for, once {@code resolver} has said where the destination is: the
     * node's command took it already where the destination's path holds no link and the state
     * area was as it must be; otherwise (a link on the path, a destination or area to make) it is
     * asked again for the resolved path, and where the node has no shell or no flock the lock is
     * a lease over SFTP.
     *
     * @throws DestinationWalk.Unsafe the destination's path cannot be trusted (nothing was written)
     */
    public static NodeLock acquire(Request req, SftpClient sftp, Duration timeout, Resolver resolver)
            throws IOException, Held, SameStorage, DestinationWalk.Unsafe {
        NodeShell shell = req.shell;
        NodeShell.Answer answer;
        Destination dest;
        try {
            answer = shell.answer(timeout);
            dest = resolver.resolve(answer == null ? -1 : answer.uid());
            if (answer != null && (!dest.path().equals(shell.dest()) || NodeShell.MOVED.equals(answer.word())
                    || NodeShell.NO_DEST.equals(answer.word()))) {
                shell.resend(dest.path());
                answer = shell.answer(timeout);
            }
            boolean badArea = answer != null && (NodeShell.NO_AREA.equals(answer.word())
                    || NodeShell.NOT_FILE.equals(answer.word()));
            if (badArea) {
                if (!dest.sealed()) {
                    // Others may write the destination: its area is only ever touched by the shell.
                    throw new IOException("the state and backup area " + dest.path() + "/" + TempNames.BACKUP_DIR
                            + " is not a private directory of the user this run logs in as: remove it on the node");
                }
                BackupArea plain = new BackupArea(sftp, dest.path());
                plain.prepareArea();
                if (NodeShell.NOT_FILE.equals(answer.word())) {
                    sftp.remove(plain.area() + "/" + NAME); // inside our private area: a planted link is removed, never followed
                }
                shell.resend(dest.path());
                answer = shell.answer(timeout);
            }
        } catch (IOException | DestinationWalk.Unsafe | RuntimeException e) {
            shell.cancel();
            throw e;
        }
        if (answer != null && answer.locked()) {
            BackupArea area = dest.sealed() ? new BackupArea(sftp, dest.path())
                    : new BackupArea(sftp, dest.path(), shell.heldArea() + "/.");
            return new NodeLock(sftp, area, req.holder, shell, timeout, answer.uid(), answer.gid(), dest);
        }
        shell.cancel();
        BackupArea backupArea = new BackupArea(sftp, dest.path());
        String area = backupArea.area();
        if (answer != null && NodeShell.BUSY.equals(answer.word())) {
            // The holder writes its note right after taking the lock: give it a moment to appear.
            String who = LockFiles.read(sftp, area + "/" + HOLDER);
            for (long end = System.nanoTime() + HOLDER_WAIT.toNanos(); (who == null || who.isBlank())
                    && System.nanoTime() < end; who = LockFiles.read(sftp, area + "/" + HOLDER)) {
                sleep(HOLDER_POLL);
            }
            sameRun(who, req.runId);
            throw new Held("another run is working on " + dest.path() + (who == null ? "" : " (" + who.strip() + ")"));
        }
        if (answer != null && NodeShell.NOT_OWNED.equals(answer.word())) {
            throw backupArea.notOwnedByLogin();
        }
        if (answer != null && NodeShell.NO_HOLDER.equals(answer.word())) {
            throw new IOException("cannot write " + area + "/" + HOLDER + " on the node");
        }
        if (answer != null) {
            throw new IOException("the node answered the lock request with '" + answer.word() + "'");
        }
        if (!dest.sealed()) {
            throw new IOException("others than root and the login can change " + dest.path() + ", and the node has no"
                    + " shell with flock to lock and change it safely");
        }
        backupArea.prepareArea();
        return leaseLock(sftp, backupArea, req.holder, req.runId, dest, req.client, timeout);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sameRun(String who, String runId) throws SameStorage {
        if (who == null) {
            return;
        }
        String[] words = who.strip().split(" ");
        if (words.length >= 4 && words[0].equals("run") && words[1].equals(runId)) {
            throw new SameStorage(words[3]);
        }
    }

    /** The fallback without flock: an exclusively created file, renewed by a heartbeat. */
    private static NodeLock leaseLock(SftpClient sftp, BackupArea backupArea, byte[] holder, String runId,
                                      Destination dest, String client, Duration timeout)
            throws IOException, Held, SameStorage {
        String area = backupArea.area();
        String path = area + "/" + NAME + ".lease";
        for (int attempt = 0; attempt < 2; attempt++) {
            if (LockFiles.create(sftp, path, holder)) {
                if (sftp.lstat(path).getUserId() != sftp.lstat(area).getUserId()) {
                    sftp.remove(path); // made in another user's area: nothing more is written there
                    throw backupArea.notOwnedByLogin();
                }
                writeHolder(sftp, area, holder);
                SftpClient.Attributes mine = sftp.lstat(path);
                return new NodeLock(sftp, backupArea, holder, null, timeout, mine.getUserId(), mine.getGroupId(), dest);
            }
            String who = LockFiles.read(sftp, path);
            if (who == null) {
                continue; // released meanwhile
            }
            sameRun(who, runId);
            if (!deadHere(area, who, client) && !LockFiles.stale(sftp, area, path)) {
                throw new Held("another run is working on " + dest.path() + " (" + who.strip() + ")");
            }
            sftp.remove(path); // its run died: the lease ran out without a renewal
        }
        throw new Held("another run keeps taking the lock of " + dest.path());
    }

    private static void writeHolder(SftpClient sftp, String area, byte[] holder) throws IOException {
        try (OutputStream out = sftp.write(area + "/" + HOLDER,
                EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Truncate))) {
            out.write(holder);
        }
    }

    /** This machine as a lock names it, for the admin of a node who finds it. */
    public static String thisMachine() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(' ', '_');
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /** Whether the holder is a run of this machine that is over (its process gone, or it let the lock go). */
    private static boolean deadHere(String area, String who, String client) {
        String[] w = who.strip().split(" ");
        // run ID node NAME from CLIENT pid PID
        if (w.length < 8 || !w[4].equals("from") || !w[5].equals(client) || !w[6].equals("pid")) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(w[7]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (pid != ProcessHandle.current().pid()) {
            return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
        }
        return !HELD.contains(area + " " + who);
    }

    /** The lease's heartbeat: the same content written again, which sets its mtime to the node's now. */
    private void renew() {
        try (OutputStream out = sftp.write(area + "/" + NAME + ".lease",
                EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Truncate))) {
            out.write(holder);
        } catch (IOException | RuntimeException e) {
            // the connection is going: the run notices on its own channel; the lease ends the lock
        }
    }

    /** The uid this run logs in as on the node (said by its shell, or the owner of the lease it made). */
    public int loginUid() {
        return loginUid;
    }

    /** How long any one answer of the node may take. */
    public Duration timeout() {
        return timeout;
    }

    /** The login's primary gid on the node. */
    public int loginGid() {
        return loginGid;
    }

    /** The destination the lock guards, as resolved on the node. */
    public Destination destination() {
        return destination;
    }

    /** The state area as this run reaches it (through the shell's held descriptor where others may write the destination). */
    public BackupArea area() {
        return backupArea;
    }

    /** The node's shell that holds the lock, or null for a lease. */
    public NodeShell shell() {
        return shellLock;
    }

    /**
     * Releases the lock (idempotent). The holder note and the lock file go while the lock still
     * guards them, then the state area if it is left empty: in one round trip by the lock's own
     * command, else (a lease, or a command that could not say it was done) over SFTP.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (shellLock != null && shellLock.release(timeout)) {
                return;
            }
            removeOverSftp();
        } finally {
            HELD.remove(area + " " + new String(holder, StandardCharsets.UTF_8));
        }
    }

    private void removeOverSftp() {
        try {
            String who = LockFiles.read(sftp, area + "/" + HOLDER);
            if (who != null && who.equals(new String(holder, StandardCharsets.UTF_8))) {
                sftp.remove(area + "/" + HOLDER);
            }
            if (shellLock != null) {
                sftp.remove(area + "/" + NAME);
            }
            if (heartbeat != null) {
                heartbeat.shutdownNow();
                String lease = LockFiles.read(sftp, area + "/" + NAME + ".lease");
                if (lease != null && lease.equals(new String(holder, StandardCharsets.UTF_8))) {
                    sftp.remove(area + "/" + NAME + ".lease");
                }
            }
        } catch (IOException | RuntimeException e) {
            // the node is gone: the shell lock went with the session, a lease expires
        }
        backupArea.removeIfEmpty(); // an area with backups (or another run's lock) stays
    }
}
