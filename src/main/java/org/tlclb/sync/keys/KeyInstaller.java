package org.tlclb.sync.keys;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.sshd.client.session.ClientSession;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.NodeConnectException;
import org.tlclb.sync.ssh.PasswordSource;
import org.tlclb.sync.ssh.SshConnector;

/**
 * The engine of {@code tlclb keys install}: makes every node accept the user's key, so that no later run needs a
 * password. Nodes are done one at a time (a node may ask for its password). Per node: log in, keys first; if no
 * key is accepted, with the node's password, asked once without echo; append the public key to the login user's
 * {@code ~/.ssh/authorized_keys} over SFTP; then log in again with the key alone to prove it works.
 * <p>
 * The password is held only while its node is worked on, is never written anywhere, and is never put into a
 * message. Host keys are checked exactly as in a sync run (same known_hosts, same policy).
 */
public final class KeyInstaller implements AutoCloseable {
    /** How long a person may take to type a node's password. */
    private static final Duration PASSWORD_TYPING = Duration.ofMinutes(5);

    /** How a node ended. */
    public enum Status {
        /** A key was already accepted: nothing was changed. */
        ALREADY_INSTALLED,
        /** The key was added and a key-only login then succeeded. */
        INSTALLED,
        /** Not contacted (nosync in sync.conf). */
        SKIPPED,
        FAILED;

        /** Whether the node now accepts the key (or was left alone on purpose). */
        public boolean ok() {
            return this != FAILED;
        }
    }

    /** @param message what to show after "node: " */
    public record Outcome(String node, Status status, String message) {
    }

    /**
     * The key pair that is installed.
     *
     * @param privateKey the private key file
     * @param publicLine the authorized_keys line: the .pub line when there is one for this key, else type and key
     * @param created    true when this run generated the pair
     */
    public record UserKey(Path privateKey, String publicLine, boolean created) {
    }

    private final SshOptions options;
    private final UserKey key;
    private final NodePassword passwords;
    /** Keys first, then the node's password (asked only when no key was accepted). */
    private final SshConnector withPassword;
    /** Keys only: what every later run does; proves the installation. */
    private final SshConnector keysOnly;

    /**
     * @param key   from {@link #ensureKey}
     * @param nodes the nodes that will be passed to {@link #install}, for their ~/.ssh/config IdentityFile entries
     */
    public KeyInstaller(SshOptions options, UserKey key, List<NodeTarget> nodes) throws IdentityException {
        this.options = options;
        this.key = key;
        this.passwords = new NodePassword(options.prompter());
        // Waiting for a person to type the password must not count against the authentication timeout.
        Duration typing = options.prompter().interactive() ? PASSWORD_TYPING : Duration.ZERO;
        this.withPassword = SshSetup.connector(options, nodes, passwords, typing);
        this.keysOnly = SshSetup.connector(options, nodes, PasswordSource.NONE, Duration.ZERO);
    }

    /**
     * The key to install: the first key file the nodes' routes name that exists (-i, IdentityFile of sync.conf,
     * then of the ssh configuration), else the first IdentityFile of the ssh configuration, made now (the runs will
     * offer it), else the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa, else a new ~/.ssh/id_ed25519. A key made
     * here is ed25519, OpenSSH format, no passphrase, mode 0600, its directory created 0700, with a .pub beside it.
     */
    public static UserKey ensureKey(SshOptions o, List<NodeTarget> nodes) throws IdentityException, IOException {
        return UserKeyFiles.ensure(o, nodes);
    }

    public UserKey key() {
        return key;
    }

    /** Works on one node; never throws for a node's problem, which is in the outcome. */
    public Outcome install(NodeTarget node) {
        String name = node.display();
        if (node.nosync()) {
            return new Outcome(name, Status.SKIPPED, "skipped (nosync in sync.conf)");
        }
        passwords.begin(node);
        try {
            ClientSession session;
            try {
                session = withPassword.connect(node.user(), node.host(), node.port());
            } catch (IOException e) {
                return new Outcome(name, Status.FAILED, loginFailure(node, e));
            }
            boolean usedPassword = passwords.given();
            try (session) {
                if (!usedPassword) {
                    return new Outcome(name, Status.ALREADY_INSTALLED, "key already installed");
                }
                passwords.forget(); // logged in: it is not needed again
                AuthorizedKeys.append(session, key.publicLine());
            } catch (IOException e) {
                return new Outcome(name, Status.FAILED, "logged in with the password but could not add the key to "
                        + "~/.ssh/authorized_keys: " + e.getMessage());
            }
            try (ClientSession verified = keysOnly.connect(node.user(), node.host(), node.port())) {
                return new Outcome(name, Status.INSTALLED, "key installed, key login verified");
            } catch (IOException e) {
                return new Outcome(name, Status.FAILED, "the key was added to ~/.ssh/authorized_keys but key login"
                        + " still fails (" + e.getMessage() + "): check that ~ and ~/.ssh are not writable by others"
                        + " and that authorized_keys is 0600 and owned by " + node.user() + " (sshd StrictModes)");
            }
        } finally {
            passwords.forget();
        }
    }

    private String loginFailure(NodeTarget node, IOException e) {
        if (passwords.neededWithoutTerminal()) {
            return "needs a password and there is no terminal: run tlclb keys install from a shell";
        }
        if (passwords.declined()) {
            return "no password was given; the key was not installed";
        }
        String msg = e.getMessage() != null ? e.getMessage() : e.toString();
        // SshConnector's wording for a login that every method failed; its advice (keys install) does not apply here.
        boolean refused = e instanceof NodeConnectException && msg.startsWith("authentication failed");
        if (refused && passwords.given()) {
            return "the password was not accepted for " + node.user() + "@" + node.host() + ":" + node.port();
        }
        if (refused) {
            return "no key was accepted and the node does not offer password login for " + node.user()
                    + ": add " + key.privateKey() + ".pub to ~/.ssh/authorized_keys there by other means";
        }
        return msg;
    }

    @Override
    public void close() {
        passwords.forget();
        withPassword.close();
        keysOnly.close();
    }

}
