package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.junit.jupiter.api.Test;

/** What a failure to open SFTP that is not a refusal says (issue 29, part 6). */
class SftpOpeningTest {
    @Test
    void eachKindOfFailureSaysWhatHappened() {
        assertThat(SftpOpening.why(new SshChannelOpenException(3, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                "open failed"))).isEqualTo("cannot open SFTP: the node opens no more channels on this connection"
                        + " (open failed; its sshd's MaxSessions?)");
        assertThat(SftpOpening.why(new SocketTimeoutException("No incoming initialization response received within"
                + " 15000 msec."))).startsWith("cannot open SFTP: the node's SFTP server did not answer (No incoming");
        assertThat(SftpOpening.why(new EOFException("Closing while await init message")))
                .isEqualTo("cannot open SFTP: the node's SFTP server ended before answering (Closing while await"
                        + " init message)");
        assertThat(SftpOpening.why(new IOException("Connection reset"))).isEqualTo("cannot open SFTP: Connection reset");
        assertThat(SftpOpening.why(new IOException())).isEqualTo("cannot open SFTP: IOException");
        assertThat(SftpOpening.why(new IOException("DefaultOpenFuture[...]: Failed", new SshChannelOpenException(1,
                SshConstants.SSH_OPEN_UNKNOWN_CHANNEL_TYPE, "Unsupported channel type: session"))))
                .as("MINA's future wraps the cause").isEqualTo("cannot open SFTP: the node opens no more channels on"
                        + " this connection (Unsupported channel type: session; its sshd's MaxSessions?)");
    }
}
