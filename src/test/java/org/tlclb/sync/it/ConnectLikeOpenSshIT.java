package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: the product connects wherever {@code ssh} connects, with the same files. Each test sets up an admin's
 * OpenSSH client files in the launcher's fresh home ({@code ~/.ssh/config}, {@code ~/.ssh/known_hosts}) and
 * {@code /etc/ssh} ({@code TLCLB_SSH_ETC}), runs {@code scripts/tlclb_content_sync} without a terminal, asserts the
 * exit code and the node's files, and runs OpenSSH's own {@code ssh} on the same files as the reference.
 * <p>
 * Nodes: 1 and 2 regular, 3 with its own host key (certified in one test), 4 on [::1], 5 a jump host in a network
 * namespace of its own and 6 behind it, reachable only through 5.
 */
class ConnectLikeOpenSshIT {
    @TempDir
    static Path shared;
    static OpenSshCluster cluster;
    static int certNode;
    static int v6;
    static int hidden;
    static int jump;

    @TempDir
    Path tmp;
    Path src;
    Launcher launcher;
    Path ssh;
    final List<Process> agents = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        OpenSshCluster.assumeAvailable();
        cluster = OpenSshCluster.start(shared.resolve("cluster"), 2);
        certNode = cluster.addNode();
        v6 = cluster.addIpv6Node();
        hidden = cluster.addNodeBehindJumpHost();
        jump = hidden - 1;
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        ItSupport.wipe(cluster);
        for (int i = cluster.size() + 1; i <= hidden; i++) {
            ItSupport.emptyDir(cluster.www(i));
        }
        src = tmp.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("index.html"), "hello");
        launcher = Launcher.in(tmp.resolve("state"));
        ssh = launcher.home().resolve(".ssh");
    }

    @AfterEach
    void stopAgents() {
        for (Process p : agents) {
            p.destroy(); // only the agents this test started
        }
    }

    // ------------------------------------------------------------------ the rows of issue 20

    @Test
    void aHostBlockWithHostNameAndIdentityFileLogsIn() throws Exception {
        Path key = key(launcher.home().resolve("keys/web_key"));
        config("Host web1", "  HostName " + cluster.address(1), "  IdentityFile " + key);
        knownHosts(cluster.address(1));
        assertThat(ssh("web1")).as("ssh logs in").isZero();

        push("-w", "web1").exits(0);
        assertThat(cluster.www(1).resolve("index.html")).hasContent("hello");
    }

    @Test
    void proxyJumpInAHostBlockGoesThroughTheJumpHost() throws Exception {
        Path key = key(launcher.home().resolve("keys/k"));
        config("Host web3", "  HostName " + cluster.address(hidden), "  ProxyJump root@jumphost",
                "Host jumphost", "  HostName " + cluster.address(jump),
                "Host *", "  IdentityFile " + key, "  UserKnownHostsFile " + ssh.resolve("known_hosts"));
        knownHosts(cluster.address(jump), cluster.address(hidden));
        assertThat(ssh("web3")).as("ssh goes through the jump host").isZero();
        assertThat(ssh("-o", "ProxyJump=none", "web3")).as("the node cannot be reached directly").isNotZero();

        Launcher.Result r = push("-w", "web3").exits(0);
        assertThat(cluster.www(hidden).resolve("index.html")).hasContent("hello");
        assertThat(cluster.www(jump).resolve("index.html")).doesNotExist();

        // And with ProxyJump none the product also tries directly, and says so.
        config("Host web3", "  HostName " + cluster.address(hidden), "  ProxyJump none",
                "Host *", "  IdentityFile " + key);
        ItSupport.emptyDir(cluster.www(hidden));
        Launcher.Result direct = push("-w", "web3").exits(3);
        assertThat(direct.out() + direct.err()).contains("cannot connect to " + cluster.address(hidden) + ":22");
        assertThat(r.out()).doesNotContain("cannot connect");
    }

    /**
     * Issue 29, part 3: while a node is reached through a jump host, another local process that polls the socket
     * tables for the run's new loopback listener and connects at once gets no byte (before: the node's SSH banner,
     * a path into the node's network), and the push still goes through. strace holds each listen() of the run for
     * a second, so that the other process is in the window every time (without it, it mostly comes too late).
     */
    @Test
    void theJumpPortCarriesOnlyTheRunsOwnConnection() throws Exception {
        ListenDelay.assumeAvailable();
        Path key = key(launcher.home().resolve("keys/k"));
        config("Host web3", "  HostName " + cluster.address(hidden), "  ProxyJump root@" + cluster.address(jump),
                "Host *", "  IdentityFile " + key);
        knownHosts(cluster.address(jump), cluster.address(hidden));
        RunningLauncher r = launcher.spawn("tlclb_content_sync", "-y", "-w", "web3", "--dest", "/var/www/html",
                src.toString());
        Map<Integer, String> reads;
        try (ListenDelay delay = ListenDelay.attach(r.pid(), Duration.ofSeconds(1));
             ListenerSnoop snoop = ListenerSnoop.watch(r.pid())) {
            r.await().exits(0);
            snoop.close();
            reads = snoop.reads();
        }
        assertThat(cluster.www(hidden).resolve("index.html")).hasContent("hello");
        assertThat(reads).as("the snoop connected to the run's loopback port in time").containsValue("");
        assertThat(reads.values()).as("what the snooping connections read").allMatch(s -> s.isEmpty()
                || s.equals("(refused)"));
    }

    /**
     * ProxyCommand runs as ssh runs it (/bin/sh, tokens expanded), here {@code ssh -W %h:%p} through the
     * jump host; the node's key is still checked against known_hosts. A command that fails is said
     * with what it wrote to its standard error.
     */
    @Test
    void proxyCommandCarriesTheConnectionAndAFailingOneIsSaidWithItsOwnWords() throws Exception {
        Path key = key(launcher.home().resolve("keys/k"));
        Path known = ssh.resolve("known_hosts");
        String viaJump = "ssh -F /dev/null -i " + key + " -o UserKnownHostsFile=" + known
                + " -o StrictHostKeyChecking=yes -o BatchMode=yes -W %h:%p root@" + cluster.address(jump);
        config("Host web3", "  HostName " + cluster.address(hidden), "  ProxyCommand " + viaJump,
                "Host *", "  IdentityFile " + key, "  UserKnownHostsFile " + known);
        knownHosts(cluster.address(jump), cluster.address(hidden));
        assertThat(ssh("web3")).as("ssh goes through the ProxyCommand").isZero();

        Launcher.Result r = push("-w", "web3").exits(0);
        assertThat(r.out()).contains("1 of 1 node in sync");
        assertThat(cluster.www(hidden).resolve("index.html")).hasContent("hello");
        assertThat(cluster.www(jump).resolve("index.html")).doesNotExist();

        // The node's own key is what is checked, not the jump host's.
        Files.writeString(known, cluster.address(jump) + " " + cluster.hostKeyLine(jump) + "\n");
        ItSupport.emptyDir(cluster.www(hidden));
        Launcher.Result unknown = push("-w", "web3").exits(3);
        assertThat(unknown.out() + unknown.err()).contains("Host key verification failed for " + cluster.address(hidden));
        assertThat(cluster.www(hidden).resolve("index.html")).doesNotExist();

        config("Host web3", "  HostName " + cluster.address(hidden),
                "  ProxyCommand sh -c 'echo no route to %h >&2; exit 1'", "Host *", "  IdentityFile " + key);
        Launcher.Result failed = push("-w", "web3").exits(3);
        assertThat(failed.out() + failed.err()).contains("through ProxyCommand sh -c 'echo no route to "
                + cluster.address(hidden) + " >&2; exit 1', which said: no route to " + cluster.address(hidden));
    }

    @Test
    void proxyJumpInABlockNamingTheAddressChecksTheJumpHostsKeyFromKnownHosts() throws Exception {
        Path key = key(ssh.resolve("id_ed25519")); // the default key file
        config("Host " + cluster.address(hidden), "  ProxyJump root@" + cluster.address(jump),
                "Host *", "  UserKnownHostsFile " + ssh.resolve("known_hosts"), "  IdentityFile " + key);
        knownHosts(cluster.address(jump), cluster.address(hidden));
        assertThat(ssh(cluster.address(hidden))).isZero();

        push("-w", cluster.address(hidden)).exits(0);
        assertThat(cluster.www(hidden).resolve("index.html")).hasContent("hello");

        // The jump host's key is checked too: unknown, it is refused by name.
        Files.writeString(ssh.resolve("known_hosts"), cluster.address(hidden) + " " + cluster.hostKeyLine(hidden)
                + "\n");
        Launcher.Result r = push("-w", cluster.address(hidden)).exits(3);
        assertThat(r.out() + r.err()).contains("jump host root@" + cluster.address(jump) + ":22",
                "Host key verification failed for " + cluster.address(jump));
    }

    @Test
    void whatTheJumpHostCannotReachIsSaidAsTheJumpHostSaysIt() throws Exception {
        Path key = key(ssh.resolve("id_ed25519"));
        config("Host gone", "  HostName nosuch.invalid", "  ProxyJump root@" + cluster.address(jump),
                "Host closed", "  HostName " + cluster.address(hidden), "  Port 2", "  ProxyJump root@"
                        + cluster.address(jump));
        knownHosts(cluster.address(jump));
        Launcher.Result gone = push("--retries", "0", "-w", "gone").exits(3);
        assertThat(gone.out() + gone.err()).contains("cannot resolve nosuch.invalid",
                "on jump host root@" + cluster.address(jump) + ":22");
        Launcher.Result closed = push("--retries", "0", "-w", "closed").exits(3);
        assertThat(closed.out() + closed.err()).contains("jump host root@" + cluster.address(jump)
                + ":22 cannot reach " + cluster.address(hidden) + ":2");
        assertThat(key).exists();
    }

    @Test
    void aHostKeyOnlyInTheSystemKnownHostsIsAccepted() throws Exception {
        key(ssh.resolve("id_ed25519"));
        Files.writeString(launcher.sshEtc().resolve("ssh_known_hosts"),
                cluster.address(1) + " " + cluster.hostKeyLine(1) + "\n");
        assertThat(ssh.resolve("known_hosts")).doesNotExist();
        assertThat(ssh("-i", ssh.resolve("id_ed25519").toString(), "root@" + cluster.address(1))).isZero();

        push("-w", cluster.address(1)).exits(0);
        assertThat(cluster.www(1).resolve("index.html")).hasContent("hello");
        assertThat(ssh.resolve("known_hosts")).doesNotExist();
    }

    @Test
    void aKeyOnlyInTheAgentLogsInAndAnEmptyOrLockedAgentIsNoError() throws Exception {
        Path key = key(tmp.resolve("agent_key"));
        knownHosts(cluster.address(1));
        Path sock = startAgent();
        assertThat(sh(Map.of("SSH_AUTH_SOCK", sock.toString()), "ssh-add", key.toString())).isZero();
        Files.delete(key);
        launcher.env("SSH_AUTH_SOCK", sock.toString());
        assertThat(Files.list(ssh).filter(p -> p.getFileName().toString().startsWith("id_")).count()).isZero();

        push("-w", cluster.address(1)).exits(0);
        assertThat(cluster.www(1).resolve("index.html")).hasContent("hello");

        // Empty agent and no key file: nothing to offer, said as such.
        assertThat(sh(Map.of("SSH_AUTH_SOCK", sock.toString()), "ssh-add", "-D")).isZero();
        ItSupport.emptyDir(cluster.www(1));
        Launcher.Result empty = push("-w", cluster.address(1)).exits(3);
        assertThat(empty.out() + empty.err()).contains("no key found: looked in",
                "the ssh-agent at " + sock + " (no keys: empty or locked)", ssh.resolve("id_ed25519").toString());

        // Locked agent and a default key file: the file logs in, the agent is no error.
        key(ssh.resolve("id_ed25519"));
        Path askpass = tmp.resolve("askpass");
        Files.writeString(askpass, "#!/bin/sh\necho lockword\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        assertThat(sh(Map.of("SSH_AUTH_SOCK", sock.toString(), "SSH_ASKPASS", askpass.toString(),
                "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", "none"), "ssh-add", "-x")).isZero();
        push("-w", cluster.address(1)).exits(0);
        assertThat(cluster.www(1).resolve("index.html")).hasContent("hello");
    }

    @Test
    void hashKnownHostsInTheSystemConfigWritesHashedLinesThatSshFinds() throws Exception {
        key(ssh.resolve("id_ed25519"));
        Files.writeString(launcher.sshEtc().resolve("ssh_config"), "Host *\n    HashKnownHosts yes\n");
        push("--host-key-policy", "accept-new", "-w", cluster.address(2)).exits(0);

        String kh = Files.readString(ssh.resolve("known_hosts"));
        assertThat(kh).startsWith("|1|").doesNotContain(cluster.address(2)).endsWith(cluster.hostKeyLine(2) + "\n");
        assertThat(sh(Map.of(), "ssh-keygen", "-F", cluster.address(2), "-f", ssh.resolve("known_hosts").toString()))
                .as("ssh-keygen -F finds the hashed line").isZero();
        assertThat(ssh("-o", "StrictHostKeyChecking=yes", "-i", ssh.resolve("id_ed25519").toString(),
                "root@" + cluster.address(2))).as("ssh accepts it").isZero();
    }

    @Test
    void anIpv6NodeIsWrittenAndMatchedAsOpenSshWritesIt() throws Exception {
        key(ssh.resolve("id_ed25519"));
        int port = cluster.port(v6);
        push("--host-key-policy", "accept-new", "-w", "root@[::1]:" + port).exits(0);
        assertThat(cluster.www(v6).resolve("index.html")).hasContent("hello");
        assertThat(Files.readString(ssh.resolve("known_hosts")))
                .isEqualTo("[::1]:" + port + " " + cluster.hostKeyLine(v6) + "\n");
        assertThat(sh(Map.of(), "ssh-keygen", "-F", "[::1]:" + port, "-f", ssh.resolve("known_hosts").toString()))
                .isZero();

        // ssh's own line, then strict: [v6addr] on -w, the port from ~/.ssh/config.
        Files.delete(ssh.resolve("known_hosts"));
        assertThat(ssh("-o", "StrictHostKeyChecking=accept-new", "-i", ssh.resolve("id_ed25519").toString(),
                "-p", Integer.toString(port), "root@::1")).isZero();
        assertThat(Files.readString(ssh.resolve("known_hosts"))).startsWith("[::1]:" + port + " ");
        config("Host ::1", "  Port " + port);
        ItSupport.emptyDir(cluster.www(v6));
        push("-w", "[::1]").exits(0);
        assertThat(cluster.www(v6).resolve("index.html")).hasContent("hello");
    }

    @Test
    void noKeyAtAllSaysWhereItLooked() throws Exception {
        knownHosts(cluster.address(1));
        Launcher.Result r = push("-w", cluster.address(1)).exits(3);
        assertThat(r.out() + r.err()).contains("no key found: looked in", "the ssh-agent (none: SSH_AUTH_SOCK is not set)",
                ssh.resolve("id_ed25519").toString(), ssh.resolve("id_rsa").toString(), "(none exist)")
                .doesNotContain("no key was accepted");
    }

    // ------------------------------------------------------------------ trust, resolution

    @Test
    void aHostCertificateIsTrustedThroughItsCertificateAuthorityAlone() throws Exception {
        key(ssh.resolve("id_ed25519"));
        Path ca = tmp.resolve("host_ca");
        assertThat(sh(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "host-ca", "-f", ca.toString()))
                .isZero();
        Path hostPub = Path.of(cluster.hostKey(certNode) + ".pub");
        Path copy = Files.copy(hostPub, tmp.resolve("node.pub"));
        assertThat(sh(Map.of(), "ssh-keygen", "-q", "-s", ca.toString(), "-I", "node" + certNode, "-h", "-n",
                cluster.address(certNode), copy.toString())).isZero();
        cluster.useHostCertificate(certNode, tmp.resolve("node-cert.pub"));
        String caLine = Files.readString(Path.of(ca + ".pub")).trim();
        Files.writeString(ssh.resolve("known_hosts"), "@cert-authority 127.0." + cluster.subnet() + ".* " + caLine
                + "\n");
        assertThat(ssh("-i", ssh.resolve("id_ed25519").toString(), "root@" + cluster.address(certNode)))
                .as("ssh trusts the CA").isZero();

        push("-w", cluster.address(certNode)).exits(0);
        assertThat(cluster.www(certNode).resolve("index.html")).hasContent("hello");
        assertThat(Files.readString(ssh.resolve("known_hosts"))).doesNotContain(cluster.hostKeyLine(certNode));

        // The certified key marked @revoked: refused, as ssh refuses it.
        Files.writeString(ssh.resolve("known_hosts"), "@revoked * " + cluster.hostKeyLine(certNode) + "\n",
                StandardOpenOption.APPEND);
        assertThat(ssh("-i", ssh.resolve("id_ed25519").toString(), "root@" + cluster.address(certNode)))
                .isNotZero();
        ItSupport.emptyDir(cluster.www(certNode));
        Launcher.Result r = push("-w", cluster.address(certNode)).exits(3);
        assertThat(r.out() + r.err()).contains("@revoked");
        assertThat(cluster.www(certNode).resolve("index.html")).doesNotExist();
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        key(ssh.resolve("id_ed25519"));
        Path ca = tmp.resolve("host_ca");
        sh(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
        Path copy = Files.copy(Path.of(cluster.hostKey(certNode) + ".pub"), tmp.resolve("node.pub"));
        assertThat(sh(Map.of(), "ssh-keygen", "-q", "-s", ca.toString(), "-I", "wrong", "-h", "-n",
                "other.example", copy.toString())).isZero();
        cluster.useHostCertificate(certNode, tmp.resolve("node-cert.pub"));
        Files.writeString(ssh.resolve("known_hosts"), "@cert-authority * " + Files.readString(Path.of(ca + ".pub")));
        assertThat(ssh("-i", ssh.resolve("id_ed25519").toString(), "root@" + cluster.address(certNode)))
                .as("ssh refuses it").isNotZero();

        Launcher.Result r = push("-w", cluster.address(certNode)).exits(3);
        assertThat(r.out() + r.err()).contains("Host key verification failed for " + cluster.address(certNode),
                "certificate");
        assertThat(cluster.www(certNode).resolve("index.html")).doesNotExist();
    }

    @Test
    void strictWithoutATerminalAndAChangedKeyIsRefusedEvenWithStrictHostKeyCheckingNo() throws Exception {
        key(ssh.resolve("id_ed25519"));
        Launcher.Result unknown = push("-w", cluster.address(1)).exits(3);
        assertThat(unknown.out() + unknown.err()).contains("the host is not in " + ssh.resolve("known_hosts"),
                launcher.sshEtc().resolve("ssh_known_hosts").toString());
        assertThat(ssh.resolve("known_hosts")).doesNotExist();

        config("Host *", "  StrictHostKeyChecking no");
        String other = cluster.hostKeyLine(certNode); // another node's key: node 1's has "changed"
        Files.writeString(ssh.resolve("known_hosts"), cluster.address(1) + " " + other + "\n");
        Launcher.Result changed = push("-w", cluster.address(1)).exits(3);
        assertThat(changed.out() + changed.err()).contains("HAS CHANGED", ssh.resolve("known_hosts") + " line 1");
        assertThat(Files.readString(ssh.resolve("known_hosts"))).isEqualTo(cluster.address(1) + " " + other + "\n");
        assertThat(cluster.www(1).resolve("index.html")).doesNotExist();

        // The command line wins over the file: strict refuses the unknown node 2 despite "no".
        Launcher.Result strict = push("--host-key-policy", "strict", "-w", cluster.address(2)).exits(3);
        assertThat(strict.out() + strict.err()).contains("the host is not in");
        push("-w", cluster.address(2)).exits(0); // and "no" records it when nothing overrides
        assertThat(Files.readString(ssh.resolve("known_hosts"))).contains(cluster.address(2) + " ");
    }

    @Test
    void aNameThatDoesNotResolveSaysWhereItCameFrom() throws Exception {
        key(ssh.resolve("id_ed25519"));
        knownHosts(cluster.address(1));
        Launcher.Result typed = push("-w", "nodex.invalid").exits(3);
        assertThat(typed.out() + typed.err())
                .contains("cannot resolve nodex.invalid (not a Server name in sync.conf)");

        Path conf = tmp.resolve("sync.conf");
        Files.writeString(conf, "Servers\n  Server node3 web3.invalid\nEndServers\n");
        Launcher.Result listed = push("-c", conf.toString()).exits(3);
        assertThat(listed.out() + listed.err())
                .contains("cannot resolve web3.invalid (the address of a Server in sync.conf)");
    }

    @Test
    void connectTimeoutOfTheSshConfigAppliesWhenTheRunNamesNone() throws Exception {
        key(ssh.resolve("id_ed25519"));
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept()); // accepts, never speaks SSH
                    }
                } catch (IOException closed) {
                    held.forEach(s -> {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    });
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            config("Host silent", "  HostName 127.0.0.1", "  Port " + silent.getLocalPort(), "  ConnectTimeout 2");
            long t0 = System.nanoTime();
            Launcher.Result r = push("--retries", "0", "-w", "silent").exits(3);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(r.out() + r.err()).contains("within 2 s");
            assertThat(seconds).isLessThan(8); // the default 10 s would be longer
        }
    }

    // ------------------------------------------------------------------ helpers

    private Launcher.Result push(String... args) {
        List<String> argv = new ArrayList<>(List.of("-y"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--dest", "/var/www/html", src.toString()));
        return launcher.run("tlclb_content_sync", argv.toArray(String[]::new));
    }

    /** A copy of the cluster's client key (and its .pub), 0600, at file. */
    private Path key(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.copy(cluster.clientKey(), file, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of(cluster.clientKey() + ".pub"), Path.of(file + ".pub"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private void config(String... lines) throws IOException {
        Files.createDirectories(ssh);
        Files.writeString(ssh.resolve("config"), String.join("\n", lines) + "\n");
    }

    /** ~/.ssh/known_hosts with the nodes at these addresses (port 22), as ssh-keyscan would write them. */
    private void knownHosts(String... addresses) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String a : addresses) {
            for (int i = 1; i <= hidden; i++) {
                if (cluster.address(i).equals(a)) {
                    sb.append(a).append(' ').append(cluster.hostKeyLine(i)).append('\n');
                }
            }
        }
        Files.writeString(ssh.resolve("known_hosts"), sb.toString());
    }

    /**
     * OpenSSH's ssh with the launcher's files: ~/.ssh/config (if any) as -F, its known_hosts and the system one;
     * never prompting.
     */
    private int ssh(String... args) throws Exception {
        Path cfg = ssh.resolve("config");
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", Files.exists(cfg) ? cfg.toString() : "/dev/null",
                "-o", "UserKnownHostsFile=" + ssh.resolve("known_hosts"),
                "-o", "GlobalKnownHostsFile=" + launcher.sshEtc().resolve("ssh_known_hosts"),
                "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR"));
        cmd.addAll(List.of(args));
        cmd.add("true");
        return sh(Map.of(), cmd.toArray(String[]::new));
    }

    private int sh(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("SSH_AUTH_SOCK");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        if (p.exitValue() != 0) {
            System.err.println(String.join(" ", cmd) + " -> " + p.exitValue() + ": " + out);
        }
        return p.exitValue();
    }

    /** An ssh-agent of this test, in the foreground (ended by {@link #stopAgents}); its socket. */
    private Path startAgent() throws Exception {
        Path sock = tmp.resolve("agent.sock");
        Process p = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        agents.add(p);
        for (int i = 0; i < 100 && !Files.exists(sock); i++) {
            Thread.sleep(20);
        }
        assertThat(sock).exists();
        return sock;
    }
}
