package org.tlclb.sync.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.plan.TempNames;
import org.tlclb.sync.remote.DestinationWalk;
import org.tlclb.sync.remote.NodeShell;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.SftpOpening;
import org.tlclb.sync.ssh.SshConnector;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.transfer.GenerationMarker;

/**
 * {@code tlclb status --rebuild}: reads what each node records of itself ({@link GenerationMarker}
 * in its state area of a destination), read-only, over SFTP. Nothing on a node changes.
 */
public final class MarkerSurvey {
    /**
     * One node's answer.
     *
     * @param node   the node's name, as reports give it
     * @param marker its marker, empty when it has none
     * @param error  why it could not be read, or null
     */
    public record Reading(String node, Optional<GenerationMarker> marker, String error) {
    }

    private final SshOptions ssh;

    public MarkerSurvey(SshOptions ssh) {
        this.ssh = ssh;
    }

    /** Each node's marker of {@code dest}, in the order of {@code nodes} (nosync ones left out). */
    public List<Reading> read(List<NodeTarget> nodes, String dest, int parallel) throws IdentityException {
        List<NodeTarget> targets = nodes.stream().filter(t -> !t.nosync()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, targets.size())));
        try (SshConnector connector = SshSetup.connector(ssh, nodes)) {
            return NodeWork.each(pool, targets, t -> readOne(connector, t, dest), "the survey of the markers");
        } finally {
            pool.shutdownNow();
        }
    }

    private static Reading readOne(SshConnector connector, NodeTarget t, String dest) {
        ClientSession session = null;
        try {
            session = connector.connect(t.user(), t.host(), t.port());
            NodeShell identity = NodeShell.identify(session);
            try (SftpClient sftp = SftpOpening.open(session).orElseThrow(() -> new IOException(
                    "the node has no SFTP: it keeps no record of its own"))) {
                NodeShell.Answer who = identity.answer(CoreModuleProperties.IDLE_TIMEOUT.getRequired(session));
                identity.close();
                String root = DestinationResolver.resolve(sftp, dest, who == null ? -1 : who.uid(), false,
                        new ArrayList<>()).path();
                return new Reading(t.display(), GenerationMarker.read(sftp, root + "/" + TempNames.BACKUP_DIR), null);
            }
        } catch (IOException | DestinationWalk.Unsafe | RuntimeException e) {
            return new Reading(t.display(), Optional.empty(), NodePhases.message(e));
        } finally {
            if (session != null) {
                session.close(true);
            }
        }
    }
}
