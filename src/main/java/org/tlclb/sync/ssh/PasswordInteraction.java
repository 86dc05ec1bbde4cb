package org.tlclb.sync.ssh;

import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.session.ClientSession;

/**
 * Asks for a node's password only after its keys were refused, once per connection, and only when a
 * terminal is there (the source is {@link PasswordSource#NONE} otherwise, and then nothing is asked).
 */
final class PasswordInteraction implements UserInteraction {
    private final PasswordSource source;
    private final String user;
    private final String host;
    private final int port;
    private boolean asked;

    PasswordInteraction(PasswordSource source, String user, String host, int port) {
        this.source = source;
        this.user = user;
        this.host = host;
        this.port = port;
    }

    @Override
    public boolean isInteractionAllowed(ClientSession session) {
        return source != PasswordSource.NONE;
    }

    @Override
    public synchronized String resolveAuthPasswordAttempt(ClientSession session) {
        if (asked) {
            return null;
        }
        asked = true;
        return source.password(user, host, port);
    }

    @Override
    public String[] interactive(ClientSession session, String name, String instruction, String lang,
                                String[] prompt, boolean[] echo) {
        return null;
    }

    @Override
    public String getUpdatedPassword(ClientSession session, String prompt, String lang) {
        return null;
    }
}
