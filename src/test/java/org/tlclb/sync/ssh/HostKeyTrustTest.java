package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HostKeyTrustTest {
    @TempDir
    Path dir;
    Path kh;
    Path keyFile;
    PublicKey key;
    PublicKey otherKey;
    PublicKey ecdsaKey;

    @BeforeEach
    void keys() throws Exception {
        kh = dir.resolve("known_hosts");
        keyFile = SshKeygen.generate(dir.resolve("host_ed25519"), "ed25519", "");
        key = SshKeygen.publicKey(keyFile);
        otherKey = SshKeygen.publicKey(SshKeygen.generate(dir.resolve("other_ed25519"), "ed25519", ""));
        ecdsaKey = SshKeygen.publicKey(SshKeygen.generate(dir.resolve("host_ecdsa"), "ecdsa", ""));
    }

    /** A prompter that answers as told and records what it was asked. */
    static final class Scripted implements Prompter {
        final boolean answer;
        final List<String> asked = new ArrayList<>();

        Scripted(boolean answer) {
            this.answer = answer;
        }

        @Override
        public boolean interactive() {
            return true;
        }

        @Override
        public synchronized boolean confirm(String question) {
            asked.add(question);
            return answer;
        }

        @Override
        public char[] secret(String prompt) {
            return null;
        }
    }

    private void knownHosts(String... lines) throws Exception {
        Files.writeString(kh, String.join("\n", lines) + "\n");
    }

    @Test
    void fingerprintAndTypeMatchSshKeygen() throws Exception {
        String out = SshKeygen.run(List.of("ssh-keygen", "-lf", keyFile + ".pub")).out();
        // "256 SHA256:xxxx test (ED25519)"
        assertThat(out.split(" ")[1]).isEqualTo(HostKeyTrust.fingerprint(key));
        assertThat(out.strip()).endsWith("(" + HostKeyTrust.keyType(key) + ")");
        assertThat(HostKeyTrust.keyType(ecdsaKey)).isEqualTo("ECDSA");
        String ecOut = SshKeygen.run(List.of("ssh-keygen", "-lf", dir.resolve("host_ecdsa") + ".pub")).out();
        assertThat(ecOut.split(" ")[1]).isEqualTo(HostKeyTrust.fingerprint(ecdsaKey));
    }

    @Test
    void knownKeyIsAcceptedUnderEveryPolicyForPlainCommaBracketedWildcardEntries() throws Exception {
        String k = SshKeygen.publicLine(keyFile);
        knownHosts("# comment", "", "node1,10.0.0.1 " + k, "[127.0.0.1]:2222 " + k, "*.lab " + k,
                "@cert-authority * " + SshKeygen.publicLine(dir.resolve("other_ed25519")));
        for (TrustPolicy p : TrustPolicy.values()) {
            HostKeyTrust trust = new HostKeyTrust(kh, p, Prompter.none());
            assertThat(trust.verify("node1", 22, null, key)).isTrue();
            assertThat(trust.verify("10.0.0.1", 22, null, key)).isTrue();
            assertThat(trust.verify("127.0.0.1", 2222, null, key)).isTrue();
            assertThat(trust.verify("a.lab", 22, null, key)).isTrue();
            assertThat(trust.refusal("node1", 22)).isEmpty();
        }
    }

    @Test
    void hashedEntryIsKnown() throws Exception {
        knownHosts("[127.0.0.1]:2222 " + SshKeygen.publicLine(keyFile));
        assertThat(SshKeygen.run(List.of("ssh-keygen", "-H", "-f", kh.toString())).exit()).isZero();
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.STRICT, Prompter.none());
        assertThat(trust.verify("127.0.0.1", 2222, null, key)).isTrue();
        assertThat(trust.verify("127.0.0.1", 2222, null, otherKey)).isFalse();
        assertThat(trust.refusal("127.0.0.1", 2222).orElseThrow()).contains("HAS CHANGED");
    }

    @Test
    void unknownUnderStrictIsRefusedWithHowToFix() {
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.STRICT, new Scripted(true));
        assertThat(trust.verify("127.0.0.1", 2222, null, key)).isFalse();
        String why = trust.refusal("127.0.0.1", 2222).orElseThrow();
        assertThat(why).contains("[127.0.0.1]:2222", "ED25519", HostKeyTrust.fingerprint(key),
                "ssh-keyscan -p 2222 127.0.0.1 >> " + kh, "--host-key-policy accept-new");
        assertThat(kh).doesNotExist();
    }

    @Test
    void unknownUnderAskYesAsksLikeOpensshAndRecords() throws Exception {
        Scripted yes = new Scripted(true);
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.ASK, yes);
        assertThat(trust.verify("127.0.0.1", 2222, "127.0.0.1", key)).isTrue();
        assertThat(yes.asked).singleElement().isEqualTo(
                "The authenticity of host '[127.0.0.1]:2222 ([127.0.0.1]:2222)' can't be established.\n"
                        + "ED25519 key fingerprint is " + HostKeyTrust.fingerprint(key) + ".\n"
                        + "Are you sure you want to continue connecting (yes/no)?");
        assertThat(Files.readAllLines(kh)).containsExactly("[127.0.0.1]:2222 " + SshKeygen.publicLine(keyFile));
        // now known: not asked again
        assertThat(trust.verify("127.0.0.1", 2222, "127.0.0.1", key)).isTrue();
        assertThat(yes.asked).hasSize(1);
    }

    @Test
    void unknownUnderAskNoIsRefused() {
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.ASK, new Scripted(false));
        assertThat(trust.verify("node1", 22, "10.0.0.1", key)).isFalse();
        assertThat(trust.refusal("node1", 22).orElseThrow()).contains("node1", "not accepted");
        assertThat(kh).doesNotExist();
    }

    @Test
    void unknownUnderAskWithoutTerminalActsAsStrict() {
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.ASK, Prompter.none());
        assertThat(trust.verify("node1", 22, null, key)).isFalse();
        assertThat(trust.refusal("node1", 22).orElseThrow()).contains("ssh-keyscan -p 22 node1");
    }

    @Test
    void unknownUnderAcceptNewWritesOneLineAndCreatesPrivateFile() throws Exception {
        Path nested = dir.resolve("newdir").resolve("known_hosts");
        HostKeyTrust trust = new HostKeyTrust(nested, TrustPolicy.ACCEPT_NEW, Prompter.none());
        assertThat(trust.verify("Node1", 22, null, key)).isTrue();
        assertThat(trust.verify("127.0.0.1", 2222, null, key)).isTrue();
        assertThat(Files.readAllLines(nested)).containsExactly(
                "node1 " + SshKeygen.publicLine(keyFile),
                "[127.0.0.1]:2222 " + SshKeygen.publicLine(keyFile));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void acceptNewAppendsAfterAnUnterminatedLastLine() throws Exception {
        Files.writeString(kh, "node0 " + SshKeygen.publicLine(dir.resolve("other_ed25519"))); // no newline
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.ACCEPT_NEW, Prompter.none());
        assertThat(trust.verify("node1", 22, null, key)).isTrue();
        assertThat(Files.readAllLines(kh)).hasSize(2).last().asString().startsWith("node1 ssh-ed25519 ");
    }

    @Test
    void acceptNewFromManyThreadsWritesOneWholeLineEach() throws Exception {
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.ACCEPT_NEW, Prompter.none());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int port = 3000 + i;
                results.add(pool.submit((Callable<Boolean>) () -> trust.verify("127.0.0.1", port, null, key)));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        String expectedKey = SshKeygen.publicLine(keyFile);
        List<String> lines = Files.readAllLines(kh);
        assertThat(lines).hasSize(64).doesNotHaveDuplicates()
                .allMatch(l -> l.matches("\\[127\\.0\\.0\\.1]:30\\d\\d " + java.util.regex.Pattern.quote(expectedKey)));
    }

    @ParameterizedTest
    @EnumSource(TrustPolicy.class)
    void changedKeyIsRefusedUnderEveryPolicyNamingLineAndBothFingerprints(TrustPolicy policy) throws Exception {
        knownHosts("# first line", "[127.0.0.1]:2222 " + SshKeygen.publicLine(keyFile));
        Scripted yes = new Scripted(true);
        HostKeyTrust trust = new HostKeyTrust(kh, policy, yes);
        assertThat(trust.verify("127.0.0.1", 2222, null, otherKey)).isFalse();
        assertThat(yes.asked).isEmpty();
        String why = trust.refusal("127.0.0.1", 2222).orElseThrow();
        assertThat(why).contains("[127.0.0.1]:2222", kh + " line 2", HostKeyTrust.fingerprint(key),
                HostKeyTrust.fingerprint(otherKey),
                "If the change is expected, remove the old entry: ssh-keygen -R '[127.0.0.1]:2222' -f " + kh);
        assertThat(Files.readAllLines(kh)).hasSize(2); // never rewritten
    }

    @ParameterizedTest
    @EnumSource(TrustPolicy.class)
    void revokedKeyIsRefusedUnderEveryPolicy(TrustPolicy policy) throws Exception {
        knownHosts("node1 " + SshKeygen.publicLine(keyFile), "@revoked * " + SshKeygen.publicLine(keyFile));
        HostKeyTrust trust = new HostKeyTrust(kh, policy, new Scripted(true));
        assertThat(trust.verify("node1", 22, null, key)).isFalse();
        assertThat(trust.refusal("node1", 22).orElseThrow()).contains("@revoked", "line 2",
                HostKeyTrust.fingerprint(key));
    }

    @ParameterizedTest
    @EnumSource(value = TrustPolicy.class, names = {"STRICT", "ACCEPT_NEW"})
    void otherKeyTypeForKnownHostIsNotSilentlyAccepted(TrustPolicy policy) throws Exception {
        knownHosts("node1 " + SshKeygen.publicLine(keyFile));
        HostKeyTrust trust = new HostKeyTrust(kh, policy, Prompter.none());
        assertThat(trust.verify("node1", 22, null, ecdsaKey)).isFalse();
        assertThat(trust.refusal("node1", 22).orElseThrow()).contains("ECDSA", "ED25519", "line 1");
    }

    @Test
    void refusalIsClearedOnceAccepted() throws Exception {
        HostKeyTrust strict = new HostKeyTrust(kh, TrustPolicy.STRICT, Prompter.none());
        assertThat(strict.verify("node1", 22, null, key)).isFalse();
        knownHosts("node1 " + SshKeygen.publicLine(keyFile));
        assertThat(strict.verify("node1", 22, null, key)).isTrue();
        assertThat(strict.refusal("node1", 22)).isEmpty();
    }

    @Test
    void acceptNewLineIsFoundByOpensshKeygen() throws Exception {
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.ACCEPT_NEW, Prompter.none());
        assertThat(trust.verify("127.0.0.1", 2222, null, key)).isTrue();
        SshKeygen.Result r = SshKeygen.run(List.of("ssh-keygen", "-F", "[127.0.0.1]:2222", "-f", kh.toString()));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("[127.0.0.1]:2222 " + SshKeygen.publicLine(keyFile));
    }

    @Test
    void hostKeyAlgorithmsFollowKnownHosts() throws Exception {
        knownHosts("node1 " + SshKeygen.publicLine(dir.resolve("host_ecdsa")));
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.STRICT, Prompter.none());
        assertThat(trust.preferredHostKeyAlgorithms("node1", 22)).startsWith(
                "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-ed25519");
        assertThat(trust.preferredHostKeyAlgorithms("unknown", 22)).startsWith("ssh-ed25519", "ecdsa-sha2-nistp256")
                .contains("rsa-sha2-512").doesNotHaveDuplicates();
    }

    // ------------------------------------------------------------------ several files, as a route has them

    private HostKeyTrust rules(List<Path> user, List<Path> global, TrustPolicy policy, boolean hash) {
        return new HostKeyTrust(new KnownHostsRules(user, global, policy, hash), Prompter.none());
    }

    @Test
    void aKeyInASystemFileIsKnownAndNothingIsWritten() throws Exception {
        Path global = Files.writeString(dir.resolve("ssh_known_hosts"), "node1 " + SshKeygen.publicLine(keyFile) + "\n");
        HostKeyTrust trust = rules(List.of(kh, dir.resolve("known_hosts2")), List.of(global), TrustPolicy.STRICT, false);
        assertThat(trust.verify("node1", 22, null, key)).isTrue();
        assertThat(kh).doesNotExist();
        assertThat(trust.verify("node1", 22, null, otherKey)).isFalse();
        assertThat(trust.refusal("node1", 22).orElseThrow()).contains("HAS CHANGED", global + " line 1");
    }

    @Test
    void theSecondUserFileIsReadAndNewKeysGoToTheFirstHashedWhenAsked() throws Exception {
        Path second = Files.writeString(dir.resolve("known_hosts2"), "node2 " + SshKeygen.publicLine(keyFile) + "\n");
        HostKeyTrust trust = rules(List.of(kh, second), List.of(), TrustPolicy.ACCEPT_NEW, true);
        assertThat(trust.verify("node2", 22, null, key)).isTrue();
        assertThat(kh).doesNotExist();
        assertThat(trust.verify("::1", 2299, null, key)).isTrue();
        String line = Files.readString(kh);
        assertThat(line).startsWith("|1|").doesNotContain("::1").endsWith(" " + SshKeygen.publicLine(keyFile) + "\n");
        assertThat(HostPattern.matches(line.split(" ")[0], "[::1]:2299")).isTrue();
        assertThat(SshKeygen.run(List.of("ssh-keygen", "-F", "[::1]:2299", "-f", kh.toString())).exit()).isZero();
        assertThat(trust.verify("::1", 2299, null, key)).as("the hashed line is found again").isTrue();
        assertThat(Files.readAllLines(kh)).hasSize(1);
    }

    @Test
    void theUnknownRefusalNamesEveryFileSearched() {
        Path global = dir.resolve("ssh_known_hosts");
        HostKeyTrust trust = rules(List.of(kh), List.of(global), TrustPolicy.STRICT, true);
        assertThat(trust.verify("node1", 22, null, key)).isFalse();
        assertThat(trust.refusal("node1", 22).orElseThrow()).contains("not in " + kh + " or " + global,
                "ssh-keyscan -H -p 22 node1 >> " + kh);
    }

    @Test
    void devNullAsTheUserFileTrustsANewKeyWithoutKeepingIt() {
        HostKeyTrust trust = rules(List.of(Path.of("/dev/null")), List.of(), TrustPolicy.ACCEPT_NEW, false);
        assertThat(trust.verify("node1", 22, null, key)).isTrue();
        assertThat(trust.verify("node1", 22, null, key)).isTrue();
    }

    @Test
    void aRevokedKeyInAnyFileIsRefused() throws Exception {
        Path global = Files.writeString(dir.resolve("ssh_known_hosts"), "@revoked * " + SshKeygen.publicLine(keyFile)
                + "\n");
        knownHosts("node1 " + SshKeygen.publicLine(keyFile));
        HostKeyTrust trust = rules(List.of(kh), List.of(global), TrustPolicy.ACCEPT_NEW, false);
        assertThat(trust.verify("node1", 22, null, key)).isFalse();
        assertThat(trust.refusal("node1", 22).orElseThrow()).contains("@revoked in " + global + " line 1");
    }

    @Test
    void certificateAlgorithmsComeFirstOnlyForHostsACertificateAuthorityCovers() throws Exception {
        knownHosts("@cert-authority *.example " + SshKeygen.publicLine(keyFile));
        HostKeyTrust trust = new HostKeyTrust(kh, TrustPolicy.STRICT, Prompter.none());
        assertThat(trust.preferredHostKeyAlgorithms("web.example", 22).get(0))
                .isEqualTo("ssh-ed25519-cert-v01@openssh.com");
        assertThat(trust.preferredHostKeyAlgorithms("other.host", 22)).doesNotContain(
                "ssh-ed25519-cert-v01@openssh.com").first().isEqualTo("ssh-ed25519");
    }
}
