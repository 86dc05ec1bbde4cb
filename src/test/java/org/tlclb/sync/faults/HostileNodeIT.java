package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.faults.FaultSupport.all;
import static org.tlclb.sync.faults.FaultSupport.push;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.scp.server.ScpCommandFactory;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.UnknownCommand;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.run.TreeAssert;

/**
 * A node that lies: a MINA SSH server built here (not EmbeddedNode) whose SFTP directory listing
 * returns names that would address something outside the destination, or whose {@code scp -t}
 * answers with errors, garbage or nothing. SPEC 8: nothing is written or deleted outside the
 * destination, on the node or locally; the lying node fails with a clear message; under
 * all-or-nothing the healthy node is not changed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileNodeIT {
    static final String DEST = "/var/www/html";
    /** The healthy node, shared by the tests (its tree is emptied before each). */
    @RegisterExtension
    static final EmbeddedCluster cluster = EmbeddedCluster.perClass(1);
    @TempDir
    Path tmp;
    Path src;
    Path evilRoot;
    SshServer evil;

    @BeforeEach
    void setUp() throws Exception {
        src = tmp.resolve("src");
        FaultSupport.write(src, "index.html", "hello");
        FaultSupport.write(src, "a/page.html", "page");
        FaultSupport.write(src, "etc/note.txt", "a directory named etc in the source");
        evilRoot = tmp.resolve("evil");
        // What a name like "../../etc" or "/abs" would hit on the node, and "a/b" inside the tree.
        FaultSupport.write(evilRoot, "etc/passwd", "root:x:0:0");
        FaultSupport.write(evilRoot, "abs", "absolute");
        FaultSupport.write(evilRoot, "var/www/keep.txt", "beside the destination");
        FaultSupport.write(evilRoot, "var/www/html/a/b", "a/b in the tree");
        FaultSupport.write(evilRoot, "var/www/html/old.txt", "old, deleted by --delete");
        // The healthy node holds the current version; the runs below bring a change.
        EmbeddedCluster.Result r = push(cluster.writeConfig(""), src, DEST);
        assertThat(r.exit()).as(all(r)).isZero();
        FaultSupport.write(src, "new.txt", "a change to push");
    }

    @AfterEach
    void stopEvil() throws IOException {
        if (evil != null) {
            evil.stop(true);
        }
    }

    /** Starts the lying server; returns a sync.conf naming node1 (healthy) and evil. */
    private Path startEvil(SftpFileSystemAccessor accessor, CommandFactory commands) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519", "BC");
        KeyPair hostKey = gen.generateKeyPair();
        evil = SshServer.setUpDefaultServer();
        evil.setHost("127.0.0.1");
        evil.setPort(0);
        evil.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        evil.setPublickeyAuthenticator(AcceptAllPublickeyAuthenticator.INSTANCE);
        evil.setPasswordAuthenticator(null);
        evil.setKeyboardInteractiveAuthenticator(null);
        evil.setFileSystemFactory(new VirtualFileSystemFactory(evilRoot.toRealPath()));
        // The hostile behaviour is scp's; anything else (the node lock's shell command) is unknown there.
        CommandFactory scp = commands != null ? commands : new ScpCommandFactory.Builder().build();
        evil.setCommandFactory((channel, command) -> command.startsWith("scp ") ? scp.createCommand(channel, command)
                : new UnknownCommand(command));
        evil.setSubsystemFactories(List.of(new SftpSubsystemFactory.Builder()
                .withFileSystemAccessor(accessor != null ? accessor : SftpFileSystemAccessor.DEFAULT).build()));
        evil.start();
        int port = ((InetSocketAddress) evil.getBoundAddresses().iterator().next()).getPort();
        Files.writeString(cluster.knownHosts(), "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic())
                + "\n", StandardOpenOption.APPEND);
        Path conf = cluster.writeConfig("");
        String text = Files.readString(conf).replace("EndServers",
                "  Server evil 127.0.0.1 direct port=" + port + "\nEndServers").replace("ConnectTimeout 5", "ConnectTimeout 3");
        Files.writeString(conf, text);
        return conf;
    }

    /** readdir reports the real file "evil-name" under another, hostile, name. */
    static SftpFileSystemAccessor renaming(String hostile) {
        return new SftpFileSystemAccessor() {
            @Override
            public void putRemoteFileName(SftpSubsystemProxy subsystem, Path path, Buffer buf, String name,
                                          boolean shortName) throws IOException {
                SftpFileSystemAccessor.super.putRemoteFileName(subsystem, path, buf,
                        shortName && name.equals("evil-name") ? hostile : name, shortName);
            }
        };
    }

    private Map<String, String> outsideSnapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (Map.Entry<String, String> e : FaultSupport.snapshot(evilRoot).entrySet()) {
            if (!e.getKey().startsWith("var/www/html")) {
                m.put(e.getKey(), e.getValue());
            }
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "a/b", "/abs", "../keep.txt", "", "nul\0byte", "..", "."})
    void aNodeListingHostileNamesFailsAndNothingOutsideTheDestinationChanges(String hostile) throws Exception {
        FaultSupport.write(evilRoot, "var/www/html/evil-name", "the file the node renames in its listing");
        FaultSupport.write(evilRoot, "var/www/html/a/evil-name", "and one level down");
        Path conf = startEvil(renaming(hostile), null);
        Map<String, String> outsideBefore = outsideSnapshot();
        Map<String, String> healthyBefore = FaultSupport.snapshot(cluster.path(1, DEST));
        Map<String, String> localBefore = FaultSupport.snapshot(tmp.resolve("src"));
        Map<String, String> tmpBefore = FaultSupport.snapshot(tmp);
        tmpBefore.keySet().removeIf(k -> k.startsWith("evil/var/www/html"));

        EmbeddedCluster.Result r = push(conf, src, DEST, "--delete");
        FaultSupport.assertNoStackTrace(r);
        assertThat(outsideSnapshot()).as("outside the destination on the node; " + all(r)).isEqualTo(outsideBefore);
        assertThat(FaultSupport.snapshot(tmp.resolve("src"))).as("the source").isEqualTo(localBefore);
        Map<String, String> tmpAfter = FaultSupport.snapshot(tmp);
        tmpAfter.keySet().removeIf(k -> k.startsWith("evil/var/www/html"));
        assertThat(tmpAfter).as("everything local around the run").isEqualTo(tmpBefore);
        assertThat(evilRoot.resolve("etc/passwd")).hasContent("root:x:0:0");
        if (hostile.equals("..") || hostile.equals(".")) {
            // Every SFTP server lists these; skipping them is correct, and the run may succeed.
            assertThat(r.exit()).as(all(r)).isIn(0, 3);
        } else {
            assertThat(r.exit()).as(all(r)).isEqualTo(3);
            assertThat(r.out() + r.err()).contains("evil").containsIgnoringCase("invalid name");
            assertThat(FaultSupport.snapshot(cluster.path(1, DEST))).as("healthy node, all-or-nothing")
                    .isEqualTo(healthyBefore);
            assertThat(evilRoot.resolve("var/www/html/old.txt")).exists();
            assertThat(evilRoot.resolve("var/www/html/a/b")).hasContent("a/b in the tree");
        }
    }

    /** An exec command that answers scp -t with the given bytes (then, optionally, nothing more). */
    static CommandFactory scpAnswering(Function<InputStream, byte[]> answer, boolean hang) {
        return (channel, command) -> new Command() {
            OutputStream out;
            InputStream in;
            ExitCallback exit;
            Thread t;

            @Override
            public void setInputStream(InputStream i) {
                in = i;
            }

            @Override
            public void setOutputStream(OutputStream o) {
                out = o;
            }

            @Override
            public void setErrorStream(OutputStream err) {
            }

            @Override
            public void setExitCallback(ExitCallback callback) {
                exit = callback;
            }

            @Override
            public void start(ChannelSession ch, Environment env) {
                t = new Thread(() -> {
                    try {
                        out.write(answer.apply(in));
                        out.flush();
                        if (hang) {
                            Thread.sleep(60_000);
                        }
                        exit.onExit(1);
                    } catch (IOException | InterruptedException e) {
                        exit.onExit(1);
                    }
                }, "evil-scp");
                t.setDaemon(true);
                t.start();
            }

            @Override
            public void destroy(ChannelSession ch) {
                if (t != null) {
                    t.interrupt();
                }
            }
        };
    }

    private void assertScpFailureIsClean(Path conf, String... expected) throws Exception {
        FaultSupport.write(src, "big.bin", new byte[2 * 1024 * 1024]);
        Map<String, String> healthyBefore = TreeAssert.describe(cluster.path(1, DEST));
        Map<String, String> evilBefore = FaultSupport.snapshot(evilRoot);
        long t0 = System.nanoTime();
        EmbeddedCluster.Result r = push(conf, src, DEST);
        long secs = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        FaultSupport.assertNoStackTrace(r);
        assertThat(r.exit()).as(all(r)).isEqualTo(3);
        assertThat(r.out() + r.err()).as(all(r)).contains("evil");
        for (String e : expected) {
            assertThat(r.out() + r.err()).as(all(r)).containsIgnoringCase(e);
        }
        assertThat(TreeAssert.describe(cluster.path(1, DEST))).as("healthy node").isEqualTo(healthyBefore);
        assertThat(FaultSupport.tempFiles(cluster.path(1, DEST))).isEmpty();
        assertThat(FaultSupport.snapshot(evilRoot)).as("nothing committed on the lying node").isEqualTo(evilBefore);
        assertThat(secs).as("a lying node must not hang the run").isLessThan(60);
    }

    @Test
    void scpThatAnswersWithAFatalErrorFailsThatNodeClearly() throws Exception {
        Path conf = startEvil(null, scpAnswering(in -> "\u0002scp: disk on fire\n".getBytes(StandardCharsets.UTF_8),
                false));
        // The node's message should be in the report, but a write can fail first (the disabled test below).
        assertScpFailureIsClean(conf);
    }

    static CommandFactory refusingAfterTheFirstHeader() {
        return scpAnswering(in -> {
            try {
                in.read(new byte[64]); // the first header
            } catch (IOException ignored) {
                // answer anyway
            }
            return "\u0000\u0001scp: permission denied\n".getBytes(StandardCharsets.UTF_8);
        }, false);
    }

    @Test
    void scpThatAcceptsThenRefusesTheFirstFileFailsThatNodeWithNothingCommitted() throws Exception {
        assertScpFailureIsClean(startEvil(null, refusingAfterTheFirstHeader()));
    }

    @Test
    void scpThatAcceptsThenRefusesTheFirstFileReportsTheNodesMessage() throws Exception {
        assertScpFailureIsClean(startEvil(null, refusingAfterTheFirstHeader()), "permission denied");
    }

    @Test
    void scpThatAnswersWithRandomBytesFailsThatNodeClearly() throws Exception {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (junk[i] == 0 ? 7 : junk[i]); // no byte that reads as "ok"
        }
        Path conf = startEvil(null, scpAnswering(in -> junk, false));
        assertScpFailureIsClean(conf);
    }

    @Test
    void scpThatNeverAnswersTimesOut() throws Exception {
        Path conf = startEvil(null, scpAnswering(in -> new byte[0], true));
        assertScpFailureIsClean(conf);
    }
}
