package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which servers get the SCP-only path (issue 29, part 6), against in-process MINA servers (what OpenSSH answers
 * is covered by the launcher suites' SCP-only nodes): only a refusal of the subsystem; a server that never
 * answers, one that opens no more channels, and an SFTP server that ends at once fail with the reason.
 */
class SftpOpeningIT {
    @TempDir
    Path dir;
    SshServer server;
    SshClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.stop(true);
        }
    }

    @Test
    void aServerWithoutTheSubsystemIsTheScpOnlyPathAtOnce() throws Exception {
        ClientSession s = connect(List.of());
        long t0 = System.nanoTime();
        assertThat(SftpOpening.open(s)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("a refusal is not waited out")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(s.isOpen()).as("the session goes on, for SCP").isTrue();
    }

    @Test
    void aServerWithSftpOpensIt() throws Exception {
        ClientSession s = connect(List.of(new SftpSubsystemFactory()));
        Optional<PipelinedSftpClient> sftp = SftpOpening.open(s);
        assertThat(sftp).isPresent();
        assertThat(sftp.get().canonicalPath(".")).isNotEmpty();
        sftp.get().close();
    }

    @Test
    void anSftpServerThatNeverAnswersFailsWithTheReason() throws Exception {
        ClientSession s = connect(List.of(sftp(false)));
        SftpModuleProperties.SFTP_CHANNEL_OPEN_TIMEOUT.set(s, Duration.ofMillis(500));
        assertThatThrownBy(() -> SftpOpening.open(s)).hasMessageContaining("cannot open SFTP")
                .hasMessageContaining("did not answer");
    }

    @Test
    void anSftpServerThatEndsAtOnceFailsWithTheReason() throws Exception {
        ClientSession s = connect(List.of(sftp(true)));
        assertThatThrownBy(() -> SftpOpening.open(s)).hasMessageContaining("cannot open SFTP")
                .hasMessageContaining("ended before answering");
    }

    @Test
    void aServerThatOpensNoMoreChannelsFailsWithTheReason() throws Exception {
        server = SshServer.setUpDefaultServer();
        AtomicInteger opened = new AtomicInteger();
        server.setChannelFactories(List.of(new ChannelFactory() { // one session channel per connection, as MaxSessions 1
            @Override
            public String getName() {
                return ChannelSessionFactory.INSTANCE.getName();
            }

            @Override
            public Channel createChannel(Session session) throws IOException {
                return opened.incrementAndGet() > 1 ? null : ChannelSessionFactory.INSTANCE.createChannel(session);
            }
        }));
        server.setShellFactory(ch -> command(false));
        ClientSession s = connect(List.of(new SftpSubsystemFactory()));
        s.createExecChannel("true").open().verify(Duration.ofSeconds(5)); // the one channel the server allows
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> SftpOpening.open(s)).hasMessageContaining("cannot open SFTP")
                .hasMessageContaining("no more channels");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
    }

    private ClientSession connect(List<SubsystemFactory> subsystems) throws Exception {
        if (server == null) {
            server = SshServer.setUpDefaultServer();
        }
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host.ser")));
        server.setPasswordAuthenticator((user, password, session) -> true);
        server.setSubsystemFactories(subsystems);
        server.start();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        ClientSession s = client.connect("u", "127.0.0.1", server.getPort()).verify(Duration.ofSeconds(10))
                .getSession();
        s.addPasswordIdentity("p");
        s.auth().verify(Duration.ofSeconds(10));
        return s;
    }

    /** An "sftp" subsystem that accepts and then says nothing, or ends at once. */
    private static SubsystemFactory sftp(boolean endsAtOnce) {
        return new SubsystemFactory() {
            @Override
            public String getName() {
                return "sftp";
            }

            @Override
            public Command createSubsystem(ChannelSession channel) {
                return command(endsAtOnce);
            }
        };
    }

    private static Command command(boolean endsAtOnce) {
        return new Command() {
            private ExitCallback exit;

            @Override
            public void setInputStream(InputStream in) {
            }

            @Override
            public void setOutputStream(OutputStream out) {
            }

            @Override
            public void setErrorStream(OutputStream err) {
            }

            @Override
            public void setExitCallback(ExitCallback callback) {
                exit = callback;
            }

            @Override
            public void start(ChannelSession channel, Environment env) {
                if (endsAtOnce) {
                    exit.onExit(127, "no sftp-server");
                }
            }

            @Override
            public void destroy(ChannelSession channel) {
            }
        };
    }
}
