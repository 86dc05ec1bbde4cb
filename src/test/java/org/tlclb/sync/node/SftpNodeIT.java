package org.tlclb.sync.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftpNodeIT {
    @TempDir
    Path tmp;
    NodeTestSupport support;
    EmbeddedNode node;
    Path root;
    Path outside;
    ClientSession session;
    SftpClient sftp;

    @BeforeEach
    void setUp() throws Exception {
        support = new NodeTestSupport(tmp);
        root = tmp.resolve("root");
        outside = tmp.resolve("secret.txt");
        Files.writeString(outside, "outside the root");
        Files.createDirectories(root.resolve("var/www/html"));
        node = support.node(root).start();
        session = support.login(node);
        sftp = SftpClientFactory.instance().createSftpClient(session);
    }

    @AfterEach
    void tearDown() throws IOException {
        sftp.close();
        session.close();
        node.close();
        support.close();
    }

    @Test
    void listsDirectoryUnderTheRoot() throws IOException {
        Files.writeString(root.resolve("var/www/html/a.txt"), "a");
        Files.createDirectory(root.resolve("var/www/html/sub"));
        List<String> names = new ArrayList<>();
        for (SftpClient.DirEntry e : sftp.readDir("/var/www/html")) {
            names.add(e.getFilename());
        }
        assertThat(names).contains("a.txt", "sub");
        assertThat(sftp.stat("/var/www/html/a.txt").getSize()).isEqualTo(1);
    }

    @Test
    void advertisesTheOpenSshExtensionsTheClientUses() {
        assertThat(sftp.getServerExtensions().keySet())
                .contains("posix-rename@openssh.com", "hardlink@openssh.com", "fsync@openssh.com");
    }

    @Test
    void posixRenameReplacesAnExistingTarget() throws IOException {
        Files.writeString(root.resolve("var/www/html/index.html"), "old");
        try (OutputStream out = sftp.write("/var/www/html/.index.html.tmp")) {
            out.write("new".getBytes(StandardCharsets.UTF_8));
        }
        sftp.getExtension(OpenSSHPosixRenameExtension.class)
                .posixRename("/var/www/html/.index.html.tmp", "/var/www/html/index.html");
        assertThat(root.resolve("var/www/html/index.html")).hasContent("new");
        assertThat(root.resolve("var/www/html/.index.html.tmp")).doesNotExist();
    }

    /**
     * SftpClient.symLink(linkPath, targetPath) puts the target first on the wire (OpenSSH's order,
     * the reverse of the draft RFC) and the node reads it that way: the link lands where asked and
     * points at what was asked, verbatim, as OpenSSH's sftp-server would store it.
     */
    @Test
    void symlinkArgumentsFollowOpenSshOrderAndTargetIsStoredVerbatim() throws IOException {
        Files.writeString(root.resolve("var/www/html/real.txt"), "x");
        Files.createDirectory(root.resolve("var/www/html/sub"));
        sftp.symLink("/var/www/html/rel", "real.txt");
        sftp.symLink("/var/www/html/sub/up", "../real.txt");
        sftp.symLink("/var/www/html/abs", "/var/www/html/real.txt");

        assertThat(Files.readSymbolicLink(root.resolve("var/www/html/rel")).toString()).isEqualTo("real.txt");
        assertThat(Files.readSymbolicLink(root.resolve("var/www/html/sub/up")).toString()).isEqualTo("../real.txt");
        assertThat(Files.readSymbolicLink(root.resolve("var/www/html/abs")).toString()).isEqualTo("/var/www/html/real.txt");
        assertThat(sftp.readLink("/var/www/html/sub/up")).isEqualTo("../real.txt");
        assertThat(sftp.readLink("/var/www/html/abs")).isEqualTo("/var/www/html/real.txt");
        // Followed inside the node: the absolute target means the node's /var/www/html, not the host's.
        assertThat(read("/var/www/html/abs")).isEqualTo("x");
        assertThat(read("/var/www/html/sub/up")).isEqualTo("x");
        assertThat(sftp.lstat("/var/www/html/abs").isSymbolicLink()).isTrue();
    }

    @Test
    void dotDotCannotLeaveTheRoot() throws IOException {
        Files.writeString(root.resolve("top.txt"), "top");
        assertThat(read("/../../top.txt")).isEqualTo("top");
        assertThat(read("../../../top.txt")).isEqualTo("top");
        assertThatThrownBy(() -> read("/../secret.txt")).isInstanceOf(SftpException.class);
        assertThat(sftp.canonicalPath("/../..")).isEqualTo("/");
    }

    @Test
    void symlinksPointingOutAreConfinedToTheRoot() throws IOException {
        Path html = root.resolve("var/www/html");
        // Made on disk behind the node's back (e.g. by an admin): the host OS would follow them out.
        Files.createSymbolicLink(html.resolve("abs-out"), outside);
        Files.createSymbolicLink(html.resolve("rel-out"), html.relativize(outside));
        Files.createSymbolicLink(html.resolve("dir-out"), tmp);

        assertThatThrownBy(() -> read("/var/www/html/abs-out")).isInstanceOf(SftpException.class);
        assertThatThrownBy(() -> read("/var/www/html/rel-out")).isInstanceOf(SftpException.class);
        assertThatThrownBy(() -> read("/var/www/html/dir-out/secret.txt")).isInstanceOf(SftpException.class);
        assertThatThrownBy(() -> {
            try (OutputStream out = sftp.write("/var/www/html/dir-out/planted.txt")) {
                out.write(1);
            }
        }).isInstanceOf(IOException.class);
        assertThat(tmp.resolve("planted.txt")).doesNotExist();

        // A link created over SFTP with too many ".." behaves like one in a chroot: it stops at "/".
        sftp.symLink("/var/www/html/climb", "../../../../../../secret.txt");
        assertThatThrownBy(() -> read("/var/www/html/climb")).isInstanceOf(SftpException.class);
        Files.writeString(root.resolve("secret.txt"), "node secret");
        assertThat(read("/var/www/html/climb")).isEqualTo("node secret");
        assertThat(Files.readString(outside)).isEqualTo("outside the root");
        // The links themselves stay visible and removable, as on any node.
        assertThat(sftp.lstat("/var/www/html/abs-out").isSymbolicLink()).isTrue();
        sftp.remove("/var/www/html/abs-out");
        assertThat(outside).exists();
    }

    @Test
    void nodeWithoutSftpRefusesTheSubsystem() throws Exception {
        try (EmbeddedNode scpOnly = support.node(tmp.resolve("root2")).sftp(false).start();
             ClientSession s = support.login(scpOnly)) {
            assertThatThrownBy(() -> SftpClientFactory.instance().createSftpClient(s).close())
                    .isInstanceOf(IOException.class);
            assertThat(NodeTestSupport.exec(s, "true", new byte[0]).status()).isZero();
        }
    }

    private String read(String path) throws IOException {
        try (var in = sftp.read(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
