package org.tlclb.sync.run;

import java.io.IOException;
import java.time.Duration;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.scan.ScanResult;

/**
 * A node's connection for the run: the SSH session and, when the node has the subsystem, the
 * SFTP channel (null for a node that only speaks SCP).
 */
record NodeLink(ClientSession session, SftpClient sftp) implements AutoCloseable {

    /** The longest wait for any one answer of the node: the session's idle timeout, from ConnectTimeout. */
    Duration replyTimeout() {
        return CoreModuleProperties.IDLE_TIMEOUT.getRequired(session);
    }

    /**
     * The source as this node can take it: OpenSSH's sftp-server and scp take names as bytes, so
     * a name that is not UTF-8 goes as it is; another server (the embedded {@code tlclb node},
     * whose Java filesystem would store U+FFFD) gets the source without such names, each named
     * as not carried.
     */
    ScanResult sourceFor(ScanResult source) {
        String version = session.getServerVersion();
        boolean bytes = version != null && version.startsWith("SSH-2.0-OpenSSH_");
        return bytes || !source.hasRawNames() ? source : source.withoutRawNames();
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
