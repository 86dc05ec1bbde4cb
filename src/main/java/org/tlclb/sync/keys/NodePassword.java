package org.tlclb.sync.keys;

import java.util.Arrays;

import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.ssh.PasswordSource;
import org.tlclb.sync.ssh.Prompter;

/**
 * The password of the node being worked on: asked at most once per node, and only when MINA reaches password
 * authentication, i.e. after every key was refused. Without a terminal it is never asked; the need is recorded.
 */
final class NodePassword implements PasswordSource {
    private final Prompter prompter;
    private char[] password;
    private boolean asked;
    private boolean neededWithoutTerminal;

    NodePassword(Prompter prompter) {
        this.prompter = prompter;
    }

    synchronized void begin(NodeTarget node) {
        forget();
        asked = false;
        neededWithoutTerminal = false;
    }

    @Override
    public synchronized String password(String user, String host, int port) {
        if (!prompter.interactive()) {
            neededWithoutTerminal = true;
            return null;
        }
        if (!asked) {
            asked = true;
            password = prompter.secret(user + "@" + host + (port == 22 ? "" : ":" + port) + "'s password: ");
        }
        // MINA takes a String; a retried connection reuses the answer instead of asking again.
        return password == null ? null : new String(password);
    }

    synchronized boolean given() {
        return asked && password != null;
    }

    synchronized boolean declined() {
        return asked && password == null;
    }

    synchronized boolean neededWithoutTerminal() {
        return neededWithoutTerminal;
    }

    synchronized void forget() {
        if (password != null) {
            Arrays.fill(password, '\0');
            password = null;
        }
    }
}
