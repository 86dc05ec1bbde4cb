package org.tlclb.sync.run;

import java.io.IOException;
import java.time.Duration;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * A node's connection for the run: the SSH session and, when the node has the subsystem, the
 * SFTP channel (null for a node that only speaks SCP).
 */
record NodeLink(ClientSession session, SftpClient sftp) implements AutoCloseable {

    /** The longest wait for any one answer of the node: the session's idle timeout, from ConnectTimeout. */
    Duration replyTimeout() {
        return CoreModuleProperties.IDLE_TIMEOUT.getRequired(session);
    }

    @Override
    public void close() {
        if (sftp != null) {
            try {
                sftp.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        session.close(true);
    }
}
