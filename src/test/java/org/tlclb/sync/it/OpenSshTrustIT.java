package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.run.EmbeddedCluster;

/** SPEC section 5 against real OpenSSH nodes, without a terminal (as under cron). */
class OpenSshTrustIT extends LabTestBase {

    @BeforeEach
    void page() throws Exception {
        Files.writeString(src.resolve("index.html"), "hello");
    }

    private Path conf(Path knownHosts, Path key, String policy) throws Exception {
        Path c = ItSupport.writeConf(cluster, tmp.resolve("sync.conf"), "");
        String text = Files.readString(c).replace("KnownHosts " + cluster.knownHosts(), "KnownHosts " + knownHosts)
                .replace("IdentityFile " + cluster.clientKey(), "IdentityFile " + key)
                .replace("HostKeyPolicy strict\n", policy == null ? "" : "HostKeyPolicy " + policy + "\n");
        Files.writeString(c, text);
        return c;
    }

    private EmbeddedCluster.Result push(Path conf) {
        return EmbeddedCluster.run("content-sync", "-c", conf.toString(), "-y", "--dest", "/var/www/html",
                src.toString());
    }

    private static int run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void unknownHostsAreRefusedWithTheirFingerprintsThenAcceptNewWritesWhatOpenSshAccepts() throws Exception {
        Path kh = tmp.resolve("known_hosts");
        Files.writeString(kh, "");
        EmbeddedCluster.Result refused = push(conf(kh, cluster.clientKey(), null));
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.out()).contains("SHA256:", "accept-new", cluster.address(1), cluster.address(2));
        assertThat(cluster.www(1).resolve("index.html")).doesNotExist();

        EmbeddedCluster.Result accepted = push(conf(kh, cluster.clientKey(), "accept-new"));
        assertThat(accepted.exit()).as(accepted.out() + accepted.err()).isZero();
        assertThat(cluster.www(1).resolve("index.html")).hasContent("hello");
        for (int i = 1; i <= 2; i++) {
            assertThat(run(List.of("ssh", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + kh,
                    "-o", "BatchMode=yes", "-i", cluster.clientKey().toString(), "root@" + cluster.address(i), "true")))
                    .as("OpenSSH accepts the line we wrote for node %d", i).isZero();
        }
        assertThat(run(List.of("ssh-keygen", "-H", "-f", kh.toString()))).isZero();
        assertThat(Files.readString(kh)).startsWith("|1|").doesNotContain(cluster.address(1));
        EmbeddedCluster.Result hashed = push(conf(kh, cluster.clientKey(), "strict"));
        assertThat(hashed.exit()).as(hashed.out() + hashed.err()).isZero();
    }

    @Test
    void aChangedKeyIsRefusedEvenUnderAcceptNew() throws Exception {
        Path other = tmp.resolve("other");
        assertThat(run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()))).isZero();
        String pub = Files.readString(Path.of(other + ".pub")).trim();
        String keyOnly = pub.substring(0, pub.lastIndexOf(' '));
        Path kh = tmp.resolve("known_hosts");
        Files.writeString(kh, cluster.address(1) + " " + keyOnly + "\n");
        EmbeddedCluster.Result r = EmbeddedCluster.run("content-sync", "-c", conf(kh, cluster.clientKey(), "accept-new")
                .toString(), "-y", "-w", "node1", "--dest", "/var/www/html", src.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).contains("HAS CHANGED", "line 1", "ssh-keygen -R");
        assertThat(Files.readString(kh)).isEqualTo(cluster.address(1) + " " + keyOnly + "\n");
    }

    @Test
    void anEncryptedKeyWithoutATerminalFailsAtOnceNamingTheKey() throws Exception {
        Path enc = tmp.resolve("enc_key");
        assertThat(run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", enc.toString())))
                .isZero();
        long t0 = System.nanoTime();
        EmbeddedCluster.Result r = push(conf(cluster.knownHosts(), enc, "strict"));
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains(enc.toString());
    }
}
