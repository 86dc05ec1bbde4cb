package org.tlclb.sync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {

    /** The sample of SPEC section 2, verbatim. */
    static final String SPEC_SAMPLE = String.join("\n",
            "Servers",
            "  Server node1 192.168.0.101 direct",
            "  Server node2 192.168.0.102 tunnel noping port=2222 user=admin",
            "  Server node3 web3.example.com nat nosync      # no SSH here: skipped, listed as skipped",
            "EndServers",
            "ContentDir   /var/www/html",
            "ConfigDir    /etc/clusterserver",
            "LicenseFile  /etc/tlclb/license.key",
            "Exclude      *.swp",
            "Exclude      cache/",
            "Parallel     16",
            "User         root",
            "IdentityFile /root/.ssh/id_ed25519",
            "KnownHosts   /root/.ssh/known_hosts",
            "HostKeyPolicy ask",
            "ConnectTimeout 10",
            "Retries      2",
            "Backup       yes",
            "BackupKeep   5",
            "PostSync content \"systemctl reload httpd\"",
            "PostSync config  \"systemctl restart clusterserver\"",
            "Validate config  \"/usr/sbin/clusterserver --check-config\"",
            "LogFile      /var/log/tlclb/sync.log",
            "");

    static SyncConfig parse(String text) throws ConfigException {
        return ConfigParser.parse(text, "sync.conf");
    }

    @Test
    void specSampleParsesToTheExpectedValues() throws Exception {
        SyncConfig c = parse(SPEC_SAMPLE);
        assertThat(c.file()).isNull();
        assertThat(c.servers()).containsExactly(
                new ServerEntry("node1", "192.168.0.101", null, null, false, 2),
                new ServerEntry("node2", "192.168.0.102", 2222, "admin", false, 3),
                new ServerEntry("node3", "web3.example.com", null, null, true, 4));
        assertThat(c.contentDir()).isEqualTo(Path.of("/var/www/html"));
        assertThat(c.configDir()).isEqualTo(Path.of("/etc/clusterserver"));
        assertThat(c.licenseFiles()).containsExactly(Path.of("/etc/tlclb/license.key"));
        assertThat(c.excludes()).containsExactly("*.swp", "cache/");
        assertThat(c.parallel()).isEqualTo(16);
        assertThat(c.user()).isEqualTo("root");
        assertThat(c.identityFiles()).containsExactly(Path.of("/root/.ssh/id_ed25519"));
        assertThat(c.knownHosts()).isEqualTo(Path.of("/root/.ssh/known_hosts"));
        assertThat(c.hostKeyPolicy()).isEqualTo(HostKeyPolicy.ASK);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.retries()).isEqualTo(2);
        assertThat(c.backup()).isTrue();
        assertThat(c.backupKeep()).isEqualTo(5);
        assertThat(c.postSync()).containsExactlyInAnyOrderEntriesOf(Map.of(
                HookTarget.CONTENT, "systemctl reload httpd",
                HookTarget.CONFIG, "systemctl restart clusterserver"));
        assertThat(c.validate()).containsExactlyEntriesOf(Map.of(
                HookTarget.CONFIG, "/usr/sbin/clusterserver --check-config"));
        assertThat(c.logFile()).isEqualTo(Path.of("/var/log/tlclb/sync.log"));
    }

    @Test
    void emptyFileGivesTheBuiltInDefaults() throws Exception {
        SyncConfig c = parse("# nothing but a comment\n\n   \n");
        assertThat(c).isEqualTo(SyncConfig.defaults());
        assertThat(c.servers()).isEmpty();
        assertThat(c.contentDir()).isEqualTo(Path.of("/var/www/html"));
        assertThat(c.configDir()).isEqualTo(Path.of("/etc/clusterserver"));
        assertThat(c.parallel()).isEqualTo(16);
        assertThat(c.user()).isEqualTo("root");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.retries()).isEqualTo(2);
        assertThat(c.backupKeep()).isEqualTo(5);
        // "not said" stays null, because the default depends on the command or the terminal
        assertThat(c.backup()).isNull();
        assertThat(c.hostKeyPolicy()).isNull();
        assertThat(c.knownHosts()).isNull();
        assertThat(c.logFile()).isNull();
        assertThat(c.postSync()).isEmpty();
        assertThat(c.validate()).isEmpty();
    }

    @Test
    void everyKeywordIsParsedAndCaseInsensitive() throws Exception {
        String home = System.getProperty("user.home");
        SyncConfig c = parse(String.join("\n",
                "SERVERS",
                "server a 10.0.0.1 DIRECT NoSync PORT=2200 User=web",
                "server b [fe80::1] tunnel nat noping",
                "endservers",
                "contentdir /srv/www",
                "CONFIGDIR /etc/cs",
                "licensefile /etc/tlclb/a.key",
                "LicenseFile /etc/tlclb/b.key",
                "exclude *.tmp",
                "parallel 1024",
                "user deploy",
                "identityfile ~/.ssh/id_ed25519",
                "IdentityFile /keys/other",
                "knownhosts ~/.ssh/kh",
                "hostkeypolicy ACCEPT-NEW",
                "connecttimeout 3",
                "retries 0",
                "backup off",
                "backupkeep 1",
                "postsync CONTENT true",
                "validate Content \"test -d /srv/www\"",
                "Validate config /bin/true",
                "logfile ~/sync.log"));
        assertThat(c.servers()).containsExactly(
                new ServerEntry("a", "10.0.0.1", 2200, "web", true, 2),
                new ServerEntry("b", "fe80::1", null, null, false, 3));
        assertThat(c.contentDir()).isEqualTo(Path.of("/srv/www"));
        assertThat(c.configDir()).isEqualTo(Path.of("/etc/cs"));
        assertThat(c.licenseFiles()).containsExactly(Path.of("/etc/tlclb/a.key"), Path.of("/etc/tlclb/b.key"));
        assertThat(c.excludes()).containsExactly("*.tmp");
        assertThat(c.parallel()).isEqualTo(1024);
        assertThat(c.user()).isEqualTo("deploy");
        assertThat(c.identityFiles()).containsExactly(Path.of(home, ".ssh/id_ed25519"), Path.of("/keys/other"));
        assertThat(c.knownHosts()).isEqualTo(Path.of(home, ".ssh/kh"));
        assertThat(c.hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.retries()).isZero();
        assertThat(c.backup()).isFalse();
        assertThat(c.backupKeep()).isEqualTo(1);
        assertThat(c.postSync()).containsExactlyEntriesOf(Map.of(HookTarget.CONTENT, "true"));
        assertThat(c.validate()).containsOnly(
                Map.entry(HookTarget.CONTENT, "test -d /srv/www"), Map.entry(HookTarget.CONFIG, "/bin/true"));
        assertThat(c.logFile()).isEqualTo(Path.of(home, "sync.log"));
    }

    @Test
    void booleansAcceptAllSixSpellings() throws Exception {
        for (String yes : new String[] {"yes", "true", "on", "YES"}) {
            assertThat(parse("Backup " + yes).backup()).as(yes).isTrue();
        }
        for (String no : new String[] {"no", "false", "off", "Off"}) {
            assertThat(parse("Backup " + no).backup()).as(no).isFalse();
        }
    }

    @Test
    void quotedValuesKeepBlanksEscapesAndHashes() throws Exception {
        SyncConfig c = parse(String.join("\n",
                "PostSync content \"echo \\\"a  b\\\" \\\\ # not a comment\"   # a comment",
                "Exclude \"My Documents/\"",
                "Exclude foo#bar",
                "Exclude \"#*#\"",
                "Validate config \"grep -q 'a\\.b' /etc/x\""));
        assertThat(c.postSync().get(HookTarget.CONTENT)).isEqualTo("echo \"a  b\" \\ # not a comment");
        assertThat(c.excludes()).containsExactly("My Documents/", "foo#bar", "#*#");
        assertThat(c.validate().get(HookTarget.CONFIG)).isEqualTo("grep -q 'a\\.b' /etc/x");
    }

    @Test
    void dosLineEndsTabsAndByteOrderMarkAreTolerated() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        String text = "Parallel\t4\r\nServers\r\n\tServer n1 127.0.0.11\r\nEndServers\r\n";
        SyncConfig c = ConfigParser.parse(new String(bom, StandardCharsets.UTF_8) + text, "x");
        assertThat(c.parallel()).isEqualTo(4);
        assertThat(c.servers()).extracting(ServerEntry::address).containsExactly("127.0.0.11");
    }

    @Test
    void loadBalancerServersBlockCopiedVerbatimParses() throws Exception {
        // The example of the load balancer's own guide (chapter 6), as it appears there.
        SyncConfig c = parse(String.join("\n",
                "Servers",
                "    Server node1 node1.turbolinux.usa direct",
                "    Server node2 192.168.0.102 tunnel noping",
                "    Server node3 systemX.turbolinux.usa nat",
                "EndServers"));
        assertThat(c.servers()).extracting(ServerEntry::name).containsExactly("node1", "node2", "node3");
        assertThat(c.servers()).allSatisfy(s -> {
            assertThat(s.port()).isNull();
            assertThat(s.user()).isNull();
            assertThat(s.nosync()).isFalse();
        });
    }

    @Test
    void parseFileRecordsThePathAndReadsBytes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sync.conf");
        Files.writeString(f, SPEC_SAMPLE);
        SyncConfig c = ConfigParser.parse(f);
        assertThat(c.file()).isEqualTo(f);
        assertThat(c.servers()).hasSize(3);
    }

    @Test
    void missingFileIsAConfigExceptionOnLineZero(@TempDir Path dir) {
        Path f = dir.resolve("nope.conf");
        assertThatThrownBy(() -> ConfigParser.parse(f))
                .isInstanceOf(ConfigException.class)
                .hasMessage(f + ": cannot read: no such file (expected a sync.conf file)")
                .satisfies(e -> {
                    assertThat(((ConfigException) e).line()).isZero();
                    assertThat(((ConfigException) e).file()).isEqualTo(f.toString());
                });
    }

    @Test
    void endlessDeviceIsRefusedNotReadForever() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(zero));
        assertThatThrownBy(() -> ConfigParser.parse(zero))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/dev/zero: file is larger than 16777216 bytes (expected a sync.conf file)");
    }

    @Test
    void directoryIsAConfigException(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigParser.parse(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir + ": ");
    }

    @Test
    void nonUtf8FileIsRefusedAtItsLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sync.conf");
        Files.write(f, new byte[] {'P', 'a', 'r', 'a', 'l', 'l', 'e', 'l', ' ', '4', '\n', 'U', 's', 'e', 'r', ' ', (byte) 0xC3, '\n'});
        assertThatThrownBy(() -> ConfigParser.parse(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + ":2: ")
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void nulByteInFileIsRefusedAtItsLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sync.conf");
        Files.write(f, "# ok\n\nUser ro\0ot\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ConfigParser.parse(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + ":3: NUL byte");
    }

    @Test
    void aServerAddressTakesUserAndPortAsDashWDoes() throws ConfigException {
        SyncConfig c = parse("Servers\n  Server web1 admin@10.0.0.1:2222 direct\n  Server web2 [fe80::1]:2200\n"
                + "  Server web3 fe80::2 user=ops\n  Server web4 ops@web4.example.com\nEndServers\n");
        assertThat(c.servers()).extracting(ServerEntry::name, ServerEntry::address, ServerEntry::port, ServerEntry::user)
                .containsExactly(tuple("web1", "10.0.0.1", 2222, "admin"),
                        tuple("web2", "fe80::1", 2200, null),
                        tuple("web3", "fe80::2", null, "ops"),
                        tuple("web4", "web4.example.com", null, "ops"));
    }
}
