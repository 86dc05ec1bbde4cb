package org.tlclb.sync.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Relative SFTP paths resolve against the user's home, as with OpenSSH (keys install relies on it). */
class SftpHomeDirIT {
    @TempDir
    Path tmp;
    NodeTestSupport support;
    EmbeddedNode node;
    Path root;

    @BeforeEach
    void setUp() throws Exception {
        support = new NodeTestSupport(tmp);
        root = tmp.resolve("root");
        Files.createDirectories(root.resolve("root"));
        node = support.node(root).start();
    }

    @AfterEach
    void tearDown() throws IOException {
        node.close();
        support.close();
    }

    @Test
    void rootsHomeIsSlashRoot() throws IOException {
        try (ClientSession s = support.login(node, "root", support.clientKey);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            assertThat(sftp.canonicalPath(".")).isEqualTo("/root");
            sftp.mkdir(".ssh");
            try (OutputStream out = sftp.write(".ssh/authorized_keys")) {
                out.write("k\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(root.resolve("root/.ssh/authorized_keys")).hasContent("k");
            assertThat(sftp.canonicalPath(".ssh")).isEqualTo("/root/.ssh");
        }
    }

    @Test
    void otherUsersLiveUnderHome() throws IOException {
        try (ClientSession s = support.login(node, "alice", support.clientKey);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            assertThat(sftp.canonicalPath(".")).isEqualTo("/home/alice");
        }
    }

    @Test
    void absolutePathsAreUnchanged() throws IOException {
        Files.createDirectories(root.resolve("var/www"));
        Files.writeString(root.resolve("var/www/a.txt"), "a");
        try (ClientSession s = support.login(node, "root", support.clientKey);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            assertThat(sftp.stat("/var/www/a.txt").getSize()).isEqualTo(1);
            assertThat(sftp.canonicalPath("/var/www/../www")).isEqualTo("/var/www");
        }
    }
}
