package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.it.ItSupport.count;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.Security;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tlclb.sync.cli.Main;
import org.tlclb.sync.it.Launcher.Result;
import org.tlclb.sync.node.EmbeddedNode;

/**
 * tlclb keys install through scripts/: against OpenSSH nodes that accept the key already, and an
 * embedded node that takes only root's password "pw" (OpenSSH's lab nodes take no passwords, and
 * this machine's root password is not the tests' to know). At a terminal the password is asked
 * once, without echo; afterwards a push needs none. Without one, the node fails with what to do.
 */
@Contract("keys install")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeysInstallContractIT extends LabTestBase {
    EmbeddedNode locked;
    Path lockedRoot;
    Path knownHosts;

    @BeforeAll
    static void bouncyCastle() {
        Security.addProvider(new BouncyCastleProvider()); // for the embedded node in this JVM
    }

    @BeforeEach
    void setUp() throws Exception {
        for (int i = 1; i <= cluster.size(); i++) {
            cluster.start(i);
        }
        lockedRoot = tmp.resolve("pw-node");
        Path ak = lockedRoot.resolve("root/.ssh/authorized_keys");
        Files.createDirectories(lockedRoot.resolve("root"));
        locked = EmbeddedNode.builder().root(lockedRoot).stateDir(tmp.resolve("pw-node.state")).authorizedKeys(ak)
                .password("root", "pw").start();
        knownHosts = tmp.resolve("known_hosts");
        Files.copy(cluster.knownHosts(), knownHosts);
        Files.writeString(knownHosts, locked.knownHostsLine() + "\n", StandardOpenOption.APPEND);
    }

    @AfterEach
    void stopNode() {
        locked.close();
    }

    private String lockedNode() {
        return "root@127.0.0.1:" + locked.port();
    }

    /** How reports name it: root is the default user, the port is not the default one. */
    private String shown() {
        return "127.0.0.1:" + locked.port();
    }

    @Test
    @Exercises(value = {"-h", "--help", "-V", "--version"}, exits = 0)
    void helpAndVersion() throws Exception {
        Result help = launcher.run("tlclb", "keys", "install", "--help").exits(0);
        assertThat(help.out()).startsWith("Usage: tlclb keys install ").contains("Asks each node's password once",
                "Exit codes:").doesNotContain("--json", "--log-file", "--quiet");
        Contracts.assertHelpFits(help.out(), Main.model("tlclb").getSubcommands().get("keys").getSubcommands()
                .get("install"));
        assertThat(launcher.run("tlclb", "keys", "install", "-h").exits(0).out()).isEqualTo(help.out());
        Contracts.assertVersion(launcher, "tlclb", "keys", "install");
    }

    @Test
    @Exercises(command = "keys", value = {"-h", "--help", "-V", "--version"}, exits = {0, 2})
    void keysAloneShowsItsUsageOnStderrAndExits2() throws Exception {
        Result alone = launcher.run("tlclb", "keys").exits(2);
        assertThat(alone.out()).isEmpty();
        assertThat(alone.err()).startsWith("Usage: tlclb keys ").contains("install");
        assertThat(launcher.run("tlclb", "keys", "--help").exits(0).out()).isEqualTo(alone.err());
        assertThat(launcher.run("tlclb", "keys", "-h").exits(0).out()).isEqualTo(alone.err());
        Contracts.assertVersion(launcher, "tlclb", "keys");
    }

    @Test
    @Exercises(value = {"-c", "-i", "--identity"}, exits = 0)
    void nodesThatAcceptTheKeyAlreadyAreLeftAlone() throws Exception {
        Path authorized = cluster.base().resolve("authorized_keys");
        String before = Files.readString(authorized);
        Result r = launcher.run("tlclb", "keys", "install", "-c", conf.toString(), "-i", cluster.clientKey().toString())
                .exits(0);
        assertThat(r.out()).isEqualTo("node1: key already installed\nnode2: key already installed\n");
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(authorized)).isEqualTo(before);
        launcher.run("tlclb", "keys", "install", "-c", conf.toString(), "--identity", cluster.clientKey().toString())
                .exits(0);
    }

    @Test
    @Exercises(value = {"-w", "--known-hosts", "--host-key-policy"}, exits = 0)
    void atATerminalThePasswordIsAskedOnceWithoutEchoAndThenAPushNeedsNone() throws Exception {
        Path key = launcher.home().resolve(".ssh/id_ed25519");
        assertThat(key).doesNotExist();
        String prompt = lockedNode() + "'s password: ";
        Result r = launcher.converse(List.of(prompt, "pw"), "tlclb", "keys", "install", "-w", lockedNode(),
                "--known-hosts", knownHosts.toString(), "--host-key-policy", "strict").exits(0);
        assertThat(count(r.out(), prompt)).isEqualTo(1);
        assertThat(r.out()).contains("Created key " + key + " (no passphrase)",
                shown() + ": key installed, key login verified");
        assertThat(r.out()).doesNotContain(prompt + "pw").doesNotContain("\npw\r");
        String pub = Files.readString(Path.of(key + ".pub")).trim();
        assertThat(Files.readString(lockedRoot.resolve("root/.ssh/authorized_keys"))).contains(pub);

        Path src = Contracts.tree(tmp.resolve("src"));
        launcher.run("tlclb_content_sync", "-y", "-w", lockedNode(), "--known-hosts", knownHosts.toString(),
                "--dest", "/var/www/html", src.toString()).exits(0);
        assertThat(lockedRoot.resolve("var/www/html/index.html")).hasContent("<h1>hello</h1>");
    }

    @Test
    @Exercises(value = {"-w", "--servers", "-x", "--exclude-servers", "--known-hosts"}, exits = {1, 3})
    void withoutATerminalANodeThatNeedsAPasswordFailsSayingWhatToDo() throws Exception {
        Files.createDirectories(launcher.home().resolve(".ssh"));
        Files.copy(cluster.clientKey(), launcher.home().resolve(".ssh/id_ed25519"));
        Files.copy(Path.of(cluster.clientKey() + ".pub"), launcher.home().resolve(".ssh/id_ed25519.pub"));
        Result one = launcher.run("tlclb", "keys", "install", "-w", lockedNode(), "--known-hosts",
                knownHosts.toString()).exits(3);
        assertThat(one.err()).isEqualTo(shown() + ": needs a password and there is no terminal: run tlclb keys"
                + " install from a shell\ntlclb keys install: 1 of 1 nodes do not accept the key yet\n");
        Result mixed = launcher.run("tlclb", "keys", "install", "--servers", cluster.address(1) + "," + lockedNode()
                + "," + cluster.address(2), "--exclude-servers", cluster.address(2), "--known-hosts",
                knownHosts.toString()).exits(1);
        assertThat(mixed.out()).isEqualTo(cluster.address(1) + ": key already installed\n");
        assertThat(mixed.err()).contains(shown() + ": needs a password",
                "tlclb keys install: 1 of 2 nodes do not accept the key yet");
        launcher.run("tlclb", "keys", "install", "-w", cluster.address(1) + "," + cluster.address(2), "-x",
                cluster.address(2), "--known-hosts", knownHosts.toString()).exits(0);
    }

    @Test
    @Exercises(value = {"--connect-timeout", "--retries"}, exits = {3, 2})
    void aNodeThatIsDownFailsWithinTheTimeoutAndRangesAreChecked() throws Exception {
        cluster.stop(2);
        Result r = launcher.run("tlclb", "keys", "install", "-c", conf.toString(), "-i", cluster.clientKey().toString(),
                "-x", "node1", "--connect-timeout", "3", "--retries", "0").exits(3);
        assertThat(r.err()).contains("node2: ", "cannot connect to " + cluster.address(2));
        Result range = launcher.run("tlclb", "keys", "install", "-c", conf.toString(), "--retries", "21").exits(2);
        assertThat(range.err()).isEqualTo("tlclb keys install: --retries must be 0..20, not 21\n");
        Result unknown = launcher.run("tlclb", "keys", "install", "--json", "-").exits(2);
        assertThat(unknown.err()).isEqualTo("tlclb keys install: Unknown options: '--json', '-'\n"
                + "Try 'tlclb keys install --help' for more information.\n");
    }
}
