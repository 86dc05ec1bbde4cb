package org.tlclb.sync.run;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.remote.DestinationWalk;
import org.tlclb.sync.remote.NodeShell;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.RunStop;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.SftpOpening;
import org.tlclb.sync.ssh.SshConnector;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.transfer.BackupArea;
import org.tlclb.sync.transfer.BackupRestore;
import org.tlclb.sync.transfer.NodeLock;

/**
 * tlclb rollback across the nodes: each node lists its backups, picks the run (the one named, or
 * its newest), shows what it would put back, and (unless a dry run, and once the user agrees)
 * restores it under the node lock, the same lock a push takes.
 */
public final class RollbackRun {
    private final SshOptions sshOptions;
    private final RunObserver observer;
    private final StopRequest stop;

    /**
     * @param stop Ctrl-C / SIGTERM: while the nodes are being looked at, the run drops its
     *             connections and reports exit 5 with nothing changed; a restore under way completes
     */
    public RollbackRun(SshOptions sshOptions, RunObserver observer, StopRequest stop) {
        this.sshOptions = sshOptions;
        this.observer = observer;
        this.stop = stop;
    }

    /** One node's rollback as it goes. */
    private record NodeRollback(NodeTarget target, ClientSession session, SftpClient sftp, List<Pick> picks,
                                String error, long startNanos) {
    }

    /**
     * The run chosen for one destination, and what restoring it puts back.
     *
     * @param dest the destination as asked for
     * @param root where it is on the node ({@link DestinationResolver})
     */
    private record Pick(String dest, String root, String run, BackupRestore.Result preview) {
    }

    /**
     * @param confirm asked once, before anything changes, with the question; false declines
     */
    public RunReport execute(RollbackRequest req, Predicate<String> confirm) throws IdentityException {
        Instant start = Instant.now();
        String runId = SyncRun.newRunId(start);
        RunMode mode = req.dryRun() ? RunMode.ROLLBACK_DRY_RUN : RunMode.ROLLBACK;
        List<NodeTarget> targets = req.nodes().stream().filter(t -> !t.nosync()).toList();
        try (SshConnector ssh = SshSetup.connector(sshOptions, req.nodes());
             Pool pool = new Pool(req.parallel(), targets.size())) {
            observer.started(targets.size());
            stop.onRequest(ssh::close);
            List<NodeRollback> nodes = pool.each(targets, t -> look(ssh, t, req));
            stop.clearActions(); // from here on a stop request is only read: a restore under way completes
            List<String> changing = nodes.stream().filter(n -> n.error() == null
                    && n.picks().stream().anyMatch(p -> p.preview().count() > 0)).map(n -> n.target().display()).toList();
            RunStop end = RunStop.NONE;
            List<NodeResult> results;
            if (stop.requested()) {
                end = RunStop.INTERRUPTED;
                results = nodes.stream().map(RollbackRun::notRestored).toList();
            } else if (req.dryRun()) {
                results = nodes.stream().map(n -> result(n, null, true)).toList();
            } else if (!changing.isEmpty() && !confirm.test(question(nodes, changing))) {
                end = stop.requested() ? RunStop.INTERRUPTED : RunStop.DECLINED;
                results = nodes.stream().map(RollbackRun::notRestored).toList();
            } else {
                results = pool.each(nodes, n -> restore(n, runId));
            }
            nodes.forEach(RollbackRun::close);
            observer.finished();
            results.forEach(observer::result);
            List<NodeResult> all = new ArrayList<>(results);
            req.nodes().stream().filter(NodeTarget::nosync).forEach(t -> all.add(NodeResult.skipped(t.display(), "nosync")));
            return new RunReport(runId, "tlclb rollback", mode, start, Instant.now(), req.dests(), all, end, List.of());
        }
    }

    private NodeRollback look(SshConnector ssh, NodeTarget t, RollbackRequest req) {
        long t0 = System.nanoTime();
        ClientSession session = null;
        SftpClient sftp = null;
        try {
            session = ssh.connect(t.user(), t.host(), t.port());
            observer.nodeDone(t.display(), RunObserver.Phase.CONNECT, true);
            NodeShell identity = NodeShell.identify(session);
            sftp = SftpOpening.open(session).orElseThrow(() -> new IOException(
                    "the node has no SFTP subsystem: a rollback needs it (a full SCP copy keeps no backup)"));
            NodeShell.Answer who = identity.answer(CoreModuleProperties.IDLE_TIMEOUT.getRequired(session));
            identity.close();
            List<Pick> picks = new ArrayList<>();
            for (String dest : req.dests()) {
                String root = DestinationResolver.resolve(sftp, dest, who == null ? -1 : who.uid(), false,
                        new ArrayList<>()).path();
                BackupArea area = new BackupArea(sftp, root);
                List<String> runs = area.runs();
                String run = req.runId();
                if (run == null) {
                    if (runs.isEmpty()) {
                        continue;
                    }
                    run = runs.get(runs.size() - 1);
                } else if (!runs.contains(run)) {
                    if (req.dests().size() > 1) {
                        continue; // the run changed only some of the destinations
                    }
                    throw new IOException("no backup of run " + run + " in " + dest + " (backups there: "
                            + (runs.isEmpty() ? "none" : String.join(", ", runs)) + ")");
                }
                BackupRestore.Result preview = area.restore(run, true, null);
                observer.restoring(t.display(), dest, run, preview.restored(), preview.attributes());
                picks.add(new Pick(dest, root, run, preview));
            }
            observer.nodeDone(t.display(), RunObserver.Phase.LIST, true);
            return new NodeRollback(t, session, sftp, picks, null, t0);
        } catch (IOException | DestinationWalk.Unsafe | RuntimeException e) {
            observer.nodeDone(t.display(), RunObserver.Phase.LIST, false);
            return new NodeRollback(t, session, sftp, List.of(), NodePhases.message(e), t0);
        }
    }

    private NodeResult restore(NodeRollback n, String runId) {
        if (n.error() != null || n.picks().isEmpty()) {
            return result(n, null, false);
        }
        List<String> errors = new ArrayList<>();
        int restored = 0;
        NodeLock lock = null;
        try {
            Pick first = n.picks().get(0);
            NodeLock.Request req = NodeLock.request(n.session(), first.root(), runId, n.target().display(),
                    NodeLock.thisMachine());
            lock = NodeLock.acquire(req, n.sftp(), CoreModuleProperties.IDLE_TIMEOUT.getRequired(n.session()),
                    u -> DestinationResolver.resolve(n.sftp(), first.dest(), u, false, new ArrayList<>()));
            for (int i = 0; i < n.picks().size(); i++) {
                Pick p = n.picks().get(i);
                BackupArea area = i == 0 ? lock.area() : new BackupArea(n.sftp(), p.root());
                BackupRestore.Result r = area.restore(p.run(), false, lock);
                restored += r.count();
                errors.addAll(r.errors());
            }
        } catch (IOException | NodeLock.Held | NodeLock.SameStorage | DestinationWalk.Unsafe | RuntimeException e) {
            errors.add(NodePhases.message(e));
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
        observer.nodeDone(n.target().display(), RunObserver.Phase.COMMIT, errors.isEmpty());
        NodeStatus status = errors.isEmpty() ? NodeStatus.OK : restored > 0 ? NodeStatus.PARTIAL : NodeStatus.FAILED;
        return new NodeResult(n.target().display(), status, 0, restored, 0, 0, 0, seconds(n),
                errors.isEmpty() ? null : String.join("; ", errors), List.of(), null, "sftp", runs(n));
    }

    /** A node the run did not restore (declined, interrupted): nothing changed there. */
    private static NodeResult notRestored(NodeRollback n) {
        return new NodeResult(n.target().display(), NodeStatus.ABORTED, 0, 0, 0, 0, 0, seconds(n), n.error(), List.of(),
                null, "sftp", null);
    }

    private static NodeResult result(NodeRollback n, String error, boolean planned) {
        String err = error != null ? error : n.error();
        if (err != null) {
            return new NodeResult(n.target().display(), NodeStatus.FAILED, 0, 0, 0, 0, 0, seconds(n), err, List.of(),
                    null, null, null);
        }
        int count = n.picks().stream().mapToInt(p -> p.preview().count()).sum();
        return new NodeResult(n.target().display(), planned ? NodeStatus.PLANNED : NodeStatus.OK, 0, count, 0, 0, 0,
                seconds(n), null, n.picks().isEmpty() ? List.of("no backups here") : List.of(), null, "sftp", runs(n));
    }

    private static String runs(NodeRollback n) {
        return n.picks().isEmpty() ? null : "run " + String.join(", ", n.picks().stream().map(Pick::run).distinct().toList());
    }

    private static String question(List<NodeRollback> nodes, List<String> changing) {
        int entries = nodes.stream().flatMap(n -> n.picks().stream()).mapToInt(p -> p.preview().count()).sum();
        List<String> runs = nodes.stream().flatMap(n -> n.picks().stream()).map(Pick::run).distinct().toList();
        return "Restore run " + String.join(", ", runs) + " on " + String.join(", ", changing) + " (" + entries
                + " entries)? [y/N]";
    }

    private static double seconds(NodeRollback n) {
        return (System.nanoTime() - n.startNanos()) / 1e9;
    }

    private static void close(NodeRollback n) {
        try {
            if (n.sftp() != null) {
                n.sftp().close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        if (n.session() != null) {
            n.session().close(true);
        }
    }

    /** The nodes worked on at once. */
    private static final class Pool implements AutoCloseable {
        private final ExecutorService pool;

        Pool(int parallel, int nodes) {
            this.pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, Math.max(1, nodes))));
        }

        <T, R> List<R> each(List<T> items, Function<T, R> step) {
            return NodeWork.each(pool, items, step, "the rollback");
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
