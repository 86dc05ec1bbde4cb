package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jump tunnel against an in-process MINA jump host and a plain TCP "target" that greets every connection it
 * gets: a connection another process makes to the tunnel's port before ours gets no byte and opens nothing on the
 * jump host, ours is carried both ways (issue 29, part 3).
 */
class JumpTunnelIT {
    private static final String BANNER = "SSH-2.0-target\r\n";
    @TempDir
    Path dir;
    SshServer jumpHost;
    SshClient client;
    ClientSession via;
    ServerSocket target;
    final AtomicInteger reached = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        target = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::greetAndEcho, "target");
        t.setDaemon(true);
        t.start();
        jumpHost = SshServer.setUpDefaultServer();
        jumpHost.setHost("127.0.0.1");
        jumpHost.setPort(0);
        jumpHost.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host.ser")));
        jumpHost.setPasswordAuthenticator((user, password, session) -> true);
        jumpHost.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        jumpHost.start();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        via = client.connect("jumper", "127.0.0.1", jumpHost.getPort()).verify(Duration.ofSeconds(10)).getSession();
        via.addPasswordIdentity("any");
        via.auth().verify(Duration.ofSeconds(10));
    }

    /** Greets each connection, then echoes what it is sent. */
    private void greetAndEcho() {
        try {
            while (true) {
                Socket s = target.accept();
                reached.incrementAndGet();
                Thread echo = new Thread(() -> {
                    try (s) {
                        s.getOutputStream().write(BANNER.getBytes(StandardCharsets.US_ASCII));
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException ignored) {
                        // the test's connection ended
                    }
                }, "target-echo");
                echo.setDaemon(true);
                echo.start();
            }
        } catch (IOException closed) {
            // the test ended
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (jumpHost != null) {
            jumpHost.stop(true);
        }
        target.close();
    }

    @Test
    void aConnectionThatIsNotOursGetsNoByteAndOursIsCarried() throws Exception {
        try (JumpTunnel tunnel = JumpTunnel.listen(via, new SshdSocketAddress("127.0.0.1", target.getLocalPort()));
             Socket foreign = new Socket(tunnel.address().getAddress(), tunnel.address().getPort());
             Socket ours = new Socket(tunnel.address().getAddress(), tunnel.address().getPort())) {
            foreign.getOutputStream().write("SSH-2.0-foreign\r\n".getBytes(StandardCharsets.US_ASCII));
            tunnel.carry(ours.getLocalSocketAddress(), Duration.ofSeconds(10));

            ours.setSoTimeout(10_000);
            assertThat(readLine(ours.getInputStream())).isEqualTo(BANNER.strip());
            ours.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(ours.getInputStream())).isEqualTo("ping");

            foreign.setSoTimeout(5_000);
            assertThat(readAll(foreign.getInputStream())).as("what the foreign connection read").isEmpty();
            assertThat(reached).as("connections that reached the target").hasValue(1);
            assertThatThrownBy(() -> new Socket(tunnel.address().getAddress(), tunnel.address().getPort()).close())
                    .as("the port is closed once ours is carried").isInstanceOf(IOException.class);
        }
    }

    @Test
    void withoutOurConnectionNothingIsCarriedAndTheTargetIsNeverReached() throws Exception {
        try (JumpTunnel tunnel = JumpTunnel.listen(via, new SshdSocketAddress("127.0.0.1", target.getLocalPort()));
             Socket foreign = new Socket(tunnel.address().getAddress(), tunnel.address().getPort());
             Socket notUs = new Socket()) {
            notUs.bind(null);
            assertThatThrownBy(() -> tunnel.carry(notUs.getLocalSocketAddress(), Duration.ofMillis(300)))
                    .isInstanceOf(IOException.class).hasMessageContaining("did not reach the jump tunnel");
            foreign.setSoTimeout(5_000);
            assertThat(readAll(foreign.getInputStream())).isEmpty();
            assertThat(reached).hasValue(0);
        }
    }

    @Test
    void closingTheTargetEndsOurConnection() throws Exception {
        try (JumpTunnel tunnel = JumpTunnel.listen(via, new SshdSocketAddress("127.0.0.1", target.getLocalPort()));
             Socket ours = new Socket(tunnel.address().getAddress(), tunnel.address().getPort())) {
            tunnel.carry(ours.getLocalSocketAddress(), Duration.ofSeconds(10));
            ours.setSoTimeout(10_000);
            assertThat(readLine(ours.getInputStream())).isEqualTo(BANNER.strip());
            ours.shutdownOutput(); // the echo ends, the target closes
            assertThat(readAll(ours.getInputStream())).isEmpty();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            sb.append((char) c);
        }
        return sb.toString().strip();
    }

    private static String readAll(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was left open, neither answered nor closed", e);
        } catch (IOException reset) {
            return ""; // closed by a reset: no byte either
        }
    }
}
