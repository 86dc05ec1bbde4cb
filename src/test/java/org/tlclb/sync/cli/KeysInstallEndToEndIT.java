package org.tlclb.sync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.node.EmbeddedNode;
import org.tlclb.sync.run.EmbeddedCluster;
import org.tlclb.sync.ssh.Prompter;

/** tlclb keys install against embedded nodes that accept root's password "pw" and start with no key. */
class KeysInstallEndToEndIT {
    @TempDir
    Path tmp;
    Path home;
    Path knownHosts;
    String savedHome;
    final List<EmbeddedNode> nodes = new ArrayList<>();
    final List<Path> roots = new ArrayList<>();

    /** Answers every password question with a fixed text and records the questions. */
    static final class ScriptedPrompter implements Prompter {
        final String answer;
        final List<String> asked = new ArrayList<>();

        ScriptedPrompter(String answer) {
            this.answer = answer;
        }

        @Override
        public boolean interactive() {
            return true;
        }

        @Override
        public boolean confirm(String question) {
            return false;
        }

        @Override
        public synchronized char[] secret(String prompt) {
            asked.add(prompt);
            return answer == null ? null : answer.toCharArray();
        }
    }

    @BeforeAll
    static void bc() {
        Security.addProvider(new BouncyCastleProvider());
    }

    /** The terminal the next run asks (never the real one). */
    private Supplier<Prompter> prompter = Prompter::none;

    private EmbeddedCluster.Result run(String... args) {
        return EmbeddedCluster.run(prompter, args);
    }

    @BeforeEach
    void setUp() throws Exception {
        savedHome = System.getProperty("user.home");
        home = tmp.resolve("home");
        Files.createDirectories(home);
        System.setProperty("user.home", home.toString());
        knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, "");
    }

    @AfterEach
    void tearDown() {
        System.setProperty("user.home", savedHome);
        prompter = Prompter::none;
        nodes.forEach(EmbeddedNode::close);
    }

    /** A node whose root's authorized_keys is /root/.ssh/authorized_keys on the node, as on a real machine. */
    private EmbeddedNode startNode(String authorizedKeys) throws Exception {
        int i = nodes.size() + 1;
        Path root = tmp.resolve("node" + i);
        Path ak = root.resolve("root/.ssh/authorized_keys");
        if (authorizedKeys != null) {
            Files.createDirectories(ak.getParent());
            Files.writeString(ak, authorizedKeys);
        } else {
            Files.createDirectories(root.resolve("root")); // the home exists, ~/.ssh does not
        }
        EmbeddedNode node = EmbeddedNode.builder().root(root).stateDir(tmp.resolve("state" + i))
                .authorizedKeys(ak).password("root", "pw").start();
        nodes.add(node);
        roots.add(root);
        Files.writeString(knownHosts, node.knownHostsLine() + "\n", java.nio.file.StandardOpenOption.APPEND);
        return node;
    }

    private Path authorizedKeys(int i) {
        return roots.get(i - 1).resolve("root/.ssh/authorized_keys");
    }

    private Path writeConfig() throws Exception {
        StringBuilder sb = new StringBuilder("Servers\n");
        for (int i = 1; i <= nodes.size(); i++) {
            sb.append("  Server node").append(i).append(" 127.0.0.1 direct port=").append(nodes.get(i - 1).port())
                    .append('\n');
        }
        sb.append("EndServers\nKnownHosts ").append(knownHosts).append('\n');
        sb.append("HostKeyPolicy strict\nConnectTimeout 5\nRetries 0\n");
        Path conf = tmp.resolve("sync.conf");
        Files.writeString(conf, sb.toString());
        return conf;
    }

    /** ~/.ssh/id_ed25519 and its .pub (with a comment) in the test home; returns the .pub line. */
    private String userKey() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519", "BC").generateKeyPair();
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Path key = ssh.resolve("id_ed25519");
        try (OutputStream out = Files.newOutputStream(key)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "me@laptop", null, out);
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        String line = PublicKeyEntry.toString(kp.getPublic()) + " me@laptop";
        Files.writeString(ssh.resolve("id_ed25519.pub"), line + "\n");
        return line;
    }

    private static int count(String text, String line) {
        Matcher m = Pattern.compile("^" + Pattern.quote(line) + "$", Pattern.MULTILINE).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void asksThePasswordOnceThenSyncRunsWithoutOne() throws Exception {
        String line = userKey();
        EmbeddedNode node = startNode("");
        Path conf = writeConfig();
        ScriptedPrompter terminal = new ScriptedPrompter("pw");
        prompter = () -> terminal;

        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("node1: key installed, key login verified");
        assertThat(terminal.asked).containsExactly("root@127.0.0.1:" + node.port() + "'s password: ");
        assertThat(r.out() + r.err()).doesNotContain("pw\n").doesNotContain(" pw ");
        assertThat(Files.readString(authorizedKeys(1))).isEqualTo(line + "\n");

        // A batch run (no terminal under surefire: Prompter.console() is none()) now gets in with the key.
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("index.html"), "hello\n");
        EmbeddedCluster.Result sync = run("content-sync", "-c", conf.toString(), "-y",
                "--dest", "/var/www/html", src.toString());
        assertThat(sync.exit()).as(sync.out() + sync.err()).isZero();
        assertThat(roots.get(0).resolve("var/www/html/index.html")).hasContent("hello");

        // Again: nothing asked, nothing added.
        ScriptedPrompter again = new ScriptedPrompter("pw");
        prompter = () -> again;
        EmbeddedCluster.Result second = run("keys", "install", "-c", conf.toString());
        assertThat(second.exit()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).contains("node1: key already installed");
        assertThat(again.asked).isEmpty();
        assertThat(count(Files.readString(authorizedKeys(1)), line)).isEqualTo(1);
    }

    @Test
    void withoutATerminalANodeNeedingAPasswordFailsAtOnce() throws Exception {
        userKey();
        startNode("");
        Path conf = writeConfig();
        prompter = Prompter::none;

        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString());

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains(
                "node1: needs a password and there is no terminal: run tlclb keys install from a shell");
        assertThat(Files.readString(authorizedKeys(1))).isEmpty();
    }

    @Test
    void createsAnEd25519PairWhenTheUserHasNoKey() throws Exception {
        startNode(null); // no /root/.ssh on the node either
        Path conf = writeConfig();
        prompter = () -> new ScriptedPrompter("pw");

        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        Path key = home.resolve(".ssh/id_ed25519");
        Path pub = home.resolve(".ssh/id_ed25519.pub");
        assertThat(r.out()).contains("Created key " + key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".ssh"))))
                .isEqualTo("rwx------");
        assertThat(Files.readString(key)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        String line = Files.readString(pub).strip();
        assertThat(line).startsWith("ssh-ed25519 AAAA");
        assertThat(Files.readString(authorizedKeys(1))).isEqualTo(line + "\n");
        // Created on the node as OpenSSH wants them.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(authorizedKeys(1).getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(authorizedKeys(1))))
                .isEqualTo("rw-------");
    }

    @Test
    void keepsTheOtherLinesByteForByte() throws Exception {
        String line = userKey();
        String other1 = PublicKeyEntry.toString(KeyPairGenerator.getInstance("Ed25519", "BC").generateKeyPair().getPublic());
        String other2 = PublicKeyEntry.toString(KeyPairGenerator.getInstance("Ed25519", "BC").generateKeyPair().getPublic());
        // (MINA's node refuses a file with a line it cannot parse, where OpenSSH skips it: only valid lines here.)
        String before = "# admins\n\ncommand=\"/bin/true\",no-pty " + other1 + "   other@host\n" + other2;
        startNode(before);
        Path conf = writeConfig();
        prompter = () -> new ScriptedPrompter("pw");

        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(Files.readString(authorizedKeys(1))).isEqualTo(before + "\n" + line + "\n");
    }

    @Test
    void aWrongPasswordFailsTheNodeAfterOneQuestion() throws Exception {
        userKey();
        startNode("");
        Path conf = writeConfig();
        ScriptedPrompter terminal = new ScriptedPrompter("nope");
        prompter = () -> terminal;

        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString());

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("node1: the password was not accepted").doesNotContain("nope");
        assertThat(terminal.asked).hasSize(1);
        assertThat(Files.readString(authorizedKeys(1))).isEmpty();
    }

    @Test
    void nodesAreDoneInOrderAndOnlyThoseWithoutTheKeyAreAsked() throws Exception {
        String line = userKey();
        startNode(line + "\n");
        EmbeddedNode second = startNode("");
        startNode("");
        Path conf = writeConfig();
        ScriptedPrompter terminal = new ScriptedPrompter("pw");
        prompter = () -> terminal;

        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString(), "-x", "node3");

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsSubsequence("node1: key already installed",
                "node2: key installed, key login verified");
        assertThat(r.out() + r.err()).doesNotContain("node3");
        assertThat(terminal.asked).containsExactly("root@127.0.0.1:" + second.port() + "'s password: ");
        assertThat(Files.readString(authorizedKeys(3))).isEmpty();
    }

    @Test
    void someNodesFailingExitsOne() throws Exception {
        String line = userKey();
        startNode(line + "\n");
        startNode("");
        Path conf = writeConfig();
        prompter = Prompter::none;

        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("node1: key already installed");
        assertThat(r.err()).contains("node2: needs a password and there is no terminal");
    }

    @Test
    void anExplicitKeyIsTheOneInstalled() throws Exception {
        userKey(); // a default key that must not be used
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519", "BC").generateKeyPair();
        Path key = tmp.resolve("id_cluster");
        try (OutputStream out = Files.newOutputStream(key)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "", null, out);
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        startNode("");
        Path conf = writeConfig();
        prompter = () -> new ScriptedPrompter("pw");

        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString(), "-i", key.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        // No .pub next to it: the line is derived from the private key.
        assertThat(Files.readString(authorizedKeys(1))).isEqualTo(PublicKeyEntry.toString(kp.getPublic()) + "\n");
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertThat(run("keys").exit()).isEqualTo(2);
        assertThat(run("keys", "install", "--password", "pw").exit()).isEqualTo(2);
        assertThat(run("keys", "install", "-c", tmp.resolve("missing.conf").toString()).exit())
                .isEqualTo(2);
        startNode("");
        Path conf = writeConfig();
        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString(),
                "--host-key-policy", "trust-me");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--host-key-policy");
        r = run("keys", "install", "-c", conf.toString(), "-i", tmp.resolve("nokey").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nokey");
        r = run("keys", "install", "-c", conf.toString(), "-x", "node1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no nodes");
    }

    @Test
    void anUnknownHostKeyIsRefusedBeforeAnyPasswordIsAsked() throws Exception {
        userKey();
        startNode("");
        Path conf = writeConfig();
        Files.writeString(knownHosts, "");
        ScriptedPrompter terminal = new ScriptedPrompter("pw");
        prompter = () -> terminal;

        EmbeddedCluster.Result r = run("keys", "install", "-c", conf.toString());

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("node1: ").contains("SHA256:");
        assertThat(terminal.asked).isEmpty();
        assertThat(new String(Files.readAllBytes(authorizedKeys(1)), StandardCharsets.UTF_8)).isEmpty();
    }
}
