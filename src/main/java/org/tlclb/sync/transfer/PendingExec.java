package org.tlclb.sync.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.sshd.client.channel.ChannelSession;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A session channel opened before the command it will run is known. Opening one costs the node
 * a session slot and no process (OpenSSH starts the shell on the exec request), so it can be
 * opened while the node is still listed, and the round trip of its opening is gone by the time
 * the plan says whether {@code scp} must run at all.
 */
final class PendingExec extends ChannelSession {
    private boolean started;

    private PendingExec() {
    }

    /** A new channel of the session; {@link #open()} sends its opening. */
    static PendingExec register(ClientSession session) throws IOException {
        PendingExec channel = new PendingExec();
        session.getService(ConnectionService.class).registerChannel(channel);
        return channel;
    }

    /**
     * Sends the exec request for {@code command}, once: call it after the channel is open and
     * before anything is written to it. The node's reply is not awaited (as MINA's exec
     * channels do by default): a command that cannot start shows as the channel's end.
     */
    synchronized void start(String command) throws IOException {
        if (started) {
            return;
        }
        started = true;
        byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
        Buffer b = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, bytes.length + 64);
        b.putUInt(getRecipient());
        b.putString(Channel.CHANNEL_EXEC);
        b.putBoolean(false);
        b.putBytes(bytes);
        writePacket(b);
    }
}
