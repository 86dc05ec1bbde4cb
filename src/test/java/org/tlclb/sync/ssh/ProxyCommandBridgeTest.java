package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The ProxyCommand bridge: bytes both ways through the command, and who is at the other end of a connection. */
class ProxyCommandBridgeTest {

    @Test
    void bytesGoThroughTheCommandBothWays() throws Exception {
        try (ProxyCommandBridge bridge = ProxyCommandBridge.start("cat", Duration.ofSeconds(5));
             Socket s = new Socket(bridge.address().getAddress(), bridge.address().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write("hello through cat\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(new String(in.readNBytes(18), StandardCharsets.UTF_8)).isEqualTo("hello through cat\n");
            bridge.confirm(s.getLocalSocketAddress());
        }
    }

    @Test
    void theOwnerOfALoopbackConnectionIsReadFromProc() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/net/tcp6")) || Files.exists(Path.of("/proc/net/tcp")));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            assertThat(client.isConnected()).isTrue();
            assertThat(ProxyCommandBridge.peerUid(accepted)).isEqualTo(ProxyCommandBridge.ownUid());
        }
        // another user's connection (root can start one as nobody)
        assumeTrue(ProxyCommandBridge.ownUid().equals("0") && Files.isExecutable(Path.of("/usr/sbin/runuser")));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process p = new ProcessBuilder("/usr/sbin/runuser", "-u", "nobody", "--", "python3", "-c",
                    "import socket,time; s=socket.create_connection(('127.0.0.1'," + server.getLocalPort()
                            + ")); time.sleep(3)").redirectErrorStream(true).start();
            try (Socket accepted = server.accept()) {
                assertThat(ProxyCommandBridge.peerUid(accepted)).isEqualTo("65534");
            } finally {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
