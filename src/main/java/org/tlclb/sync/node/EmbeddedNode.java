package org.tlclb.sync.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.scp.server.ScpCommandFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.RejectAllPublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An SSH node in a JVM: SCP, SFTP and a few exec commands over a filesystem rooted at a local
 * directory, behaving on the wire like OpenSSH sshd + sftp-server + scp -t, so the client can be
 * tried and tested without a cluster ({@code tlclb node}, scripts/demo, the test suite).
 */
public final class EmbeddedNode implements AutoCloseable {
    private final SshServer server;
    private final Path root;
    private final PublicKey hostKey;

    private EmbeddedNode(SshServer server, Path root, PublicKey hostKey) {
        this.server = server;
        this.root = root;
        this.hostKey = hostKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port actually bound (the ephemeral one when 0 was asked). */
    public int port() {
        return server.getPort();
    }

    public String host() {
        return server.getHost();
    }

    public PublicKey hostKey() {
        return hostKey;
    }

    /** The root as given to the builder (the node's "/"). */
    public Path root() {
        return root;
    }

    /** The line OpenSSH would append to known_hosts for this node ({@code [host]:port} unless port 22). */
    public String knownHostsLine() {
        String name = port() == 22 ? host() : "[" + host() + "]:" + port();
        return name + " " + PublicKeyEntry.toString(hostKey);
    }

    /** The host key fingerprint as ssh-keygen -l shows it ("SHA256:..."). */
    public String hostKeyFingerprint() {
        return KeyUtils.getFingerPrint(hostKey);
    }

    /** Stops listening and closes every session at once (like killing sshd and its children). */
    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs a node until the JVM is interrupted (Ctrl-C): the body of {@code tlclb node}.
     *
     * @param authorizedKeys may be null: then no key is accepted (useful only with a password, which this entry point does not set)
     */
    public static void runForeground(Path root, String host, int port, Path authorizedKeys, Path stateDir)
            throws IOException {
        Builder b = builder().root(root).host(host).port(port).stateDir(stateDir);
        if (authorizedKeys != null) {
            b.authorizedKeys(authorizedKeys);
        }
        EmbeddedNode node = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "tlclb-node-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("node listening on " + node.host() + ":" + node.port() + " root " + node.root()
                + " hostkey " + node.hostKeyFingerprint());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    /** Collects the settings; {@link #start()} builds and binds the server. */
    public static final class Builder {
        private Path root;
        private String host = "127.0.0.1";
        private int port;
        private Path stateDir;
        private Path authorizedKeys;
        private String passwordUser;
        private byte[] password;
        private String allowedUser;
        private boolean sftp = true;

        private Builder() {
        }

        /** Required: the node's "/" ({@code /var/www/html} on the node is {@code dir/var/www/html}). */
        public Builder root(Path dir) {
            this.root = dir;
            return this;
        }

        public Builder host(String bindAddress) {
            this.host = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /** 0 (the default) binds an ephemeral port; {@link EmbeddedNode#port()} tells which. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Where the host key lives; default {@code root/.tlclb-node}. */
        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        /** OpenSSH authorized_keys file; re-read by MINA when it changes. */
        public Builder authorizedKeys(Path file) {
            this.authorizedKeys = file;
            return this;
        }

        /** Also accept password authentication for this user (for {@code tlclb keys install}). */
        public Builder password(String user, String password) {
            this.passwordUser = Objects.requireNonNull(user, "user");
            this.password = Objects.requireNonNull(password, "password").getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** Only this user name may log in; by default any name is accepted when the key matches. */
        public Builder allowedUser(String user) {
            this.allowedUser = user;
            return this;
        }

        /** false: no SFTP subsystem, SCP only, like a node whose sshd_config lacks the Subsystem line. */
        public Builder sftp(boolean enabled) {
            this.sftp = enabled;
            return this;
        }

        public EmbeddedNode start() throws IOException {
            Objects.requireNonNull(root, "root is required");
            Files.createDirectories(root);
            // The jail compares real paths: resolve /tmp -> /private/tmp style links in the root once, here.
            Path realRoot = root.toRealPath();
            SimpleGeneratorHostKeyProvider keys = HostKeyStore.open(stateDir != null ? stateDir : root.resolve(".tlclb-node"));
            PublicKey hostKey = HostKeyStore.load(keys).getPublic();

            SshServer server = SshServer.setUpDefaultServer();
            server.setHost(host);
            server.setPort(port);
            server.setKeyPairProvider(keys);
            tune(server);
            configureAuth(server);
            server.setFileSystemFactory(new JailedFileSystemFactory(realRoot));
            server.setCommandFactory(new NodeCommandFactory(new ScpCommandFactory.Builder().build()));
            server.setShellFactory(null);
            server.setSubsystemFactories(sftp
                    ? Collections.singletonList(new SftpSubsystemFactory.Builder()
                            .withFileSystemAccessor(new HomeDirAccessor()).build())
                    : Collections.emptyList());
            server.start();
            EmbeddedNode node = new EmbeddedNode(server, root, hostKey);
            if (port == 0) {
                // getPort() still says 0 after binding an ephemeral port: take the bound one.
                server.setPort(boundPort(server));
            }
            return node;
        }

        /** Many nodes and many channels per test run: enough I/O threads, and no Nagle delay on small acks. */
        private static void tune(SshServer server) {
            CoreModuleProperties.NIO_WORKERS.set(server, Math.max(4, Runtime.getRuntime().availableProcessors()));
            CoreModuleProperties.TCP_NODELAY.set(server, true);
        }

        private void configureAuth(SshServer server) {
            List<UserAuthFactory> methods = new ArrayList<>();
            methods.add(UserAuthPublicKeyFactory.INSTANCE);
            if (authorizedKeys != null) {
                String only = allowedUser;
                server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorizedKeys) {
                    @Override
                    protected boolean isValidUsername(String username, ServerSession session) {
                        return super.isValidUsername(username, session) && (only == null || only.equals(username));
                    }
                });
            } else {
                server.setPublickeyAuthenticator(RejectAllPublickeyAuthenticator.INSTANCE);
            }
            if (passwordUser != null) {
                String user = passwordUser;
                byte[] expected = password;
                methods.add(UserAuthPasswordFactory.INSTANCE);
                server.setPasswordAuthenticator((u, p, s) -> user.equals(u)
                        && MessageDigest.isEqual(expected, p.getBytes(StandardCharsets.UTF_8)));
            } else {
                server.setPasswordAuthenticator(null);
            }
            // Keyboard-interactive stays off: a client must not be led into a prompt the admin did not expect.
            server.setKeyboardInteractiveAuthenticator(null);
            server.setUserAuthFactories(methods);
        }

        private static int boundPort(SshServer server) {
            for (SocketAddress a : server.getBoundAddresses()) {
                if (a instanceof InetSocketAddress) {
                    return ((InetSocketAddress) a).getPort();
                }
            }
            return server.getPort();
        }
    }
}
