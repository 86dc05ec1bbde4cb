package org.tlclb.sync.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.SshException;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;
import org.tlclb.sync.crypto.NativeCrypto;

/**
 * The one SSH client of a run: connects to nodes in parallel with timeouts and retries, verifies
 * host keys and authenticates. The client is tuned for bulk transfer: aes128-gcm first (native,
 * from Conscrypt: {@link NativeGcm}), TCP_NODELAY on (off costs ~40 ms per channel open), large windows.
 */
public final class SshConnector implements AutoCloseable {
    private final SshSettings settings;
    private final SshClient client;

    public SshConnector(SshSettings settings) {
        this.settings = settings;
        NativeCrypto.preload();
        this.client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(settings.trust());
        client.addSessionListener(new HostKeyOrder());
        client.setCipherFactories(ciphers());
        client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false, keyExchanges(),
                ClientBuilder.DH2KEX));
        client.setSignatureFactories(signatures());
        client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(settings.identities()));
        // In batch no password is ever tried, so nothing can wait for one.
        client.setUserAuthFactories(settings.passwords() == PasswordSource.NONE
                ? List.of(UserAuthPublicKeyFactory.INSTANCE)
                : List.of(UserAuthPublicKeyFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
        CoreModuleProperties.PASSWORD_PROMPTS.set(client, 1);
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        CoreModuleProperties.SOCKET_KEEPALIVE.set(client, true);
        CoreModuleProperties.WINDOW_SIZE.set(client, 8L * 1024 * 1024);
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, settings.connectTimeout());
        CoreModuleProperties.AUTH_TIMEOUT.set(client, settings.authTimeout());
        CoreModuleProperties.CHANNEL_OPEN_TIMEOUT.set(client, settings.connectTimeout());
        CoreModuleProperties.IDLE_TIMEOUT.set(client, settings.idleTimeout());
        // A node that stops reading must not block a write forever.
        CoreModuleProperties.WINDOW_TIMEOUT.set(client, settings.idleTimeout());
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, settings.idleTimeout().plusSeconds(15));
        CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(client, 0);
        client.start();
    }

    /**
     * Connects and authenticates, retrying connection failures (not refusals) with backoff.
     *
     */
    public ClientSession connect(String user, String host, int port) throws IOException {
        NodeConnectException last = null;
        for (int attempt = 0; attempt <= settings.retries(); attempt++) {
            if (attempt > 0) {
                sleep(Duration.ofMillis(500L << Math.min(attempt - 1, 5)));
            }
            try {
                return connectOnce(user, host, port);
            } catch (NodeConnectException e) {
                last = e;
                if (!e.retryable()) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private ClientSession connectOnce(String user, String host, int port) throws NodeConnectException {
        ClientSession session = null;
        String where = user + "@" + host + ":" + port;
        try {
            ConnectFuture cf = client.connect(user, host, port,
                    AttributeRepository.ofKeyValuePair(TARGET, new SshdSocketAddress(host, port)), null);
            if (!cf.await(settings.connectTimeout())) {
                cf.cancel();
                throw new NodeConnectException("connect to " + host + ":" + port + " timed out after "
                        + settings.connectTimeout().toSeconds() + " s", true, null);
            }
            if (cf.getException() != null) {
                throw cf.getException();
            }
            session = cf.getSession();
            // A node that accepts TCP but never speaks SSH must fail within the connect timeout,
            // not the (longer) authentication one.
            Set<ClientSessionEvent> ev = session.waitFor(
                    EnumSet.of(ClientSessionEvent.WAIT_AUTH,
                            ClientSessionEvent.CLOSED,
                            ClientSessionEvent.AUTHED),
                    settings.connectTimeout());
            if (ev.contains(ClientSessionEvent.TIMEOUT)) {
                throw new NodeConnectException("no SSH answer from " + host + ":" + port + " within "
                        + settings.connectTimeout().toSeconds() + " s (the port accepts connections but does not speak SSH)",
                        true, null);
            }
            session.setUserInteraction(new PasswordInteraction(settings.passwords(), user, host, port));
            session.auth().verify(settings.authTimeout());
            return session;
        } catch (NodeConnectException e) {
            closeQuietly(session);
            throw e;
        } catch (Throwable e) {
            closeQuietly(session);
            String refusal = settings.trust().refusal(host, port).orElse(null);
            if (refusal != null) {
                throw new NodeConnectException(refusal, false, e);
            }
            throw classify(where, host, port, e);
        }
    }

    private NodeConnectException classify(String where, String host, int port, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = String.valueOf(root.getMessage());
        if (root instanceof UnknownHostException) {
            return new NodeConnectException("unknown host " + host + ": check the Server line or -w", false, e);
        }
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return new NodeConnectException("cannot connect to " + host + ":" + port + " (" + msg
                    + "): is sshd running there?", true, e);
        }
        if (msg.contains("No more authentication methods") || msg.toLowerCase().contains("authentication")) {
            return new NodeConnectException("authentication failed for " + where
                    + ": no key was accepted; run 'tlclb keys install' to put your key on the node", false, e);
        }
        if (e instanceof SshException && msg.contains("timeout") || msg.toLowerCase().contains("timed out")) {
            return new NodeConnectException("no SSH answer from " + host + ":" + port + " within "
                    + settings.connectTimeout().toSeconds() + " s", true, e);
        }
        return new NodeConnectException("SSH to " + where + " failed: " + msg, true, e);
    }

    private static final AttributeRepository.AttributeKey<SshdSocketAddress> TARGET =
            new AttributeRepository.AttributeKey<>();

    /**
     * Offers, per node, the host key algorithms its known_hosts entries hold first, as OpenSSH does;
     * runs before the key exchange offer goes out.
     */
    private final class HostKeyOrder implements SessionListener {
        @Override
        public void sessionCreated(Session session) {
            if (!(session instanceof ClientSession cs)) {
                return;
            }
            SshdSocketAddress target = cs.getConnectionContext() == null ? null
                    : cs.getConnectionContext().getAttribute(TARGET);
            if (target == null) {
                return;
            }
            List<String> order = settings.trust().preferredHostKeyAlgorithms(target.getHostName(), target.getPort());
            List<NamedFactory<Signature>> all = client.getSignatureFactories();
            List<NamedFactory<Signature>> sorted = new ArrayList<>();
            for (String name : order) {
                all.stream().filter(f -> f.getName().equals(name)).findFirst().ifPresent(sorted::add);
            }
            for (NamedFactory<Signature> f : all) {
                if (!sorted.contains(f)) {
                    sorted.add(f);
                }
            }
            session.setSignatureFactories(sorted);
        }
    }

    private static List<NamedFactory<Cipher>> ciphers() {
        List<NamedFactory<Cipher>> list = new ArrayList<>();
        for (BuiltinCiphers c : List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr,
                BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr, BuiltinCiphers.cc20p1305_openssh)) {
            if (c == BuiltinCiphers.aes128gcm || c == BuiltinCiphers.aes256gcm) {
                list.add(new NativeGcm(c));
            } else if (c.isSupported()) {
                list.add(c);
            }
        }
        return list;
    }

    /**
     * ML-KEM hybrid first (post-quantum, and fast), then curve25519. sntrup761 comes after them:
     * its key generation in pure-Java BouncyCastle costs about a second of CPU per connection, which
     * dominated a no-change run; OpenSSH before 9.9 (no ML-KEM) therefore negotiates curve25519.
     */
    private static List<BuiltinDHFactories> keyExchanges() {
        List<BuiltinDHFactories> list = new ArrayList<>();
        for (BuiltinDHFactories k : List.of(BuiltinDHFactories.mlkem768x25519, BuiltinDHFactories.curve25519,
                BuiltinDHFactories.curve25519_libssh, BuiltinDHFactories.sntrup761x25519,
                BuiltinDHFactories.sntrup761x25519_openssh, BuiltinDHFactories.curve448, BuiltinDHFactories.ecdhp256,
                BuiltinDHFactories.ecdhp384, BuiltinDHFactories.ecdhp521, BuiltinDHFactories.dhgex256,
                BuiltinDHFactories.dhg16_512, BuiltinDHFactories.dhg14_256)) {
            if (k.isSupported()) {
                list.add(k);
            }
        }
        return list;
    }

    /** ed25519 first: OpenSSH-written known_hosts entries are ed25519, MINA's default prefers ECDSA. */
    private static List<NamedFactory<Signature>> signatures() {
        List<NamedFactory<Signature>> list = new ArrayList<>();
        for (BuiltinSignatures s : List.of(BuiltinSignatures.ed25519, BuiltinSignatures.nistp256,
                BuiltinSignatures.nistp384, BuiltinSignatures.nistp521, BuiltinSignatures.rsaSHA512,
                BuiltinSignatures.rsaSHA256, BuiltinSignatures.rsa)) {
            if (s.isSupported()) {
                list.add(s);
            }
        }
        return list;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(ClientSession s) {
        if (s != null) {
            try {
                s.close(true);
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (RuntimeException ignored) {
            // best effort at the end of a run
        }
    }
}
