package org.tlclb.sync.run;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.tlclb.sync.cli.Main;
import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.it.ItSupport;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.node.EmbeddedNode;

/**
 * Three (or n) embedded SSH nodes on loopback with a client key, a known_hosts file and a sync.conf
 * naming them: what most end-to-end tests run the real command line against. A test class shares
 * one ({@link #perClass}) unless its tests need different nodes.
 */
public final class EmbeddedCluster implements AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private final Path base;
    /** The nodes a test class starts with: {@link #reset()} drops the ones a test added. */
    private final int initial;
    private final List<EmbeddedNode> nodes = new ArrayList<>();
    private final List<Path> roots = new ArrayList<>();
    private final Path key;
    private final Path knownHosts;
    private final Path authorizedKeys;
    private final Set<Integer> stopped = new TreeSet<>();
    private final Set<Integer> withoutSftp = new HashSet<>();

    public record Result(int exit, String out, String err) {
    }

    private EmbeddedCluster(Path base, int initial) throws Exception {
        this.base = base;
        this.initial = initial;
        Files.createDirectories(base);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519", "BC");
        KeyPair kp = gen.generateKeyPair();
        key = base.resolve("id_ed25519");
        try (OutputStream out = Files.newOutputStream(key)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "test", null, out);
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        authorizedKeys = base.resolve("authorized_keys");
        Files.writeString(authorizedKeys, PublicKeyEntry.toString(kp.getPublic()) + "\n");
        knownHosts = base.resolve("known_hosts");
        Files.writeString(knownHosts, "");
    }

    public static EmbeddedCluster start(Path base, int n) throws Exception {
        Security.addProvider(new BouncyCastleProvider());
        EmbeddedCluster c = new EmbeddedCluster(base, n);
        c.startNodes();
        return c;
    }

    /**
     * {@code n} nodes for every test of a class, as a JUnit extension:
     * {@code @RegisterExtension static final EmbeddedCluster cluster = EmbeddedCluster.perClass(3);}
     * starts them (in a temporary directory of their own) before the first test, {@link #reset()}s
     * them before each, and closes them and removes the directory after the last.
     */
    public static EmbeddedCluster perClass(int n) {
        Security.addProvider(new BouncyCastleProvider());
        try {
            return new EmbeddedCluster(Files.createTempDirectory("tlclb-cluster-"), n);
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare an embedded cluster", e);
        }
    }

    private void startNodes() throws IOException {
        for (int i = 1; i <= initial; i++) {
            startNode(i, 0);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        startNodes();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
        ItSupport.emptyDir(base);
        Files.delete(base);
    }

    /** Adds a node without the SFTP subsystem (SCP only); returns its number. */
    public int addNodeWithoutSftp() throws IOException {
        int i = nodes.size() + 1;
        withoutSftp.add(i);
        startNode(i, 0);
        return i;
    }

    private void startNode(int i, int port) throws IOException {
        Path root = base.resolve("node" + i);
        Files.createDirectories(root);
        EmbeddedNode node = EmbeddedNode.builder().root(root).port(port).stateDir(base.resolve("state" + i))
                .authorizedKeys(authorizedKeys).sftp(!withoutSftp.contains(i)).start();
        if (nodes.size() >= i) {
            nodes.set(i - 1, node);
        } else {
            nodes.add(node);
            roots.add(root);
            Files.writeString(knownHosts, node.knownHostsLine() + "\n", StandardOpenOption.APPEND);
        }
    }

    public int size() {
        return nodes.size();
    }

    public EmbeddedNode node(int i) {
        return nodes.get(i - 1);
    }

    /** The node's view of an absolute path. */
    public Path path(int i, String abs) {
        return roots.get(i - 1).resolve(abs.substring(1));
    }

    public Path key() {
        return key;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    public void stop(int i) {
        nodes.get(i - 1).close();
        stopped.add(i);
    }

    public void restart(int i) throws IOException {
        startNode(i, nodes.get(i - 1).port());
        stopped.remove(i);
    }

    /**
     * Brings the cluster back to how it started, for the next test of a class that shares it: the
     * nodes a test added are gone, every stopped node runs again (same port and host key), every
     * node's tree is empty and known_hosts names the nodes alone.
     */
    public void reset() throws IOException {
        while (nodes.size() > initial) {
            int last = nodes.size();
            nodes.remove(last - 1).close();
            roots.remove(last - 1);
            stopped.remove(last);
            withoutSftp.remove(last);
        }
        for (int i : new TreeSet<>(stopped)) {
            restart(i);
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            ItSupport.emptyDir(roots.get(i));
            lines.append(nodes.get(i).knownHostsLine()).append('\n');
        }
        Files.writeString(knownHosts, lines);
    }

    /** A sync.conf naming every node (node1..n), with this cluster's key and known_hosts. */
    public Path writeConfig(String extra) throws IOException {
        StringBuilder sb = new StringBuilder("Servers\n");
        for (int i = 1; i <= nodes.size(); i++) {
            sb.append("  Server node").append(i).append(" 127.0.0.1 direct port=").append(nodes.get(i - 1).port())
                    .append('\n');
        }
        sb.append("EndServers\n");
        sb.append("IdentityFile ").append(key).append('\n');
        sb.append("KnownHosts ").append(knownHosts).append('\n');
        sb.append("HostKeyPolicy strict\nConnectTimeout 5\nRetries 0\n");
        sb.append(extra == null ? "" : extra);
        Path conf = base.resolve("sync.conf");
        Files.writeString(conf, sb.toString(), StandardCharsets.UTF_8);
        return conf;
    }

    /** The machine's home when the test JVM started: never the home a test run uses. */
    private static final String REAL_HOME = System.getProperty("user.home");
    private static Path stateDir;

    /**
     * State paths of in-JVM runs: a private temporary directory for locks, log and /etc/ssh, and a
     * home of their own unless the test set user.home itself. Nothing touches the machine's.
     */
    public static synchronized StatePaths testPaths() {
        try {
            if (stateDir == null) {
                stateDir = Files.createTempDirectory("tlclb-test-state");
                stateDir.toFile().deleteOnExit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String home = System.getProperty("user.home");
        Path h = home.equals(REAL_HOME) ? stateDir.resolve("home") : Path.of(home);
        return new StatePaths(stateDir.resolve("etc/clusterserver/sync.conf"), stateDir.resolve("log/sync.log"),
                stateDir.resolve("run/tlclb"), h, stateDir.resolve("etc/ssh"), stateDir.resolve("var/lib/tlclb"));
    }

    /**
     * The environment that points a child process (a launcher, a JVM running Main) at
     * {@link #testPaths()}, as {@code TLCLB_*} variables: its runs share the in-JVM runs' state.
     */
    public static Map<String, String> testEnvironment() {
        StatePaths p = testPaths();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TLCLB_CONFIG", p.configFile().toString());
        env.put("TLCLB_LOG_FILE", p.logFile().toString());
        env.put("TLCLB_LOCK_DIR", p.lockDir().toString());
        env.put("TLCLB_HOME", p.home().toString());
        env.put("TLCLB_SSH_ETC", p.sshEtc().toString());
        env.put("TLCLB_STATE_DIR", p.stateDir().toString());
        return env;
    }

    /** {@link #testEnvironment()} as {@code NAME=VALUE} words, for {@code env -i}. */
    public static List<String> testEnvironmentWords() {
        return testEnvironment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** Runs the command line in this JVM, capturing its output; no terminal. */
    public static Result run(String... args) {
        return run(Prompter::none, args);
    }

    /** Runs the command line in this JVM with {@code terminal} as the terminal, capturing its output. */
    public static Result run(Supplier<Prompter> terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), testPaths(), terminal);
        return new Result(exit, out.toString(), err.toString());
    }

    @Override
    public void close() {
        for (EmbeddedNode n : nodes) {
            n.close();
        }
    }
}
