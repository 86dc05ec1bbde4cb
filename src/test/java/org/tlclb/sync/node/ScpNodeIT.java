package org.tlclb.sync.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.scp.client.ScpClient;
import org.apache.sshd.scp.client.ScpClientCreator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScpNodeIT {
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
        Files.createDirectories(root.resolve("var/www/html"));
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
    void uploadWithScpClientPreservesModeAndMtime() throws IOException {
        Path local = tmp.resolve("index.html");
        Files.writeString(local, "<h1>hi</h1>\n");
        Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(local, FileTime.fromMillis(1_500_000_000_000L));
        ScpClient scp = ScpClientCreator.instance().createScpClient(session);
        scp.upload(local, "/var/www/html/", ScpClient.Option.PreserveAttributes);

        Path landed = root.resolve("var/www/html/index.html");
        assertThat(landed).hasContent("<h1>hi</h1>");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(landed))).isEqualTo("rwxr-x---");
        assertThat(Files.getLastModifiedTime(landed).toMillis()).isEqualTo(1_500_000_000_000L);
    }

    @Test
    void rawTimeLineAndQuotedPathWithQuote() throws IOException {
        Files.createDirectories(root.resolve("var/www/it's here"));
        String cmd = "scp -p -t " + ShellWords.quote("/var/www/it's here");
        byte[] stream = concat("T1234567890 0 1234567890 0\n", "C0600 3 a b.txt\n", "abc", "\0");
        NodeTestSupport.Exec r = NodeTestSupport.exec(session, cmd, stream);
        assertThat(r.stderr()).isEmpty();
        assertThat(r.status()).isZero();
        Path landed = root.resolve("var/www/it's here/a b.txt");
        assertThat(landed).hasContent("abc");
        assertThat(Files.getLastModifiedTime(landed).toMillis()).isEqualTo(1_234_567_890_000L);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(landed))).isEqualTo("rw-------");
    }

    /**
     * The client streams a whole tree on one channel without waiting for each acknowledgement; the
     * server must read the headers in order and answer one 0 byte per header and per file body.
     */
    @Test
    void pipelinedTreeOfFiveHundredFilesOnOneChannel() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int acks = 1; // the server's "ready" byte
        stream.writeBytes("D0755 0 site\n".getBytes(StandardCharsets.UTF_8));
        acks++;
        for (int d = 0; d < 5; d++) {
            stream.writeBytes(("D0750 0 dir" + d + "\n").getBytes(StandardCharsets.UTF_8));
            acks++;
            for (int f = 0; f < 100; f++) {
                byte[] body = ("file " + d + "/" + f + "\n").getBytes(StandardCharsets.UTF_8);
                stream.writeBytes(("T1600000000 0 1600000000 0\nC0644 " + body.length + " f" + f + ".txt\n")
                        .getBytes(StandardCharsets.UTF_8));
                stream.writeBytes(body);
                stream.write(0);
                acks += 3; // T line, C line, body
            }
            stream.writeBytes("E\n".getBytes(StandardCharsets.UTF_8));
            acks++;
        }
        stream.writeBytes("E\n".getBytes(StandardCharsets.UTF_8));
        acks++;

        NodeTestSupport.Exec r = NodeTestSupport.exec(session, "scp -r -p -t '/var/www/html'", stream.toByteArray());

        assertThat(r.stderr()).isEmpty();
        assertThat(r.status()).isZero();
        assertThat(r.stdout()).hasSize(acks).containsOnly((byte) 0);
        for (int d = 0; d < 5; d++) {
            for (int f = 0; f < 100; f++) {
                Path p = root.resolve("var/www/html/site/dir" + d + "/f" + f + ".txt");
                assertThat(p).hasContent("file " + d + "/" + f);
                assertThat(Files.getLastModifiedTime(p).toMillis()).isEqualTo(1_600_000_000_000L);
            }
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/www/html/site/dir0"))))
                .isEqualTo("rwxr-x---");
    }

    @Test
    void downloadWithScpFrom() throws IOException {
        Files.writeString(root.resolve("var/www/html/x.txt"), "payload");
        ScpClient scp = ScpClientCreator.instance().createScpClient(session);
        byte[] got = scp.downloadBytes("/var/www/html/x.txt");
        assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("payload");
    }

    @Test
    void uploadCannotLeaveTheRoot() throws IOException {
        NodeTestSupport.Exec r = NodeTestSupport.exec(session, "scp -t '/../../../'",
                concat("C0644 3 escaped.txt\n", "abc", "\0"));
        // Whatever the status, nothing may appear above the root.
        assertThat(tmp.resolve("escaped.txt")).doesNotExist();
        assertThat(root.getParent().getParent().resolve("escaped.txt")).doesNotExist();
        assertThat(root.resolve("escaped.txt")).hasContent("abc");
        assertThat(r.status()).isZero();
    }

    static byte[] concat(String... parts) {
        return String.join("", parts).getBytes(StandardCharsets.UTF_8);
    }
}
