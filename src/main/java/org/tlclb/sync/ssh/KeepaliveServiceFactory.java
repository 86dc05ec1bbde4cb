package org.tlclb.sync.ssh;

import java.io.IOException;

import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * MINA's connection service, with the route's ServerAliveInterval and ServerAliveCountMax as its heartbeat: a
 * keepalive request every interval, and the connection given up after that many go unanswered, as ssh does. The
 * service reads its heartbeat settings when it is created, inside the session's constructor, so they are put on
 * the session here, just before.
 */
final class KeepaliveServiceFactory extends ClientConnectionServiceFactory {
    /** What ssh sends as its keepalive request; any answer, even a refusal, proves the peer alive. */
    private static final String KEEPALIVE_REQUEST = "keepalive@openssh.com";

    @Override
    public Service create(Session session) throws IOException {
        if (session instanceof ClientSession cs && cs.getConnectionContext() != null) {
            SshRoute route = cs.getConnectionContext().getAttribute(SshRoute.ATTRIBUTE);
            if (route != null && !route.serverAliveInterval().isZero()) {
                CoreModuleProperties.HEARTBEAT_INTERVAL.set(cs, route.serverAliveInterval());
                CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(cs, Math.max(1, route.serverAliveCountMax()));
                CoreModuleProperties.HEARTBEAT_REQUEST.set(cs, KEEPALIVE_REQUEST);
            }
        }
        return super.create(session);
    }
}
