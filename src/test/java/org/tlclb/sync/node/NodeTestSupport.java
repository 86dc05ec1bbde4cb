package org.tlclb.sync.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.EnumSet;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** A client key, an authorized_keys file and a MINA client: what every node test needs. */
final class NodeTestSupport implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final KeyPair clientKey;
    final Path authorizedKeys;
    final SshClient client;

    NodeTestSupport(Path dir) throws IOException, GeneralSecurityException {
        clientKey = newKey();
        authorizedKeys = dir.resolve("authorized_keys");
        Files.writeString(authorizedKeys, PublicKeyEntry.toString(clientKey.getPublic()) + " test@client\n");
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, address, key) -> true); // host keys are tested explicitly
        client.start();
    }

    static KeyPair newKey() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        return gen.generateKeyPair();
    }

    EmbeddedNode.Builder node(Path root) {
        return EmbeddedNode.builder().root(root).authorizedKeys(authorizedKeys);
    }

    ClientSession login(EmbeddedNode node) throws IOException {
        return login(node, "root", clientKey);
    }

    ClientSession login(EmbeddedNode node, String user, KeyPair key) throws IOException {
        ClientSession session = client.connect(user, node.host(), node.port()).verify(TIMEOUT).getSession();
        try {
            session.addPublicKeyIdentity(key);
            session.auth().verify(TIMEOUT);
            return session;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
    }

    /** Result of one exec channel. */
    record Exec(int status, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** Runs one exec command, writes {@code stdin} at once and then EOF, waits for the channel to close. */
    static Exec exec(ClientSession session, String command, byte[] stdin) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec ch = session.createExecChannel(command)) {
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(TIMEOUT);
            try (OutputStream in = ch.getInvertedIn()) {
                in.write(stdin);
                in.flush();
            } catch (org.apache.sshd.common.channel.exception.SshChannelClosedException ignored) {
                // A command that reads no input (true, echo) may finish before its stdin is written.
            }
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
            Integer status = ch.getExitStatus();
            return new Exec(status == null ? -1 : status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws IOException {
        client.stop();
    }
}
