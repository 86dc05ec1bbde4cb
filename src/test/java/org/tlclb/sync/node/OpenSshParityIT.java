package org.tlclb.sync.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same MINA SftpClient.symLink call against a real OpenSSH sftp-server and against the node must
 * leave the same link on disk. Runs only where sshd can be started (installed, running as root).
 */
class OpenSshParityIT {
    @TempDir
    Path tmp;

    @Test
    void symLinkLandsTheSameOnOpenSshAndOnTheNode() throws Exception {
        Path sshd = Path.of("/usr/sbin/sshd");
        Path sftpServer = Path.of("/usr/lib/openssh/sftp-server");
        assumeTrue(Files.isExecutable(sshd) && Files.isExecutable(sftpServer), "OpenSSH server not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "sshd needs root here");

        try (NodeTestSupport support = new NodeTestSupport(tmp)) {
            Path real = tmp.resolve("openssh");
            Files.createDirectories(real);
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            Process openssh = startOpenSsh(sshd, sftpServer, support.authorizedKeys, port);
            try {
                ClientSession s = connectWithRetry(support, port);
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
                    sftp.symLink(real.resolve("link").toString(), "target.txt");
                } finally {
                    s.close();
                }
            } finally {
                openssh.destroy();
                openssh.waitFor();
            }

            Path nodeRoot = tmp.resolve("node");
            try (EmbeddedNode node = support.node(nodeRoot).start();
                 ClientSession s = support.login(node);
                 SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
                sftp.symLink("/link", "target.txt");
            }

            assertThat(Files.readSymbolicLink(real.resolve("link")).toString()).isEqualTo("target.txt");
            assertThat(Files.readSymbolicLink(nodeRoot.resolve("link")).toString()).isEqualTo("target.txt");
        }
    }

    private Process startOpenSsh(Path sshd, Path sftpServer, Path authorizedKeys, int port) throws Exception {
        Path hostKey = tmp.resolve("host_ed25519");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString())
                .redirectErrorStream(true).start();
        assumeTrue(keygen.waitFor() == 0, "ssh-keygen failed");
        Path config = tmp.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "HostKey " + hostKey,
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "AuthorizedKeysFile " + authorizedKeys,
                "StrictModes no",
                "PermitRootLogin prohibit-password",
                "Subsystem sftp " + sftpServer,
                "SetEnv SHLVL=1", // keeps the machine's root rc files out of the node's shell (see OpenSshCluster)
                "LogLevel ERROR", ""));
        Files.createDirectories(Path.of("/run/sshd"));
        return new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", config.toString(),
                "-o", "PidFile=none", "-o", "ListenAddress=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("sshd.log").toFile()).start();
    }

    private static ClientSession connectWithRetry(NodeTestSupport support, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                ClientSession s = support.client.connect("root", "127.0.0.1", port)
                        .verify(NodeTestSupport.TIMEOUT).getSession();
                s.addPublicKeyIdentity(support.clientKey);
                s.auth().verify(NodeTestSupport.TIMEOUT);
                return s;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
