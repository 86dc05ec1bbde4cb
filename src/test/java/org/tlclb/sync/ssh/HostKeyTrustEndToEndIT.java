package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A MINA server with ed25519 and ECDSA host keys; a MINA client wired the way SshConnector should wire it. */
class HostKeyTrustEndToEndIT {
    private static final AttributeRepository.AttributeKey<SshdSocketAddress> TARGET =
            new AttributeRepository.AttributeKey<>();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    SshServer server;
    SshClient client;
    Path hostEd;
    Path hostEcdsa;
    KeyPair userKey;
    int port;

    @BeforeEach
    void start() throws Exception {
        hostEd = SshKeygen.generate(dir.resolve("host_ed25519"), "ed25519", "");
        hostEcdsa = SshKeygen.generate(dir.resolve("host_ecdsa"), "ecdsa", "");
        Path user = SshKeygen.generate(dir.resolve("id_ed25519"), "ed25519", "");
        userKey = Identities.load(List.of(user), dir, Prompter.none()).get(0);

        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new FileKeyPairProvider(hostEcdsa, hostEd));
        server.setPublickeyAuthenticator((u, key, s) -> KeyUtils.compareKeys(key, userKey.getPublic()));
        server.start();
        port = server.getPort();
        client = SshClient.setUpDefaultClient();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.stop(true);
        }
    }

    /** The wiring: verifier, per-session host key algorithm order from known_hosts, the key from Identities. */
    private ClientSession connect(HostKeyTrust trust) throws Exception {
        client.setServerKeyVerifier(trust);
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                // Called before our KEXINIT goes out, so the order applies to this node's key exchange.
                SshdSocketAddress target = ((ClientSession) session).getConnectionContext().getAttribute(TARGET);
                List<String> order = trust.preferredHostKeyAlgorithms(target.getHostName(), target.getPort());
                List<NamedFactory<Signature>> all = client.getSignatureFactories();
                List<NamedFactory<Signature>> sorted = new ArrayList<>();
                for (String name : order) {
                    all.stream().filter(f -> f.getName().equals(name)).findFirst().ifPresent(sorted::add);
                }
                session.setSignatureFactories(sorted);
            }
        });
        client.start();
        ClientSession session = client.connect("tester", "127.0.0.1", port,
                AttributeRepository.ofKeyValuePair(TARGET, new SshdSocketAddress("127.0.0.1", port)), null)
                .verify(TIMEOUT).getSession();
        session.addPublicKeyIdentity(userKey);
        session.auth().verify(TIMEOUT);
        return session;
    }

    private Path knownHosts(Path hostKey) throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "[127.0.0.1]:" + port + " " + SshKeygen.publicLine(hostKey) + "\n");
        return kh;
    }

    @Test
    void knownEd25519HostIsAcceptedAlthoughMinaWouldPreferEcdsa() throws Exception {
        HostKeyTrust trust = new HostKeyTrust(knownHosts(hostEd), TrustPolicy.STRICT, Prompter.none());
        try (ClientSession s = connect(trust)) {
            assertThat(s.isAuthenticated()).isTrue();
            assertThat(KeyUtils.compareKeys(s.getServerKey(), SshKeygen.publicKey(hostEd))).isTrue();
        }
    }

    @Test
    void knownEcdsaHostGetsEcdsaFirst() throws Exception {
        HostKeyTrust trust = new HostKeyTrust(knownHosts(hostEcdsa), TrustPolicy.STRICT, Prompter.none());
        try (ClientSession s = connect(trust)) {
            assertThat(KeyUtils.compareKeys(s.getServerKey(), SshKeygen.publicKey(hostEcdsa))).isTrue();
        }
    }

    @Test
    void unknownHostUnderStrictIsRefused() {
        HostKeyTrust trust = new HostKeyTrust(dir.resolve("empty_known_hosts"), TrustPolicy.STRICT, Prompter.none());
        assertThatThrownBy(() -> connect(trust)).isInstanceOf(Exception.class);
        assertThat(trust.refusal("127.0.0.1", port).orElseThrow()).contains("[127.0.0.1]:" + port, "ED25519",
                "ssh-keyscan -p " + port);
    }

    @Test
    void changedHostKeyIsRefusedEvenUnderAcceptNew() throws Exception {
        Path other = SshKeygen.generate(dir.resolve("other_ed25519"), "ed25519", "");
        HostKeyTrust trust = new HostKeyTrust(knownHosts(other), TrustPolicy.ACCEPT_NEW, Prompter.none());
        assertThatThrownBy(() -> connect(trust)).isInstanceOf(Exception.class);
        assertThat(trust.refusal("127.0.0.1", port).orElseThrow()).contains("HAS CHANGED",
                HostKeyTrust.fingerprint(SshKeygen.publicKey(other)),
                HostKeyTrust.fingerprint(SshKeygen.publicKey(hostEd)));
    }
}
