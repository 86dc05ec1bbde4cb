package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.it.Await;

/**
 * The connector against an in-process MINA server that records what the client does: which keys it offers, in
 * which order (SPEC 5: -i files, the agent, the default files), and the keepalives ServerAliveInterval asks for.
 * The agent is a real OpenSSH ssh-agent started (and ended) by the test.
 */
class RouteConnectIT {
    @TempDir
    Path dir;
    Path home;
    SshServer server;
    int port;
    final List<String> offered = new CopyOnWriteArrayList<>();
    final AtomicInteger keepalives = new AtomicInteger();
    volatile PublicKey accepted;
    Process agent;
    Path sock;
    Path fileKey;
    Path agentKey;
    Path defaultKey;

    @BeforeEach
    void start() throws Exception {
        home = dir.resolve("home");
        Files.createDirectories(home.resolve(".ssh"));
        Path hostKey = SshKeygen.generate(dir.resolve("host_ed25519"), "ed25519", "");
        fileKey = SshKeygen.generate(dir.resolve("file_key"), "ed25519", "");
        agentKey = SshKeygen.generate(dir.resolve("agent_key"), "ecdsa", "");
        defaultKey = SshKeygen.generate(home.resolve(".ssh/id_ed25519"), "ed25519", "");
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new FileKeyPairProvider(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> {
            String fp = HostKeyTrust.fingerprint(key);
            if (offered.isEmpty() || !offered.get(offered.size() - 1).equals(fp)) {
                offered.add(fp); // an accepted key is seen twice: the query, then the signature
            }
            return accepted != null && HostKeyTrust.fingerprint(accepted).equals(HostKeyTrust.fingerprint(key));
        });
        server.setGlobalRequestHandlers(List.of(new AbstractConnectionServiceRequestHandler() {
            @Override
            public RequestHandler.Result process(ConnectionService connectionService, String request, boolean wantReply,
                    Buffer buffer) {
                if (request.equals("keepalive@openssh.com")) {
                    keepalives.incrementAndGet();
                    return RequestHandler.Result.ReplyFailure; // what OpenSSH's sshd answers, and an answer is all that counts
                }
                return RequestHandler.Result.Unsupported;
            }
        }));
        server.start();
        port = server.getPort();
        Files.writeString(home.resolve(".ssh/known_hosts"), "[127.0.0.1]:" + port + " "
                + SshKeygen.publicLine(hostKey) + "\n");
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.destroy();
        }
        if (server != null) {
            server.stop(true);
        }
    }

    private void startAgent() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-agent")), "OpenSSH's ssh-agent is not installed");
        sock = dir.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 100 && !Files.exists(sock); i++) {
            Thread.sleep(20);
        }
        // The socket file exists a moment before the agent listens on it: ssh-add may need a second try.
        boolean added = false;
        String out = "";
        for (int attempt = 0; attempt < 50 && !added; attempt++) {
            ProcessBuilder add = new ProcessBuilder("ssh-add", agentKey.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            Process p = add.start();
            out = new String(p.getInputStream().readAllBytes());
            added = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            if (!added) {
                Thread.sleep(20);
            }
        }
        assertThat(added).as("ssh-add: " + out).isTrue();
    }

    private ClientSession connect(List<Path> identities, Map<String, String> env) throws Exception {
        StatePaths paths = new StatePaths(dir.resolve("sync.conf"), dir.resolve("log"), dir.resolve("lock"), home,
                dir.resolve("etc-ssh"), dir.resolve("state"));
        SshOptions o = new SshOptions(paths, Prompter.none(), null, null, identities, Duration.ofSeconds(5), 0);
        List<NodeTarget> nodes = List.of(new NodeTarget(null, "127.0.0.1", port, "tester", false));
        SshConnector c = SshSetup.connector(o, nodes, PasswordSource.NONE, Duration.ZERO, env);
        connectors.add(c);
        return c.connect("tester", "127.0.0.1", port);
    }

    final List<SshConnector> connectors = new ArrayList<>();

    @AfterEach
    void closeConnectors() {
        connectors.forEach(SshConnector::close);
    }

    private String fp(Path key) throws Exception {
        return HostKeyTrust.fingerprint(SshKeygen.publicKey(key));
    }

    @Test
    void namedKeysComeFirstThenTheAgentsAndNoDefaultFileWhenAKeyIsNamed() throws Exception {
        startAgent();
        assertThatThrownBy(() -> connect(List.of(fileKey), Map.of("SSH_AUTH_SOCK", sock.toString())))
                .hasMessageContaining("no key was accepted");
        assertThat(offered).containsExactly(fp(fileKey), fp(agentKey));
    }

    @Test
    void withoutNamedKeysTheAgentComesBeforeTheDefaultFiles() throws Exception {
        startAgent();
        accepted = SshKeygen.publicKey(defaultKey);
        try (ClientSession s = connect(List.of(), Map.of("SSH_AUTH_SOCK", sock.toString()))) {
            assertThat(s.isAuthenticated()).isTrue();
        }
        assertThat(offered).containsExactly(fp(agentKey), fp(defaultKey));
    }

    @Test
    void aKeyOnlyTheAgentHoldsLogsIn() throws Exception {
        startAgent();
        Files.delete(defaultKey);
        accepted = SshKeygen.publicKey(agentKey);
        try (ClientSession s = connect(List.of(), Map.of("SSH_AUTH_SOCK", sock.toString()))) {
            assertThat(s.isAuthenticated()).isTrue();
        }
        assertThat(offered).containsExactly(fp(agentKey));
    }

    @Test
    void identitiesOnlyLeavesTheAgentOut() throws Exception {
        startAgent();
        Files.writeString(home.resolve(".ssh/config"), "Host 127.0.0.1\n  IdentitiesOnly yes\n  IdentityFile "
                + fileKey + "\n");
        assertThatThrownBy(() -> connect(List.of(), Map.of("SSH_AUTH_SOCK", sock.toString())))
                .hasMessageContaining("no key was accepted");
        assertThat(offered).containsExactly(fp(fileKey));
    }

    @Test
    void anAgentSocketThatAnswersNothingIsNoError() throws Exception {
        accepted = SshKeygen.publicKey(defaultKey);
        try (ClientSession s = connect(List.of(), Map.of("SSH_AUTH_SOCK", dir.resolve("no-such.sock").toString()))) {
            assertThat(s.isAuthenticated()).isTrue();
        }
        assertThat(offered).containsExactly(fp(defaultKey));
    }

    @Test
    void serverAliveIntervalSendsKeepalivesOnAnIdleSession() throws Exception {
        accepted = SshKeygen.publicKey(defaultKey);
        Files.writeString(home.resolve(".ssh/config"), "Host *\n  ServerAliveInterval 1\n");
        try (ClientSession s = connect(List.of(), Map.of())) {
            long t0 = System.nanoTime();
            Await.until("two keepalives", Duration.ofSeconds(5), () -> keepalives.get() >= 2);
            // every second: the second one cannot come much before two seconds have passed
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1500));
        }
        keepalives.set(0);
        Files.delete(home.resolve(".ssh/config"));
        try (ClientSession s = connect(List.of(), Map.of())) {
            Thread.sleep(1500); // longer than the interval that must not apply now
            assertThat(keepalives.get()).isZero();
        }
    }

    @Test
    void anEncryptedNamedKeyTheAgentHoldsNeedsNoPassphraseWithoutATerminal() throws Exception {
        startAgent();
        Path enc = SshKeygen.generate(dir.resolve("enc_key"), "ed25519", "secret words");
        Path askpass = Files.writeString(dir.resolve("askpass"), "#!/bin/sh\necho 'secret words'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder add = new ProcessBuilder("ssh-add", enc.toString()).redirectErrorStream(true);
        add.environment().putAll(Map.of("SSH_AUTH_SOCK", sock.toString(), "SSH_ASKPASS", askpass.toString(),
                "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", "none"));
        Process p = add.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("ssh-add of the encrypted key").isTrue();
        accepted = SshKeygen.publicKey(enc);
        try (ClientSession s = connect(List.of(enc), Map.of("SSH_AUTH_SOCK", sock.toString()))) {
            assertThat(s.isAuthenticated()).isTrue();
        }
        assertThat(offered).contains(fp(enc));
        assertThatThrownBy(() -> connect(List.of(enc), Map.of())).isInstanceOf(IdentityException.class)
                .hasMessageContaining(enc + " is encrypted");
    }
}
