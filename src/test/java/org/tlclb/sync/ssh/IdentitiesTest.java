package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentitiesTest {
    @TempDir
    Path home;

    @BeforeEach
    void fresh() {
    }

    /** Types passphrases from a list and counts how often it was asked. */
    static final class Typist implements Prompter {
        final List<String> answers;
        final List<String> prompts = new ArrayList<>();

        Typist(String... answers) {
            this.answers = new ArrayList<>(List.of(answers));
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
        public char[] secret(String prompt) {
            prompts.add(prompt);
            return answers.isEmpty() ? null : answers.remove(0).toCharArray();
        }
    }

    private Path sshDir() throws Exception {
        return Files.createDirectories(home.resolve(".ssh"));
    }

    private static void assertMatchesPub(KeyPair kp, Path file) throws Exception {
        assertThat(KeyUtils.compareKeys(kp.getPublic(), SshKeygen.publicKey(file))).isTrue();
    }

    @Test
    void defaultsAreTheExistingIdEd25519IdEcdsaIdRsaInOrder() throws Exception {
        Path rsa = SshKeygen.generate(sshDir().resolve("id_rsa"), "rsa", "", "-b", "2048");
        Path ed = SshKeygen.generate(sshDir().resolve("id_ed25519"), "ed25519", "");
        List<KeyPair> keys = Identities.load(List.of(), home, Prompter.none());
        assertThat(keys).hasSize(2);
        assertMatchesPub(keys.get(0), ed);
        assertMatchesPub(keys.get(1), rsa);
    }

    @Test
    void noKeysAtAllIsAnEmptyList() throws Exception {
        assertThat(Identities.load(List.of(), home, Prompter.none())).isEmpty();
    }

    @Test
    void encryptedOpensshKeyAsksOncePerRun() throws Exception {
        Path key = SshKeygen.generate(home.resolve("enc_ed25519"), "ed25519", "pass");
        Typist typist = new Typist("pass");
        List<KeyPair> keys = Identities.load(List.of(key), home, typist);
        assertThat(keys).hasSize(1);
        assertMatchesPub(keys.get(0), key);
        assertThat(typist.prompts).singleElement().asString().contains(key.toString());
        // Two nodes of one run naming the same key: the run's key ring asks once.
        Typist again = new Typist("pass");
        KeyRing ring = new KeyRing(again);
        ring.loadFor(List.of(route("node1", key), route("node2", key)), List.of(key));
        assertThat(ring.pairs(key, route("node3", key))).hasSize(1);
        assertThat(again.prompts).hasSize(1);
    }

    private static SshRoute route(String host, Path key) {
        return new SshRoute(host, host, 22, "root", host, List.of(key), List.of(), true, null, null, null,
                Duration.ofSeconds(5), null, 0, null, null, "test");
    }

    @Test
    void wrongPassphraseIsRetriedThenReported() throws Exception {
        Path key = SshKeygen.generate(home.resolve("enc2"), "ed25519", "pass");
        Typist typist = new Typist("typo", "pass");
        assertThat(Identities.load(List.of(key), home, typist)).hasSize(1);
        assertThat(typist.prompts).hasSize(2);

        Typist wrong = new Typist("a", "b", "c", "d");
        assertThatThrownBy(() -> Identities.load(List.of(key), home, wrong))
                .isInstanceOf(IdentityException.class).hasMessageContaining(key.toString());
        assertThat(wrong.prompts).hasSize(3);
    }

    @Test
    void encryptedKeyWithoutTerminalFailsAtOnceNamingTheKey() throws Exception {
        Path key = SshKeygen.generate(home.resolve("enc_cron"), "ed25519", "pass");
        assertThatThrownBy(() -> Identities.load(List.of(key), home, Prompter.none()))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining(key.toString())
                .hasMessageContaining("no terminal")
                .hasMessageContaining("without a passphrase");
    }

    @Test
    void encryptedPemRsaKeyLoads() throws Exception {
        // ssh-keygen refuses PEM passphrases shorter than five characters, so not "pass" here.
        Path key = SshKeygen.generate(home.resolve("pem_rsa"), "rsa", "passphrase", "-m", "PEM", "-b", "2048");
        assertThat(Files.readString(key)).contains("BEGIN RSA PRIVATE KEY", "ENCRYPTED");
        Typist typist = new Typist("passphrase");
        List<KeyPair> keys = Identities.load(List.of(key), home, typist);
        assertThat(keys).hasSize(1);
        assertMatchesPub(keys.get(0), key);
        assertThat(typist.prompts).hasSize(1);
    }

    @Test
    void missingExplicitFileIsNamed() {
        Path missing = home.resolve("nope");
        assertThatThrownBy(() -> Identities.load(List.of(missing), home, Prompter.none()))
                .isInstanceOf(IdentityException.class).hasMessageContaining(missing.toString());
    }
}
