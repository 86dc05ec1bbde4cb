package org.tlclb.sync.ssh;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Opening a node's SFTP subsystem, telling the one answer that means "this node has no SFTP" from every other
 * failure. Only a server that refuses the subsystem request (SSH_MSG_CHANNEL_FAILURE to {@code subsystem sftp},
 * as sshd answers without a {@code Subsystem sftp} line) gets the SCP-only path; a channel the server will not
 * open (its session limit), no answer in time, or a channel that ends before SFTP's first answer (a broken
 * sftp-server) is a failure of the node with its reason, never a silent full copy (issue 29, part 6).
 */
public final class SftpOpening {
    /** The attempt under way on a session, seen by the SFTP channel that {@link PipelinedSftpClient} makes. */
    static final AttributeKey<Attempt> ATTEMPT = new AttributeKey<>();

    /**
     * How long a failed opening waits for the answer to the subsystem request when the channel ended before it
     * was read (MINA's sshd closes the channel and answers in the same breath).
     */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(2);

    /** The server's answer to the subsystem request of an opening under way: true for a refusal. */
    static final class Attempt {
        private final CompletableFuture<Boolean> answer = new CompletableFuture<>();
        private volatile boolean done;

        /** The server answered; whether this attempt was still under way (a refusal then closes the channel). */
        boolean answered(boolean refused) {
            if (done) {
                return false;
            }
            answer.complete(refused);
            return true;
        }

        boolean refused(Duration wait) {
            try {
                return answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private SftpOpening() {
    }

    /**
     * The node's SFTP client, or empty when its server refuses the SFTP subsystem.
     *
     * @throws IOException any other failure to open it, saying why
     */
    public static Optional<PipelinedSftpClient> open(ClientSession session) throws IOException {
        Attempt attempt = new Attempt();
        session.setAttribute(ATTEMPT, attempt);
        CoreModuleProperties.REQUEST_SUBSYSTEM_REPLY.set(session, true); // a refusal is then said, not guessed
        try {
            return Optional.of(PipelinedSftpClient.open(session));
        } catch (IOException e) {
            if (!channelRefused(e) && attempt.refused(ANSWER_GRACE)) { // no channel: no subsystem request
                return Optional.empty();
            }
            throw new IOException(why(e), e);
        } finally {
            attempt.done = true;
            session.removeAttribute(ATTEMPT);
        }
    }

    /** The message of a failure to open SFTP that is not a refusal (MINA wraps the cause: it is looked for). */
    static String why(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SshChannelOpenException) {
                return "cannot open SFTP: the node opens no more channels on this connection (" + message(t)
                        + "; its sshd's MaxSessions?)";
            } else if (t instanceof SocketTimeoutException) {
                return "cannot open SFTP: the node's SFTP server did not answer (" + message(t) + ")";
            } else if (t instanceof EOFException) {
                return "cannot open SFTP: the node's SFTP server ended before answering (" + message(t) + ")";
            }
        }
        return "cannot open SFTP: " + message(e);
    }

    private static boolean channelRefused(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SshChannelOpenException) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
