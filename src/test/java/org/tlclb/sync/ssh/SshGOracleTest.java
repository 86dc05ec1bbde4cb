package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.ssh.config.HostConfig;
import org.tlclb.sync.ssh.config.JumpHost;
import org.tlclb.sync.ssh.config.SshConfig;

/**
 * {@code ssh -G -F FILE [-l user] host} is the oracle: for a set of configuration files (Host and Match blocks,
 * negation, Include, quotes, '=', tokens), every setting the product takes from ssh_config must come out as ssh's.
 * Home and /etc/ssh are this machine's here (only read, never written), because that is what ssh -G expands.
 */
class SshGOracleTest {
    @TempDir
    static Path dir;
    static Path config;
    static final String HOME = System.getProperty("user.home");
    static final String LOCAL_USER = System.getProperty("user.name");

    @BeforeAll
    static void write() throws IOException {
        assumeTrue(which("ssh"), "OpenSSH's ssh is not installed: it is this test's oracle");
        Path extra = dir.resolve("extra.conf");
        Files.writeString(extra, String.join("\n",
                "Host cache*",
                "  HostName cache.internal",
                "  ProxyCommand nc %h %p",
                "  ProxyJump ignored.example",
                "Host web9",
                "  StrictHostKeyChecking=ask",
                "  HostKeyAlias web-nine",
                "  IdentityAgent ~/agent.%h.sock",
                ""));
        config = dir.resolve("config");
        Files.writeString(config, String.join("\n",
                "# settings before any Host line apply to every host",
                "ConnectTimeout=4",
                "Host web1",
                "  HostName 10.1.2.3",
                "  IdentityFile ~/.ssh/id_web",
                "  IdentityFile \"%d/keys/id %h\"",
                "  Port 2222",
                "  User deploy",
                "",
                "Host web* !web9",
                "  User other",
                "  IdentityFile ~/.ssh/id_all",
                "  IdentitiesOnly yes",
                "  ServerAliveInterval 1m30s",
                "  StrictHostKeyChecking accept-new",
                "  Port 2299",
                "",
                "Host web3",
                "  HostName 192.0.2.30",
                "  ProxyJump root@jumphost,admin@[fd00::1]:2200",
                "",
                "Host jumphost",
                "  HostName 127.0.0.9",
                "  ProxyJump none",
                "  UserKnownHostsFile ~/kh/%h_%p /dev/null",
                "  StrictHostKeyChecking yes",
                "",
                "Host 192.0.2.7",
                "  ProxyJump root@jumphost",
                "",
                "Match host 10.1.*",
                "  HashKnownHosts yes",
                "  GlobalKnownHostsFile /etc/ssh/cluster_known_hosts",
                "",
                "Match originalhost db* user root",
                "  HostName %h.db.example",
                "  StrictHostKeyChecking no",
                "Match host *.db.example",
                "  Port 2201",
                "Match user ops",
                "  ServerAliveCountMax 7",
                "  IdentityAgent none",
                "Include " + extra,
                "",
                "Host *",
                "  ServerAliveInterval 30",
                "  UserKnownHostsFile ~/.ssh/known_hosts_all",
                "  IdentityFile ~/.ssh/id_everyone",
                ""));
    }

    @ParameterizedTest(name = "ssh -G {0} (user {1})")
    @CsvSource(nullValues = "-", value = {
            "web1, -", "web2, -", "web3, -", "web9, -", "jumphost, -", "192.0.2.7, -", "db1, root", "db1, ops",
            "cache1, -", "other.example, -", "WEB1, -", "web2, ops"})
    void everySettingIsWhatSshGPrints(String host, String user) throws Exception {
        Map<String, List<String>> g = sshG(host, user, List.of());
        SshOptions options = options(null, null, null);
        SshConfig cfg = SshConfig.only(config, Path.of(HOME), Path.of("/etc/ssh"), LOCAL_USER);
        HostConfig hc = cfg.resolve(host, user, LOCAL_USER);
        SshRoute r = new RouteResolver(options, cfg, Map.of(), Set.of(), SshSetup.localHostName())
                .route(host, user, null, LOCAL_USER);

        assertThat(r.host()).isEqualTo(one(g, "hostname"));
        assertThat(String.valueOf(r.port())).isEqualTo(one(g, "port"));
        assertThat(r.user()).isEqualTo(one(g, "user"));
        if (hc.identityFiles().isEmpty()) {
            assertThat(g.get("identityfile")).contains("~/.ssh/id_rsa"); // ssh's defaults; ours are SPEC's
        } else {
            assertThat(hc.identityFiles()).isEqualTo(g.get("identityfile"));
        }
        assertThat(r.identitiesOnly() ? "yes" : "no").isEqualTo(one(g, "identitiesonly"));
        assertThat(joined(r.trust().userFiles())).isEqualTo(one(g, "userknownhostsfile"));
        assertThat(joined(r.trust().globalFiles())).isEqualTo(one(g, "globalknownhostsfile"));
        String strict = one(g, "stricthostkeychecking");
        assertThat(hc.strictHostKeyChecking() == null ? "ask" : hc.strictHostKeyChecking()).isEqualTo(strict);
        TrustPolicy expected = hc.strictHostKeyChecking() == null ? TrustPolicy.STRICT // no terminal here
                : switch (strict) {
                    case "true" -> TrustPolicy.STRICT;
                    case "ask" -> TrustPolicy.ASK;
                    default -> TrustPolicy.ACCEPT_NEW; // false and accept-new
                };
        assertThat(r.trust().policy()).isEqualTo(expected);
        assertThat(r.trust().hashNew() ? "yes" : "no").isEqualTo(one(g, "hashknownhosts"));
        String timeout = one(g, "connecttimeout");
        assertThat(r.connectTimeout()).isEqualTo(timeout.equals("none") ? SyncConfig.DEFAULT_CONNECT_TIMEOUT
                : Duration.ofSeconds(Long.parseLong(timeout)));
        assertThat(String.valueOf(r.serverAliveInterval().toSeconds())).isEqualTo(one(g, "serveraliveinterval"));
        assertThat(String.valueOf(r.serverAliveCountMax())).isEqualTo(one(g, "serveralivecountmax"));
        assertThat(r.proxyCommand()).isEqualTo(g.containsKey("proxycommand") ? one(g, "proxycommand") : null);
        assertThat(hc.hostKeyAlias()).isEqualTo(g.containsKey("hostkeyalias") ? one(g, "hostkeyalias") : null);
        if (g.containsKey("hostkeyalias")) {
            assertThat(r.knownHostsName()).isEqualTo(one(g, "hostkeyalias"));
        }
        if (g.containsKey("identityagent") && !one(g, "identityagent").equals("none")) {
            assertThat(String.valueOf(r.agent())).isEqualTo(one(g, "identityagent"));
        } else if (g.containsKey("identityagent")) {
            assertThat(r.agent()).isNull();
        }
        // ProxyJump: the hops ssh would take, in order, each with its user and port.
        List<String> hops = new ArrayList<>();
        for (SshRoute hop : r.hops().subList(0, r.hops().size() - 1)) {
            hops.add(new JumpHost(hop.user(), hop.alias(), hop.port()).toString());
        }
        List<String> gHops = new ArrayList<>();
        if (g.containsKey("proxyjump")) {
            for (JumpHost j : JumpHost.parseList(one(g, "proxyjump"))) {
                gHops.add(new JumpHost(j.user() != null ? j.user() : sshG(j.host(), null, List.of()).get("user").get(0),
                        j.host(), j.port() != null ? j.port()
                        : Integer.parseInt(sshG(j.host(), null, List.of()).get("port").get(0))).toString());
            }
        }
        assertThat(hops).isEqualTo(gHops);
    }

    @ParameterizedTest(name = "the command line wins for {0}")
    @CsvSource({"web1", "jumphost", "db1"})
    void theCommandLineWinsOverTheFiles(String host) throws Exception {
        Path kh = dir.resolve("cli_known_hosts");
        Path key = Files.writeString(dir.resolve("cli_key"), ""); // ssh -i ignores a file that does not exist
        Map<String, List<String>> g = sshG(host, null, List.of("-o", "UserKnownHostsFile=" + kh,
                "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=3", "-i", key.toString()));
        SshOptions options = options(kh, TrustPolicy.STRICT, Duration.ofSeconds(3));
        SshOptions withKey = new SshOptions(options.paths(), options.prompter(), kh, TrustPolicy.STRICT,
                List.of(key), Duration.ofSeconds(3), 0);
        SshConfig cfg = SshConfig.only(config, Path.of(HOME), Path.of("/etc/ssh"), LOCAL_USER);
        SshRoute r = new RouteResolver(withKey, cfg, Map.of(), Set.of(), "here")
                .route(host, null, null, LOCAL_USER);
        assertThat(joined(r.trust().userFiles())).isEqualTo(one(g, "userknownhostsfile"));
        assertThat(one(g, "stricthostkeychecking")).isEqualTo("true");
        assertThat(r.trust().policy()).isEqualTo(TrustPolicy.STRICT);
        assertThat(r.connectTimeout()).isEqualTo(Duration.ofSeconds(Long.parseLong(one(g, "connecttimeout"))));
        assertThat(g.get("identityfile").get(0)).isEqualTo(key.toString());
        assertThat(r.identityFiles().get(0)).isEqualTo(key); // -i first, as ssh
    }

    private static SshOptions options(Path knownHosts, TrustPolicy policy, Duration timeout) {
        StatePaths paths = new StatePaths(dir.resolve("sync.conf"), dir.resolve("log"), dir.resolve("lock"),
                Path.of(HOME), Path.of("/etc/ssh"), dir.resolve("state"));
        return new SshOptions(paths, Prompter.none(), knownHosts, policy, List.of(), timeout, 0);
    }

    private static String joined(List<Path> files) {
        return String.join(" ", files.stream().map(Path::toString).toList());
    }

    private static String one(Map<String, List<String>> g, String key) {
        List<String> v = g.get(key);
        assertThat(v).as("ssh -G prints %s", key).isNotNull().hasSize(1);
        return v.get(0);
    }

    /** ssh -G's output: keyword -> values (identityfile repeats). */
    static Map<String, List<String>> sshG(String host, String user, List<String> extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-G", "-F", config.toString()));
        if (user != null) {
            cmd.addAll(List.of("-l", user));
        }
        cmd.addAll(extra);
        cmd.add(host);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                m.computeIfAbsent(line.substring(0, sp), k -> new ArrayList<>()).add(line.substring(sp + 1));
            }
        }
        return m;
    }

    private static boolean which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
