package org.tlclb.sync.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.ssh.SshConnector;
import org.tlclb.sync.transfer.BackupRestore;
import org.tlclb.sync.transfer.CommitOptions;
import org.tlclb.sync.ssh.PipelinedSftpClient;
import org.tlclb.sync.transfer.SftpCommitter;

/** tlclb rollback across the nodes: each node restores a run's backup (the newest when none is named). */
public final class RollbackRun {
    /** One node's outcome. */
    public record Outcome(String node, String run, int restored, String error) {
    }

    private RollbackRun() {
    }

    public static List<Outcome> execute(SshOptions sshOptions, List<NodeTarget> nodes, List<String> dests, String run,
                                        int parallel) throws org.tlclb.sync.ssh.IdentityException {
        try (SshConnector ssh = SshSetup.connector(sshOptions, nodes)) {
            return execute(ssh, nodes, dests, run, parallel);
        }
    }

    private static List<Outcome> execute(SshConnector ssh, List<NodeTarget> nodes, List<String> dests, String run,
                                         int parallel) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, nodes.size())));
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (NodeTarget t : nodes) {
                if (!t.nosync()) {
                    futures.add(pool.submit(() -> restore(ssh, t, dests, run)));
                }
            }
            List<Outcome> out = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                try {
                    out.add(f.get());
                } catch (Exception e) {
                    out.add(new Outcome("?", run, 0, e.toString()));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome restore(SshConnector ssh, NodeTarget t, List<String> dests, String wanted) {
        String used = wanted;
        int restored = 0;
        List<String> errors = new ArrayList<>();
        try (ClientSession session = ssh.connect(t.user(), t.host(), t.port());
             SftpClient sftp = PipelinedSftpClient.open(session)) {
            for (String dest : dests) {
                String run = wanted;
                if (run == null) {
                    List<String> runs = new SftpCommitter(sftp, dest, CommitOptions.plain()).backupRuns();
                    if (runs.isEmpty()) {
                        continue;
                    }
                    run = runs.get(runs.size() - 1);
                }
                used = run;
                BackupRestore r = new BackupRestore(sftp, dest);
                try {
                    restored += r.restore(run);
                } catch (IOException e) {
                    if (wanted != null) {
                        errors.add(dest + ": no backup of run " + run + " (" + e.getMessage() + ")");
                    }
                    continue;
                }
                errors.addAll(r.errors());
            }
        } catch (IOException e) {
            return new Outcome(t.display(), used, restored, e.getMessage());
        }
        return new Outcome(t.display(), used, restored, errors.isEmpty() ? null : String.join("; ", errors));
    }
}
