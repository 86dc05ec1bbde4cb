package org.tlclb.sync.ssh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the ssh -G oracle does not cover: the user and system files together, refusals, and the lexical rules. */
class SshConfigTest {
    @TempDir
    Path dir;
    Path home;
    Path etc;

    @BeforeEach
    void dirs() throws Exception {
        home = dir.resolve("home");
        etc = dir.resolve("etc");
        Files.createDirectories(home.resolve(".ssh"));
        Files.createDirectories(etc);
    }

    private SshConfig standard() {
        return SshConfig.standard(home, etc, "admin");
    }

    private Path user(String... lines) throws Exception {
        return Files.writeString(home.resolve(".ssh/config"), String.join("\n", lines) + "\n");
    }

    private Path system(String... lines) throws Exception {
        return Files.writeString(etc.resolve("ssh_config"), String.join("\n", lines) + "\n");
    }

    @Test
    void theUserFileComesBeforeTheSystemFileAndTheFirstValueWins() throws Exception {
        user("Host web1", "  Port 2201");
        system("Host *", "  Port 22", "  User sys", "  HashKnownHosts yes", "  IdentityFile /sys/key");
        HostConfig c = standard().resolve("web1", null, "admin");
        assertThat(c.port()).isEqualTo(2201);
        assertThat(c.user()).isEqualTo("sys");
        assertThat(c.hashKnownHosts()).isTrue();
        assertThat(c.identityFiles()).containsExactly("/sys/key");
        assertThat(standard().resolve("other", "given", "admin").user()).isEqualTo("given"); // -l beats User
    }

    @Test
    void missingFilesAreAnEmptyConfiguration() throws Exception {
        assertThat(standard().resolve("n", null, "admin")).isEqualTo(HostConfig.empty("n"));
    }

    @Test
    void includeReadsRelativeToTheSshDirectoryInPlaceAndKeepsTheIncludersState() throws Exception {
        Files.createDirectories(home.resolve(".ssh/conf.d"));
        Files.writeString(home.resolve(".ssh/conf.d/b.conf"), "Host web*\n  Port 2202\n");
        Files.writeString(home.resolve(".ssh/conf.d/a.conf"), "Port 2201\nHost other\n  User x\n");
        Files.writeString(home.resolve(".ssh/conf.d/.hidden.conf"), "Port 9\n");
        user("Host web1", "  Include conf.d/*.conf", "  User deploy");
        HostConfig c = standard().resolve("web1", null, "admin");
        assertThat(c.port()).isEqualTo(2201); // a.conf first (lexical order), its leading line applies in place
        assertThat(c.user()).isEqualTo("deploy"); // a.conf's "Host other" did not switch web1's block off
        assertThat(standard().resolve("web2", null, "admin").port()).isNull(); // Include sat in web1's block
    }

    @Test
    void anIncludeLoopEndsWithAClearError() throws Exception {
        Path loop = user("Include " + home.resolve(".ssh/config"));
        assertThatThrownBy(() -> standard().resolve("n", null, "admin"))
                .isInstanceOf(SshConfigException.class).hasMessageContaining(loop + " line 1")
                .hasMessageContaining("Include nesting too deep");
    }

    @Test
    void aUserFileOthersCanWriteIsRefusedAsSshRefusesIt() throws Exception {
        Path f = user("Host n", "  HostName elsewhere");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> standard().resolve("n", null, "admin"))
                .hasMessageContaining("Bad owner or permissions on " + f);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(system("Host n", "  Port 2"), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(standard().resolve("n", null, "admin").hostName()).isEqualTo("elsewhere"); // not checked
    }

    @Test
    void badValuesNameTheFileAndLineEvenInBlocksThatDoNotApply() throws Exception {
        Path f = user("Host elsewhere", "  Port 99999");
        assertThatThrownBy(() -> standard().resolve("n", null, "admin"))
                .hasMessage(f + " line 2: Bad port '99999'.");
        user("Host n", "  ConnectTimeout 5x");
        assertThatThrownBy(() -> standard().resolve("n", null, "admin")).hasMessageContaining("invalid time value");
        user("Host n", "  IdentityFile \"/unterminated");
        assertThatThrownBy(() -> standard().resolve("n", null, "admin")).hasMessageContaining("invalid quotes");
        user("Host n", "  ProxyJump user@[::1");
        assertThatThrownBy(() -> standard().resolve("n", null, "admin")).hasMessageContaining("Invalid ProxyJump");
    }

    @Test
    void matchCriteriaThatRunCommandsAreRefusedByName() throws Exception {
        user("Match exec \"test -f /tmp/x\"", "  Port 2");
        assertThatThrownBy(() -> standard().resolve("n", null, "admin"))
                .hasMessageContaining("line 1: Match exec is not supported by tlclb");
    }

    @Test
    void matchFinalMakesASecondPassWithTheHostNameObtained() throws Exception {
        user("Host short", "  HostName long.example", "Match final host long.example", "  Port 2300",
                "Match host long.example", "  User early");
        HostConfig c = standard().resolve("short", null, "admin");
        assertThat(c.port()).isEqualTo(2300);
        assertThat(c.user()).isEqualTo("early");
        assertThat(standard().resolve("long.example", null, "admin").port()).isEqualTo(2300);
    }

    @Test
    void lexicalRules() throws Exception {
        user("HOSTNAME=h.example", "port = 2222", "IdentityFile \"/a b/key\" # a comment",
                "IdentityFile /c\\ d/key", "ServerAliveInterval 1m30s", "ProxyJump a,ssh://u@b:2200 # hops");
        HostConfig c = standard().resolve("n", null, "admin");
        assertThat(c.hostName()).isEqualTo("h.example");
        assertThat(c.port()).isEqualTo(2222);
        assertThat(c.identityFiles()).containsExactly("/a b/key", "/c d/key");
        assertThat(c.serverAliveInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(JumpHost.parseList(c.proxyJump())).containsExactly(new JumpHost(null, "a", null),
                new JumpHost("u", "b", 2200));
    }

    @Test
    void hostNameTakesPercentHAndProxyCommandBlocksALaterProxyJump() throws Exception {
        user("Host db*", "  HostName %h.db.example", "  ProxyCommand nc %h %p", "  ProxyJump j");
        HostConfig c = standard().resolve("db1", null, "admin");
        assertThat(c.hostName()).isEqualTo("db1.db.example");
        assertThat(c.proxyCommand()).isEqualTo("nc %h %p");
        assertThat(c.jumps()).isFalse();
    }

    @Test
    void jumpHostsParseAsSshParsesThem() {
        assertThat(JumpHost.parseList("root@jump,[fd00::1]:2200,ssh://u@h")).containsExactly(
                new JumpHost("root", "jump", null), new JumpHost(null, "fd00::1", 2200), new JumpHost("u", "h", null));
        assertThat(new JumpHost("a", "fd00::1", 22).toString()).isEqualTo("a@[fd00::1]:22");
        assertThatThrownBy(() -> JumpHost.parse("h:0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JumpHost.parse("@h")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokensExpandAsSshExpandsFileNames() throws Exception {
        Tokens t = new Tokens(Path.of("/home/a"), "box.example", "web1", "10.0.0.1", 2222, "root", "admin", 1000,
                "web1", "", Map.of("KEYS", "/srv/keys"));
        assertThat(t.expand("~/.ssh/id_%h_%p_%r", "IdentityFile")).isEqualTo("/home/a/.ssh/id_10.0.0.1_2222_root");
        assertThat(t.expand("%d/%u/%n/%L/%l/%i/%%", "x")).isEqualTo("/home/a/admin/web1/box/box.example/1000/%");
        assertThat(t.expand("${KEYS}/k", "x")).isEqualTo("/srv/keys/k");
        assertThat(t.expand("%C", "x")).hasSize(40);
        assertThatThrownBy(() -> t.expand("%z", "IdentityFile")).hasMessageContaining("unknown token %z");
        assertThatThrownBy(() -> t.expand("${NOPE}", "IdentityFile")).hasMessageContaining("NOPE is not set");
    }

    @Test
    void globsAndPatternLists() {
        assertThat(Glob.matches("web?.*", "web1.example")).isTrue();
        assertThat(Glob.matches("web*", "db1")).isFalse();
        assertThat(Glob.matchesHost("*.example,!secret.example", "SECRET.example")).isFalse();
        assertThat(Glob.matchesHost("*.example,!secret.example", "www.example")).isTrue();
        assertThat(Glob.matchesList("Root", "root", false)).isFalse();
    }
}
