package org.tlclb.sync.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.remote.DestinationWalk;
import org.tlclb.sync.remote.NodeShell;
import org.tlclb.sync.report.HookResult;
import org.tlclb.sync.run.NodeState.Committed;
import org.tlclb.sync.run.NodeState.Failed;
import org.tlclb.sync.run.NodeState.Prepared;
import org.tlclb.sync.run.NodeState.Shared;
import org.tlclb.sync.run.NodeState.Staged;
import org.tlclb.sync.run.NodeState.Why;
import org.tlclb.sync.run.RunObserver.Phase;
import org.tlclb.sync.scan.ScanResult;
import org.tlclb.sync.ssh.SftpOpening;
import org.tlclb.sync.ssh.SshConnector;
import org.tlclb.sync.transfer.CommitResult;
import org.tlclb.sync.transfer.GenerationMarker;
import org.tlclb.sync.transfer.NodeLock;
import org.tlclb.sync.transfer.NodeOwner;
import org.tlclb.sync.transfer.ScpStager;
import org.tlclb.sync.transfer.StageProgress;

/**
 * The phases of one node's part of a run, each a function from the state the last one left to the
 * next: prepare (connect, lock, list, plan), stage, commit or discard, post-sync. What differs between
 * a node with SFTP and one without is in {@link IncrementalPath} and {@link FullCopyPath}.
 */
final class NodePhases {
    private static final Logger TIMING = LoggerFactory.getLogger("tlclb.timing");
    private final SyncRequest request;
    private final String runId;
    private final SshConnector ssh;
    private final RunObserver observer;
    private final IncrementalPath incremental;
    private final FullCopyPath fullCopy;
    private final Supplier<GenerationMarker> marker;
    private final BiPredicate<String, String> recordedAt;

    /**
     * @param marker     what a node that committed every entry records of itself (the run's generation,
     *                   id and start), asked for once the sources are scanned
     * @param recordedAt whether the admin host's record says node N already holds generation G (it
     *                   wrote N's marker then): a node the run did not change is then left as it is
     */
    NodePhases(SyncRequest request, String runId, SshConnector ssh, RunObserver observer,
               Supplier<List<ScanResult>> sources, PlanCache plans, BooleanSupplier cancelled,
               Supplier<GenerationMarker> marker, BiPredicate<String, String> recordedAt) {
        this.request = request;
        this.runId = runId;
        this.marker = marker;
        this.recordedAt = recordedAt;
        this.ssh = ssh;
        this.observer = observer;
        this.incremental = new IncrementalPath(request, runId, observer, sources, plans, cancelled);
        this.fullCopy = new FullCopyPath(request, observer, sources, cancelled);
    }

    NodeState prepare(NodeTarget target) {
        long t0 = System.nanoTime();
        NodeLink link = null;
        List<String> made = new ArrayList<>();
        NodeLock lock = null;
        try {
            ClientSession session = ssh.connect(target.user(), target.host(), target.port());
            TIMING.debug("{} connected in {} ms", target.display(), (System.nanoTime() - t0) / 1_000_000);
            // The first SCP channel and the node's shell (which takes the node lock) start beside
            // the SFTP channel: scp runs on its channel once a plan needs it, the lock is taken
            // while SFTP opens. A read-only run's shell only says who the login is.
            String primary = request.units().get(0).dest();
            ScpStager.Opening scp = request.dryRun() ? null : ScpStager.reserve(session);
            NodeLock.Request locking = request.dryRun() ? null
                    : NodeLock.request(session, primary, runId, target.display(), NodeLock.thisMachine());
            NodeShell identity = request.dryRun() ? NodeShell.identify(session) : null;
            SftpClient sftp;
            try {
                sftp = SftpOpening.open(session).orElse(null);
            } catch (IOException e) {
                session.close(true); // with the scp, lock and identity channels opened beside
                throw e;
            }
            link = new NodeLink(session, sftp);
            TIMING.debug("{} SFTP open at {} ms", target.display(), (System.nanoTime() - t0) / 1_000_000);
            observer.nodeDone(target.display(), Phase.CONNECT, true);
            if (sftp == null) {
                if (scp != null) {
                    scp.close();
                }
                if (locking != null) {
                    locking.cancel();
                }
                if (identity != null) {
                    identity.close();
                }
                return fullCopy.prepare(target, link, t0);
            }
            int uid;
            int gid;
            if (locking != null) {
                try {
                    lock = NodeLock.acquire(locking, sftp, link.replyTimeout(),
                            u -> DestinationResolver.resolve(sftp, primary, u, true, made));
                    TIMING.debug("{} locked at {} ms", target.display(), (System.nanoTime() - t0) / 1_000_000);
                } catch (NodeLock.SameStorage same) {
                    RemoteDirs.removeMade(sftp, made);
                    observer.nodeDone(target.display(), Phase.LIST, true);
                    return new Shared(target, same.node(), link, List.of(), t0);
                } catch (NodeLock.Held held) {
                    RemoteDirs.removeMade(sftp, made);
                    observer.nodeDone(target.display(), Phase.LIST, false);
                    return new Failed(target, Why.LOCKED, held.getMessage(), List.of(), t0,
                            new Prepared(target, link, false, List.of(), null, List.of(), null, List.of(), t0));
                }
                uid = lock.loginUid();
                gid = lock.loginGid();
            } else {
                NodeShell.Answer who = identity.answer(link.replyTimeout());
                identity.close();
                uid = who == null ? -1 : who.uid();
                gid = who == null ? -1 : who.gid();
            }
            List<NodeLock.Destination> dests = new ArrayList<>();
            for (SyncUnit u : request.units()) {
                dests.add(lock != null && dests.isEmpty() ? lock.destination()
                        : DestinationResolver.resolve(sftp, u.dest(), uid, false, made));
            }
            NodeOwner owner = request.owner() == null || lock == null ? null
                    : NodeOwner.resolve(sftp, request.owner(), uid, gid);
            Prepared p = incremental.prepare(target, link, lock, made, owner, scp, t0, dests, uid);
            observer.nodeDone(target.display(), Phase.LIST, true);
            return p;
        } catch (DestinationWalk.Unsafe e) {
            observer.nodeDone(target.display(), Phase.LIST, false);
            Prepared partial = link == null ? null
                    : new Prepared(target, link, false, List.of(), lock, made, null, List.of(), t0);
            return new Failed(target, Why.REFUSED, e.getMessage(), List.of(), t0, partial);
        } catch (IOException | RuntimeException e) {
            observer.nodeDone(target.display(), Phase.LIST, false);
            Prepared partial = link == null ? null
                    : new Prepared(target, link, false, List.of(), lock, made, null, List.of(), t0);
            boolean bug = e instanceof RuntimeException;
            return new Failed(target, bug ? Why.INTERNAL : Why.ERROR, bug ? "internal error: " + e : message(e),
                    List.of(), t0, partial);
        }
    }

    NodeState stage(NodeState state) {
        if (!(state instanceof Prepared p)) {
            return state;
        }
        NodeState next = p.fullCopy() ? fullCopy.stage(p) : incremental.stage(p);
        observer.nodeDone(p.target().display(), Phase.STAGE, next instanceof Staged);
        return next;
    }

    NodeState commit(NodeState state) {
        if (!(state instanceof Staged s)) {
            return state;
        }
        NodeState next = s.prepared().fullCopy() ? fullCopy.commit(s) : incremental.commit(s, runId);
        if (next instanceof Committed c) {
            next = recorded(c);
        }
        observer.nodeDone(s.target().display(), Phase.COMMIT, next instanceof Committed c && c.result().errors().isEmpty());
        return next;
    }

    /**
     * A node that committed every entry records the generation in its state area, unless the run did
     * not change it and this machine's record says it holds that generation already (so a run with
     * nothing to do costs no write; the marker keeps the run that brought the generation, as the
     * record does). A marker that cannot be written is a warning: the files are committed.
     */
    private Committed recorded(Committed c) {
        Prepared p = c.staged().prepared();
        CommitResult r = c.result();
        if (c.crashed() || !r.errors().isEmpty() || !r.notCarried().isEmpty() || p.lock() == null || p.fullCopy()) {
            return c; // a node without SFTP (a full SCP copy) keeps no record of its own
        }
        try {
            GenerationMarker now = marker.get();
            if (r.created() + r.updated() + r.deleted() == 0 && recordedAt.test(p.target().display(), now.generation())) {
                return c; // it holds that generation already, and its marker says so (names the run that brought it)
            }
            now.write(p.link().sftp(), p.lock().area().area());
            return c;
        } catch (IOException | RuntimeException e) {
            List<String> warnings = new ArrayList<>(c.warnings());
            warnings.add("the node's own record of this run (" + GenerationMarker.NAME + ") could not be written: "
                    + e.getMessage());
            return new Committed(c.staged(), r, false, c.hook(), warnings);
        }
    }

    /** Removes what the node staged or made (all-or-nothing, a declined or interrupted run). */
    void discard(NodeState state) {
        NodeState what = state instanceof Failed f ? f.before() : state;
        if (what instanceof Staged s && !s.prepared().fullCopy()) {
            incremental.discard(s.prepared(), s.staged());
        } else if (what instanceof Prepared p && !p.fullCopy()) {
            incremental.discard(p, List.of());
        }
    }

    String runId() {
        return runId;
    }

    NodeState hook(NodeState state) {
        if (state instanceof Committed c && request.postSync() != null && c.result().errors().isEmpty()
                && (c.result().changedAnything() || c.staged().prepared().fullCopy())) {
            Prepared p = c.staged().prepared();
            HookResult h = RemoteCommand.run(p.link().session(), request.postSync(), Tunables.HOOK_TIMEOUT.get());
            return c.withHook(h);
        }
        return state;
    }

    /** Releases the node lock, the scp sinks opened ahead, and the connection. */
    static void close(NodeState state) {
        Prepared p = prepared(state);
        if (p != null) {
            for (UnitWork u : p.units()) {
                if (u.scp() != null) {
                    u.scp().close();
                }
            }
            long t0 = System.nanoTime();
            if (p.lock() != null) {
                p.lock().close();
            }
            TIMING.debug("{} lock released in {} ms", p.target().display(), (System.nanoTime() - t0) / 1_000_000);
            p.link().close();
            TIMING.debug("{} closed in {} ms", p.target().display(), (System.nanoTime() - t0) / 1_000_000);
        } else if (state instanceof Shared s) {
            s.link().close();
        }
    }

    /** The prepared state a later state grew from, if any. */
    static Prepared prepared(NodeState state) {
        if (state instanceof Prepared p) {
            return p;
        }
        if (state instanceof Staged s) {
            return s.prepared();
        }
        if (state instanceof Committed c) {
            return c.staged().prepared();
        }
        if (state instanceof NodeState.RolledBack r) {
            return r.committed().staged().prepared();
        }
        if (state instanceof Failed f && f.before() != null) {
            return prepared(f.before());
        }
        return null;
    }

    /** What a node's staging reports, passed on to the run's observer under the node's name. */
    static StageProgress progress(RunObserver observer, String node) {
        return new StageProgress() {
            @Override
            public void bytes(long n) {
                observer.bytesSent(node, n);
            }

            @Override
            public void file() {
                observer.fileSent(node);
            }
        };
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
