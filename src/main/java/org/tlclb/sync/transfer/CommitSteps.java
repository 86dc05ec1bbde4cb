package org.tlclb.sync.transfer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.remote.NodePaths;
import org.tlclb.sync.scan.Names;
import org.tlclb.sync.ssh.SftpPipeline;

/**
 * The requests a commit (or a discard) makes on one destination: waves of independent requests
 * sent through one SFTP pipeline, single operations, and the per-entry errors they leave (the
 * rest goes on past them).
 */
final class CommitSteps {
    private final SftpClient sftp;
    private final NodePaths paths;
    private final SftpPipeline pipeline;
    private final List<String> errors = new ArrayList<>();

    CommitSteps(SftpClient sftp, NodePaths paths) {
        this.sftp = sftp;
        this.paths = paths;
        this.pipeline = SftpPipeline.of(sftp, Tunables.SFTP_COMMIT_WINDOW.get());
        if (pipeline == null) {
            throw new IllegalArgumentException("the commit needs an SFTP version 3 client");
        }
    }

    SftpClient sftp() {
        return sftp;
    }

    /** The destination's resolved path. */
    String root() {
        return paths.root();
    }

    /** The SFTP path of entry {@code rel}, for an operation on the entry itself ({@link NodePaths#of}). */
    String of(String rel) {
        return paths.of(rel);
    }

    /** The SFTP path of directory {@code dir}, for its own attributes ({@link NodePaths#self}). */
    String self(String dir) {
        return paths.self(dir);
    }

    /** The SFTP path of what the stream wrote at {@code streamPath} ({@link NodePaths#staged}). */
    String staged(String streamPath) {
        return paths.staged(streamPath);
    }

    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    void error(String message) {
        synchronized (errors) {
            errors.add(message);
        }
    }

    interface Step<T> {
        void submit(SftpPipeline p, T item) throws IOException;
    }

    /** Sends one independent request per item through the pipeline and waits for all the replies. */
    <T> void wave(List<T> items, Step<T> step) {
        if (items.isEmpty()) {
            return;
        }
        try {
            for (T item : items) {
                step.submit(pipeline, item);
            }
            pipeline.drain();
        } catch (IOException e) {
            error("SFTP channel failed during commit: " + e.getMessage());
        }
    }

    /** One rename through the pipeline, waited for (the plain client's rename has no POSIX semantics). */
    void rename(String from, String to) throws IOException {
        IOException[] failure = new IOException[1];
        pipeline.posixRename(from, to, e -> failure[0] = e);
        pipeline.drain();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    void fail(String what, String path, IOException e) {
        error("cannot " + what + " " + Names.printable(path.isEmpty() ? "." : path) + ": " + e.getMessage());
    }

    void failUnlessGone(String what, String path, IOException e) {
        if (!(e instanceof SftpException se && se.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE)) {
            fail(what, path, e);
        }
    }

    interface Op {
        void run() throws IOException;
    }

    /** Runs one operation; false (and an error naming the entry) when it failed. */
    boolean op(String what, String path, Op op) {
        try {
            op.run();
            return true;
        } catch (IOException e) {
            fail(what, path, e);
            return false;
        }
    }
}
