package org.tlclb.sync.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecCommandsIT {
    @TempDir
    Path tmp;
    NodeTestSupport support;
    EmbeddedNode node;
    Path root;
    ClientSession session;

    @BeforeEach
    void setUp() throws Exception {
        support = new NodeTestSupport(tmp);
        root = tmp.resolve("root");
        Files.createDirectories(root.resolve("var/www/it's html"));
        node = support.node(root).start();
        session = support.login(node);
    }

    @AfterEach
    void tearDown() throws IOException {
        session.close();
        node.close();
        support.close();
    }

    @Test
    void checksumCommandWritesGnuSha256sumZeroTerminatedFormat() throws Exception {
        Path dir = root.resolve("var/www/it's html");
        Files.writeString(dir.resolve("with space.txt"), "one");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/new\nline"), "two");
        String cmd = "cd " + ShellWords.quote("/var/www/it's html") + " && xargs -0 -r sha256sum -z --";
        assertThat(cmd).contains("'\\''");

        NodeTestSupport.Exec r = NodeTestSupport.exec(session, cmd,
                "with space.txt\0sub/new\nline\0".getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.out()).isEqualTo(sha("one") + "  with space.txt\0" + sha("two") + "  sub/new\nline\0");
    }

    @Test
    void checksumCommandReportsMissingFilesLikeSha256sumUnderXargs() throws Exception {
        Files.writeString(root.resolve("var/www/it's html/here"), "x");
        String cmd = "cd " + ShellWords.quote("/var/www/it's html") + " && xargs -0 -r sha256sum -z --";
        NodeTestSupport.Exec r = NodeTestSupport.exec(session, cmd, "gone\0here\0".getBytes(StandardCharsets.UTF_8));
        assertThat(r.out()).isEqualTo(sha("x") + "  here\0");
        assertThat(r.stderr()).isEqualTo("sha256sum: gone: No such file or directory\n");
        assertThat(r.status()).isEqualTo(Sha256SumCommand.XARGS_CHILD_FAILED);
    }

    @Test
    void checksumCommandWithNoInputOrMissingRoot() throws IOException {
        NodeTestSupport.Exec empty = NodeTestSupport.exec(session,
                "cd '/var/www/it'\\''s html' && xargs -0 -r sha256sum -z --", new byte[0]);
        assertThat(empty.status()).isZero();
        assertThat(empty.stdout()).isEmpty();
        NodeTestSupport.Exec noDir = NodeTestSupport.exec(session,
                "cd '/nowhere' && xargs -0 -r sha256sum -z --", "a\0".getBytes(StandardCharsets.UTF_8));
        assertThat(noDir.status()).isEqualTo(2);
        assertThat(noDir.stderr()).contains("can't cd to /nowhere");
    }

    @Test
    void trueEchoAndUnsupportedCommands() throws IOException {
        assertThat(NodeTestSupport.exec(session, "true", new byte[0]).status()).isZero();
        NodeTestSupport.Exec echo = NodeTestSupport.exec(session, "echo ok", new byte[0]);
        assertThat(echo.status()).isZero();
        assertThat(echo.out()).isEqualTo("ok\n");
        NodeTestSupport.Exec other = NodeTestSupport.exec(session, "rm -rf /", new byte[0]);
        assertThat(other.status()).isEqualTo(127);
        assertThat(other.stderr()).contains("command not supported by the embedded node");
    }

    @Test
    void scpRequestsAreNormalizedForMina() {
        assertThat(NodeCommandFactory.normalizeScp(ShellWords.split("scp -r -p -t '/var/www/html'")))
                .isEqualTo("scp -r -p -t '/var/www/html'");
        assertThat(NodeCommandFactory.normalizeScp(ShellWords.split("scp -prt -- '/a b/it'\\''s'")))
                .isEqualTo("scp -p -r -t '/a b/it's'");
        assertThat(NodeCommandFactory.normalizeScp(ShellWords.split("scp -f /x"))).isEqualTo("scp -f '/x'");
        assertThat(NodeCommandFactory.normalizeScp(ShellWords.split("scp -t"))).isNull();
        assertThat(NodeCommandFactory.normalizeScp(ShellWords.split("scp -t -f /x"))).isNull();
        assertThat(NodeCommandFactory.normalizeScp(ShellWords.split("scp -t /x /y"))).isNull();
    }

    @Test
    void shellWordsFollowPosixQuoting() {
        assertThat(ShellWords.split("cd 'a b'\\''c' && x \"d\\\"e\" f\\ g"))
                .isEqualTo(List.of("cd", "a b'c", "&&", "x", "d\"e", "f g"));
        assertThat(ShellWords.split("echo 'open")).isNull();
        assertThat(ShellWords.split(ShellWords.quote("it's $(x)\n"))).containsExactly("it's $(x)\n");
    }

    private static String sha(String content) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
    }
}
