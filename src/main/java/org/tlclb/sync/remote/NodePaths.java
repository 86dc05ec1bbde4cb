package org.tlclb.sync.remote;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.scan.Names;
import org.tlclb.sync.ssh.SftpPipeline;

/**
 * How SFTP reaches the entries of one destination on one node. An entry whose directory only root
 * or the login can change ({@link Trust}) is reached by its path: nobody else can swap anything on
 * the way. An entry of an <em>open</em> directory (another user's, or one others may write, or one
 * below such a directory) is <em>exposed</em>: its directory is held open by the node's shell
 * ({@link NodeShell#hold}) and checked to be the directory the run listed, and the entry is reached
 * as {@code /proc/PID/fd/N/NAME}, so a directory swapped for a link meanwhile is never followed.
 * What the run writes into an open directory is first made in its private staging directory
 * inside the state area and renamed in, so no attribute is ever set on an exposed name.
 *
 * <p>Entries that would need this on a node whose shell cannot hold directories (no shell, no
 * {@code /proc}) are not reachable: {@link #canReachExposed()} says so, and the run leaves them as
 * they are, named as not carried.
 */
public final class NodePaths implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodePaths.class);
    private final SftpClient sftp;
    private final String root;
    private final Set<String> open;
    private final NodeShell shell;
    private final String stageRel;
    private final String stageBase;
    private final Map<String, Integer> held = new HashMap<>();
    private int nextFd;

    /** A destination changed while the run was working on it: the node fails, nothing is written through it. */
    public static final class Changed extends IOException {
        private static final long serialVersionUID = 1L;

        Changed(String message) {
            super(message);
        }
    }

    /**
     * @param root      the destination's resolved path ({@link DestinationWalk})
     * @param openDirs  its directories others may change, relative ("" for the root itself), closed
     *                  downwards (every directory below an open one is in it)
     * @param shell     the node's shell holding the lock, or null (nothing exposed is reachable)
     * @param stageRel  the run's private staging directory, relative to the stream's root (see
     *                  {@link #streamRoot()}), or null when the node has no shell
     */
    public NodePaths(SftpClient sftp, String root, Set<String> openDirs, NodeShell shell, String stageRel) {
        this.sftp = sftp;
        this.root = root;
        this.open = Set.copyOf(openDirs);
        this.shell = shell;
        this.stageRel = stageRel;
        this.stageBase = stageRel == null ? null : streamRoot() + "/" + stageRel;
        this.nextFd = shell == null ? 0 : shell.firstFd();
    }

    /** The paths of a destination only root and the login can change (a node without a shell, a test). */
    public static NodePaths sealed(SftpClient sftp, String root) {
        return new NodePaths(sftp, root, Set.of(), null, null);
    }

    public String root() {
        return root;
    }

    /** Whether others may change the destination's own entries. */
    public boolean rootOpen() {
        return open.contains("");
    }

    /** Whether others may rename or replace the entry {@code rel} at any moment (its directory is open). */
    public boolean exposed(String rel) {
        return !rel.isEmpty() && open.contains(parentOf(rel));
    }

    /** Whether others may change the entries of directory {@code dir}. */
    public boolean open(String dir) {
        return open.contains(dir);
    }

    /** Whether exposed entries can be changed at all on this node. */
    public boolean canReachExposed() {
        return shell != null;
    }

    /**
     * Where the SCP stream is rooted: the destination, or (when others may write the destination
     * itself) the state area the shell holds, since the stream then only writes the staging directory.
     */
    public String streamRoot() {
        if (shell == null) {
            return root;
        }
        return rootOpen() ? shell.heldArea() : root;
    }

    /** The run's private staging directory, relative to {@link #streamRoot()}; null when there is none. */
    public String stageDir() {
        return stageRel;
    }

    /** The SFTP path of the entry {@code rel}, for an operation on the entry itself (rename, remove, create). */
    public String of(String rel) {
        if (rel.isEmpty()) {
            return root;
        }
        String parent = parentOf(rel);
        if (!open.contains(parent)) {
            return join(root, rel);
        }
        return heldPath(parent) + "/" + rel.substring(rel.lastIndexOf('/') + 1);
    }

    /** The SFTP path of the directory {@code dir}, for an operation on the directory itself (its attributes). */
    public String self(String dir) {
        if (dir.isEmpty() || !exposed(dir)) {
            return join(root, dir);
        }
        return heldPath(dir);
    }

    /** The SFTP path of something the stream wrote at {@code streamPath} (relative to {@link #streamRoot()}). */
    public String staged(String streamPath) {
        if (stageRel != null && (streamPath.equals(stageRel) || streamPath.startsWith(stageRel + "/"))) {
            return stageBase + streamPath.substring(stageRel.length());
        }
        return of(streamPath);
    }

    /** The staging directory's SFTP path, or null. */
    public String stageBase() {
        return stageBase;
    }

    private String heldPath(String dir) {
        Integer fd = held.get(dir);
        if (fd == null) {
            throw new IllegalStateException("not held: " + (dir.isEmpty() ? "." : dir));
        }
        return shell.fdPath(fd) + "/.";
    }

    /**
     * Holds the given open directories (those already held are kept) and checks, through SFTP,
     * that each descriptor names the directory at its path in the destination: one that was
     * swapped for a link or moved since the listing fails the node, naming it.
     *
     * @throws Changed a directory is no longer where the run listed it
     */
    public void hold(Collection<String> dirs, Duration timeout) throws IOException {
        Set<String> want = new TreeSet<>();
        for (String d : dirs) {
            if (!held.containsKey(d)) {
                want.add(d);
            }
        }
        if (want.isEmpty()) {
            return;
        }
        if (!canReachExposed()) {
            throw new IllegalStateException("this node's shell cannot hold directories");
        }
        if (held.size() + want.size() > shell.answer(timeout).capacity()) {
            throw new IOException(want.size() + " directories others can change need work, more than the node's"
                    + " shell can hold at once (" + shell.answer(timeout).capacity() + ")");
        }
        Map<Integer, String> byFd = new LinkedHashMap<>();
        Map<Integer, String> relOf = new HashMap<>();
        for (String d : want) {
            int fd = nextFd++;
            byFd.put(fd, join(root, d));
            relOf.put(fd, d);
        }
        List<Integer> opened = shell.hold(byFd, timeout);
        List<String> gone = new ArrayList<>();
        for (int fd : byFd.keySet()) {
            if (!opened.contains(fd)) {
                gone.add(relOf.get(fd));
            }
        }
        if (!gone.isEmpty()) {
            throw new Changed(describe(gone) + " changed while the run was working: no longer a directory there");
        }
        Map<Integer, String> actual = readLinks(byFd.keySet());
        for (int fd : byFd.keySet()) {
            String expected = byFd.get(fd);
            String is = actual.get(fd);
            if (!expected.equals(is)) {
                throw new Changed(Names.printable(relOf.get(fd).isEmpty() ? "." : relOf.get(fd))
                        + " changed while the run was working: it now leads to "
                        + (is == null ? "something else" : Names.printable(is)) + ", which is not written through");
            }
            held.put(relOf.get(fd), fd);
        }
    }

    private Map<Integer, String> readLinks(Set<Integer> fds) throws IOException {
        Map<Integer, String> out = new HashMap<>();
        SftpPipeline pipe = SftpPipeline.of(sftp, Tunables.SFTP_COMMIT_WINDOW.get());
        if (pipe == null) {
            for (int fd : fds) {
                out.put(fd, sftp.readLink(shell.fdPath(fd)));
            }
            return out;
        }
        IOException[] failure = new IOException[1];
        for (int fd : fds) {
            pipe.submit(SftpConstants.SSH_FXP_READLINK, SftpPipeline.pathBuffer(shell.fdPath(fd)),
                    e -> failure[0] = new IOException("cannot check the directory held on descriptor " + fd
                            + " of the node's shell (" + shell.fdPath(fd) + "): " + e.getMessage(), e),
                    r -> {
                        Buffer b = r.getBuffer();
                        if (b.getInt() >= 1) {
                            out.put(fd, b.getString(SftpPipeline.NAMES));
                        }
                    });
        }
        pipe.drain();
        if (failure[0] != null) {
            throw failure[0];
        }
        return out;
    }

    private static String describe(List<String> dirs) {
        List<String> shown = new ArrayList<>();
        for (String d : dirs.subList(0, Math.min(3, dirs.size()))) {
            shown.add(Names.printable(d.isEmpty() ? "." : d));
        }
        return String.join(", ", shown) + (dirs.size() > 3 ? " (and " + (dirs.size() - 3) + " more)" : "");
    }

    /** Lets the held directories go (the shell's end would close them too). */
    @Override
    public void close() {
        if (!held.isEmpty() && shell != null) {
            try {
                shell.drop(new ArrayList<>(held.values()));
            } catch (IOException | RuntimeException e) {
                LOG.debug("dropping held directories: {}", e.toString());
            }
            held.clear();
        }
    }

    /** The open directories of a tree once the plan's new directories are in it: a directory made in an open one is open too. */
    public static Set<String> withNewDirs(Set<String> openDirs, Collection<String> newDirsParentsFirst) {
        Set<String> out = new HashSet<>(openDirs);
        for (String d : newDirsParentsFirst) {
            String parent = parentOf(d);
            if (parent != null && out.contains(parent)) {
                out.add(d);
            }
        }
        return out;
    }

    static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    private static String join(String root, String rel) {
        return rel.isEmpty() ? root : root.equals("/") ? "/" + rel : root + "/" + rel;
    }
}
