package org.tlclb.sync.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedNodeIT {
    @TempDir
    Path tmp;
    NodeTestSupport support;

    @BeforeEach
    void setUp() throws Exception {
        support = new NodeTestSupport(tmp);
    }

    @AfterEach
    void tearDown() throws IOException {
        support.close();
    }

    @Test
    void startsOnEphemeralPortAndStops() throws IOException {
        EmbeddedNode node = support.node(tmp.resolve("root")).start();
        try (ClientSession s = support.login(node)) {
            assertThat(node.port()).isPositive();
            assertThat(node.host()).isEqualTo("127.0.0.1");
            assertThat(s.isAuthenticated()).isTrue();
            assertThat(NodeTestSupport.exec(s, "true", new byte[0]).status()).isZero();
            node.close();
            assertThatThrownBy(() -> support.login(node)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void hostKeyIsEd25519AndSurvivesRestart() throws IOException {
        Path state = tmp.resolve("state");
        PublicKey first;
        try (EmbeddedNode node = support.node(tmp.resolve("root")).stateDir(state).start()) {
            first = node.hostKey();
            assertThat(KeyUtils.getKeyType(first)).isEqualTo("ssh-ed25519");
        }
        assertThat(Files.readString(state.resolve(HostKeyStore.FILE_NAME))).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        try (EmbeddedNode node = support.node(tmp.resolve("root")).stateDir(state).start()) {
            assertThat(KeyUtils.compareKeys(first, node.hostKey())).isTrue();
        }
    }

    @Test
    void defaultStateDirIsInsideRoot() throws IOException {
        Path root = tmp.resolve("root");
        try (EmbeddedNode node = support.node(root).start()) {
            assertThat(root.resolve(".tlclb-node").resolve(HostKeyStore.FILE_NAME)).exists();
        }
    }

    @Test
    void knownHostsLineIsOpenSshFormatForNonStandardPort() throws Exception {
        try (EmbeddedNode node = support.node(tmp.resolve("root")).start();
             ClientSession s = support.login(node)) {
            String line = node.knownHostsLine();
            assertThat(line).matches("\\[127\\.0\\.0\\.1\\]:" + node.port() + " ssh-ed25519 AAAA[A-Za-z0-9+/=]+");
            PublicKey parsed = PublicKeyEntry.parsePublicKeyEntry(line.substring(line.indexOf(' ') + 1))
                    .resolvePublicKey(null, null, null);
            assertThat(KeyUtils.compareKeys(parsed, s.getServerKey())).isTrue();
            assertThat(node.hostKeyFingerprint()).isEqualTo(KeyUtils.getFingerPrint(s.getServerKey())).startsWith("SHA256:");
        }
    }

    @Test
    void unknownKeyIsRefused() throws Exception {
        try (EmbeddedNode node = support.node(tmp.resolve("root")).start()) {
            assertThatThrownBy(() -> support.login(node, "root", NodeTestSupport.newKey()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void allowedUserRestrictsNames() throws Exception {
        try (EmbeddedNode node = support.node(tmp.resolve("root")).allowedUser("admin").start()) {
            support.login(node, "admin", support.clientKey).close();
            assertThatThrownBy(() -> support.login(node, "root", support.clientKey)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void passwordAcceptedOnlyWhenEnabled() throws IOException, GeneralSecurityException {
        try (EmbeddedNode node = support.node(tmp.resolve("root")).password("admin", "s3cret").start()) {
            try (ClientSession s = passwordLogin(node, "admin", "s3cret")) {
                assertThat(s.isAuthenticated()).isTrue();
            }
            assertThatThrownBy(() -> passwordLogin(node, "admin", "wrong")).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> passwordLogin(node, "root", "s3cret")).isInstanceOf(IOException.class);
        }
        try (EmbeddedNode node = support.node(tmp.resolve("root2")).start()) {
            assertThatThrownBy(() -> passwordLogin(node, "admin", "s3cret")).isInstanceOf(IOException.class);
        }
    }

    private ClientSession passwordLogin(EmbeddedNode node, String user, String password) throws IOException {
        ClientSession s = support.client.connect(user, node.host(), node.port())
                .verify(NodeTestSupport.TIMEOUT).getSession();
        try {
            s.addPasswordIdentity(password);
            s.auth().verify(NodeTestSupport.TIMEOUT);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close(true);
            throw e;
        }
    }
}
