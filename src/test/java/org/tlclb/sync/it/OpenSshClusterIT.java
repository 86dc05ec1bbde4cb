package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Proves the fixture: real sshd nodes, private directories per node, stop/start, clean close. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenSshClusterIT {

    @BeforeAll
    static void available() {
        OpenSshCluster.assumeAvailable(); // skips on a laptop without root; fails under CI=true
    }

    record Result(int code, String out) {
    }

    static Result run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), out);
    }

    static List<String> sshOpts(OpenSshCluster c) {
        return List.of("-F", "/dev/null", "-i", c.clientKey().toString(), "-o", "UserKnownHostsFile=" + c.knownHosts(),
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=5");
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void nodesAreRealSshdWithPrivateDirectoriesAndStopStartClose(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("cluster");
        String token = "hi " + UUID.randomUUID();
        List<Long> everyPidSeen = new ArrayList<>();
        OpenSshCluster c = OpenSshCluster.start(base, 2);
        try {
            assertThat(c.size()).isEqualTo(2);
            assertThat(c.address(1)).matches("127\\.0\\.\\d+\\.11").isNotEqualTo("127.0.0.11");
            assertThat(c.address(2)).isEqualTo(c.address(1).replaceAll("11$", "12"));
            assertThat(Files.readString(c.knownHosts())).startsWith(c.address(1) + " ssh-ed25519 ");
            assertThat(c.clientKey()).exists();
            assertThat(Path.of(c.clientKey() + ".pub")).exists();

            // Write on node 1 through a remote shell: it lands in node 1's private www only.
            Result r = run(c.sshCommand(1, "sh -c 'echo \"" + token + "\" > /var/www/html/x && echo e > /etc/clusterserver/y && echo l > /etc/tlclb/z'"), null);
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(Files.readString(c.www(1).resolve("x")).trim()).isEqualTo(token);
            assertThat(c.etc(1).resolve("y")).hasContent("e");
            assertThat(c.lic(1).resolve("z")).hasContent("l");
            assertThat(c.www(2).resolve("x")).doesNotExist();
            Path hostX = Path.of("/var/www/html/x");
            assertThat(!Files.exists(hostX) || !Files.readString(hostX).contains(token))
                    .as("the host's own /var/www/html/x must not be written").isTrue();

            // Node 2 sees its own (empty) directory.
            r = run(c.sshCommand(2, "ls -A /var/www/html"), null);
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out().trim()).isEmpty();

            // SFTP subsystem and the legacy scp protocol both work.
            Path local = tmp.resolve("local.txt");
            Files.writeString(local, "via sftp\n");
            r = run(concat(List.of("sftp"), concat(sshOpts(c), List.of("-b", "-", "root@" + c.address(2)))),
                    "put " + local + " /var/www/html/s.txt\n");
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(c.www(2).resolve("s.txt")).hasContent("via sftp");
            r = run(concat(List.of("scp", "-O", "-q"), concat(sshOpts(c), List.of(local.toString(),
                    "root@" + c.address(2) + ":/var/www/html/scp.txt"))), null);
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(c.www(2).resolve("scp.txt")).hasContent("via sftp");

            // A long session on node 1, then stop(1): the session dies with the node.
            Process session = new ProcessBuilder(c.sshCommand(1, "sleep 300")).redirectErrorStream(true).start();
            waitUntil(() -> c.allPids(1).stream().anyMatch(pid -> comm(pid).equals("sleep")), "sleep running on node 1");
            List<Long> node1 = c.allPids(1);
            assertThat(node1).hasSizeGreaterThanOrEqualTo(3); // listener, session sshd(s), sleep
            everyPidSeen.addAll(node1);
            everyPidSeen.addAll(c.allPids(2));

            c.stop(1);
            assertThat(session.waitFor(10, TimeUnit.SECONDS)).as("ssh session ends when its node stops").isTrue();
            assertThat(node1).allSatisfy(pid -> assertThat(OpenSshCluster.isLive(pid)).as("pid " + pid).isFalse());
            assertThat(c.pids(1)).isEmpty();
            r = run(c.sshCommand(1, "true"), null);
            assertThat(r.code()).isNotZero();
            assertThat(r.out()).containsIgnoringCase("refused");
            assertThat(run(c.sshCommand(2, "true"), null).code()).as("node 2 unaffected").isZero();

            c.start(1);
            r = run(c.sshCommand(1, "cat /var/www/html/x"), null);
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out().trim()).isEqualTo(token);
            everyPidSeen.addAll(c.allPids(1));
            assertThat(c.pids(1)).isNotEmpty();
        } finally {
            c.close();
        }
        assertThat(everyPidSeen).isNotEmpty()
                .allSatisfy(pid -> assertThat(OpenSshCluster.isLive(pid)).as("pid " + pid + " after close").isFalse());
        assertThat(c.pids(1)).isEmpty();
        assertThat(c.pids(2)).isEmpty();
        assertThat(run(c.sshCommand(2, "true"), null).code()).isNotZero();
    }

    @Test
    void twoClustersAtOnceGetDifferentSubnets(@TempDir Path tmp) throws Exception {
        try (OpenSshCluster a = OpenSshCluster.start(tmp.resolve("a"), 1);
             OpenSshCluster b = OpenSshCluster.start(tmp.resolve("b"), 1)) {
            assertThat(a.address(1)).isNotEqualTo(b.address(1));
            assertThat(run(a.sshCommand(1, "true"), null).code()).isZero();
            assertThat(run(b.sshCommand(1, "true"), null).code()).isZero();
        }
    }

    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
