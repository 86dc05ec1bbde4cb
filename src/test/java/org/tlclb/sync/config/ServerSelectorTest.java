package org.tlclb.sync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSelectorTest {
    private static final Set<String> NOT_LOCAL = Set.of();

    private static SyncConfig cfg() throws ConfigException {
        return ConfigParser.parse(String.join("\n",
                "User deploy",
                "Servers",
                "  Server node1 127.0.0.11",
                "  Server node2 127.0.0.12 port=2222 user=admin",
                "  Server node3 web3.example.com nat nosync",
                "EndServers"), "sync.conf");
    }

    private static ConfigException error(SyncConfig c, String w, String x, Set<String> local) {
        ConfigException e = catchThrowableOfType(() -> ServerSelector.select(c, w, x, local), ConfigException.class);
        assertThat(e).as("expected a ConfigException for -w %s -x %s", w, x).isNotNull();
        return e;
    }

    @Test
    void defaultListComesFromTheFileWithUserAndPortDefaults() throws Exception {
        assertThat(ServerSelector.select(cfg(), null, null, NOT_LOCAL)).containsExactly(
                new NodeTarget("node1", "127.0.0.11", 22, "deploy", false),
                new NodeTarget("node2", "127.0.0.12", 2222, "admin", false),
                new NodeTarget("node3", "web3.example.com", 22, "deploy", true));
    }

    @Test
    void nosyncEntriesStayListed() throws Exception {
        assertThat(ServerSelector.select(cfg(), null, null, NOT_LOCAL))
                .filteredOn(NodeTarget::nosync).extracting(NodeTarget::name).containsExactly("node3");
    }

    @Test
    void dashWReplacesTheListAndAcceptsEveryForm() throws Exception {
        List<NodeTarget> t = ServerSelector.select(cfg(),
                "web9, ops@web10 ,10.0.0.5:2200,ops@10.0.0.6:2201,[fe80::1]:2022,[::2],fe80::3,ops@[::4]:23", null, NOT_LOCAL);
        assertThat(t).containsExactly(
                new NodeTarget(null, "web9", 22, "deploy", false),
                new NodeTarget(null, "web10", 22, "ops", false),
                new NodeTarget(null, "10.0.0.5", 2200, "deploy", false),
                new NodeTarget(null, "10.0.0.6", 2201, "ops", false),
                new NodeTarget(null, "fe80::1", 2022, "deploy", false),
                new NodeTarget(null, "::2", 22, "deploy", false),
                new NodeTarget(null, "fe80::3", 22, "deploy", false),
                new NodeTarget(null, "::4", 23, "ops", false));
        assertThat(t.get(3).display()).isEqualTo("ops@10.0.0.6:2201");
        assertThat(t.get(4).display()).isEqualTo("deploy@[fe80::1]:2022");
    }

    @Test
    void namesFromTheFileUseTheirAddressPortAndUser() throws Exception {
        assertThat(ServerSelector.select(cfg(), "NODE2,node3,root@node1:2022", null, NOT_LOCAL)).containsExactly(
                new NodeTarget("node2", "127.0.0.12", 2222, "admin", false),
                new NodeTarget("node3", "web3.example.com", 22, "deploy", true),
                new NodeTarget("node1", "127.0.0.11", 2022, "root", false));
        assertThat(new NodeTarget("node2", "127.0.0.12", 2222, "admin", false).display()).isEqualTo("node2");
    }

    @Test
    void atFileReadsOneServerPerLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("servers");
        Files.writeString(f, "# lab nodes\n127.0.0.11\n\n  127.0.0.12   # second\nnode2\n");
        assertThat(ServerSelector.select(cfg(), "@" + f + ",extra", null, NOT_LOCAL)).containsExactly(
                new NodeTarget(null, "127.0.0.11", 22, "deploy", false),
                new NodeTarget(null, "127.0.0.12", 22, "deploy", false),
                new NodeTarget("node2", "127.0.0.12", 2222, "admin", false),
                new NodeTarget(null, "extra", 22, "deploy", false));
    }

    @Test
    void badItemInAtFileIsReportedAtItsLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("servers");
        Files.writeString(f, "127.0.0.11\n# c\nroot@:22\n");
        assertThat(error(cfg(), "@" + f, null, NOT_LOCAL).getMessage())
                .startsWith(f + ":3: bad server 'root@:22': no host (expected host, user@host, host:port");
    }

    @Test
    void missingAtFileIsNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("absent");
        assertThat(error(cfg(), "@" + f, null, NOT_LOCAL).getMessage()).isEqualTo(f + ": cannot read: no such file (expected a server list, one server per line)");
    }

    @Test
    void badCommandLineItemsAreNamed() throws Exception {
        SyncConfig c = cfg();
        assertThat(error(c, "node1,host:0", null, NOT_LOCAL).getMessage())
                .isEqualTo("--servers: server 'host:0': bad value '0' (expected a port number 1..65535)");
        assertThat(error(c, "-oProxyCommand=x", null, NOT_LOCAL).getMessage())
                .startsWith("--servers: bad server '-oProxyCommand=x': bad host");
        assertThat(error(c, "-x@host", null, NOT_LOCAL).getMessage())
                .startsWith("--servers: bad server '-x@host': bad user '-x'");
        assertThat(error(c, "[::1", null, NOT_LOCAL).getMessage()).contains("missing ']'");
        assertThat(error(c, "[::1]x", null, NOT_LOCAL).getMessage()).contains("unexpected 'x' after ']'");
        assertThat(error(c, " , ", null, NOT_LOCAL).getMessage()).startsWith("--servers: no servers given");
    }

    @Test
    void dashXRemovesByNameOrHost() throws Exception {
        assertThat(ServerSelector.select(cfg(), null, "node1, WEB3.example.com", NOT_LOCAL))
                .extracting(NodeTarget::name).containsExactly("node2");
        assertThat(ServerSelector.select(cfg(), "10.0.0.1,10.0.0.2", "10.0.0.1", NOT_LOCAL))
                .extracting(NodeTarget::host).containsExactly("10.0.0.2");
    }

    @Test
    void dashXNameThatMatchesNothingIsAnError() throws Exception {
        assertThat(error(cfg(), null, "node1,node9", NOT_LOCAL).getMessage()).isEqualTo(
                "--exclude-servers: 'node9' matches no server in the list (expected a name or host of: node1, node2, node3)");
    }

    @Test
    void theSourceMachineIsSkippedByNameOrAddress() throws Exception {
        assertThat(ServerSelector.select(cfg(), null, null, Set.of("NODE1")))
                .extracting(NodeTarget::name).containsExactly("node2", "node3");
        assertThat(ServerSelector.select(cfg(), null, null, Set.of("127.0.0.12")))
                .extracting(NodeTarget::name).containsExactly("node1", "node3");
        assertThat(ServerSelector.select(cfg(), "fe80:0:0::7,10.0.0.1", null, Set.of("fe80::7")))
                .extracting(NodeTarget::host).containsExactly("10.0.0.1");
    }

    @Test
    void excludingTheSourceMachineExplicitlyIsNotAnError() throws Exception {
        assertThat(ServerSelector.select(cfg(), null, "node1", Set.of("node1"))).hasSize(2);
    }

    @Test
    void sameHostAndPortIsPushedOnce() throws Exception {
        assertThat(ServerSelector.select(cfg(), "node1,127.0.0.11,127.0.0.11:2222", null, NOT_LOCAL)).containsExactly(
                new NodeTarget("node1", "127.0.0.11", 22, "deploy", false),
                new NodeTarget(null, "127.0.0.11", 2222, "deploy", false));
    }

    @Test
    void localNamesNeverContainLoopback() {
        Set<String> names = ServerSelector.localNames();
        assertThat(names).noneMatch(n -> n.startsWith("127.") || n.equals("::1") || n.equals("0:0:0:0:0:0:0:1")
                || n.equalsIgnoreCase("localhost"));
        assertThat(names).doesNotContain("127.0.0.11", "127.0.0.12", "127.0.0.13");
    }

    @Test
    void emptyConfigAndNoDashWGivesAnEmptyList() throws Exception {
        assertThat(ServerSelector.select(SyncConfig.defaults(), null, null, NOT_LOCAL)).isEmpty();
    }
}
