package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPatternTest {

    @Test
    void lookupNameIsBracketedOnlyOffPort22() {
        assertThat(HostPattern.lookupName("node1", 22)).isEqualTo("node1");
        assertThat(HostPattern.lookupName("127.0.0.1", 2222)).isEqualTo("[127.0.0.1]:2222");
    }

    @Test
    void plainCommaAndBracketedEntries() {
        assertThat(HostPattern.matches("node1", "node1")).isTrue();
        assertThat(HostPattern.matches("node1", "node2")).isFalse();
        assertThat(HostPattern.matches("node1,10.0.0.1,[10.0.0.1]:2222", "10.0.0.1")).isTrue();
        assertThat(HostPattern.matches("node1,10.0.0.1,[10.0.0.1]:2222", "[10.0.0.1]:2222")).isTrue();
        // a port-22 entry does not cover another port, and vice versa, as in OpenSSH
        assertThat(HostPattern.matches("10.0.0.1", "[10.0.0.1]:2222")).isFalse();
        assertThat(HostPattern.matches("[10.0.0.1]:2222", "10.0.0.1")).isFalse();
        assertThat(HostPattern.matches("Node1.Example.COM", "node1.example.com")).isTrue();
    }

    @Test
    void wildcardsAndNegation() {
        assertThat(HostPattern.matches("*.example.com", "a.example.com")).isTrue();
        assertThat(HostPattern.matches("*.example.com", "example.com")).isFalse();
        assertThat(HostPattern.matches("node?", "node7")).isTrue();
        assertThat(HostPattern.matches("node?", "node17")).isFalse();
        assertThat(HostPattern.matches("10.0.0.*,!10.0.0.5", "10.0.0.4")).isTrue();
        assertThat(HostPattern.matches("10.0.0.*,!10.0.0.5", "10.0.0.5")).isFalse();
        assertThat(HostPattern.matches("!10.0.0.5", "10.0.0.4")).isFalse(); // negation alone never matches
        assertThat(HostPattern.matches("[10.0.0.*]:2222", "[10.0.0.9]:2222")).isTrue();
        assertThat(HostPattern.matches("*", "[anything]:1")).isTrue();
    }

    @Test
    void hashedEntryWrittenByOpensshMatches(@TempDir Path dir) throws Exception {
        SshKeygen.assumeAvailable();
        Path key = SshKeygen.generate(dir.resolve("k"), "ed25519", "");
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "node1.example.com " + SshKeygen.publicLine(key) + "\n"
                + "[127.0.0.1]:2222 " + SshKeygen.publicLine(key) + "\n");
        assertThat(SshKeygen.run(List.of("ssh-keygen", "-H", "-f", kh.toString())).exit()).isZero();
        List<String> lines = Files.readAllLines(kh);
        assertThat(lines).allMatch(l -> l.startsWith("|1|"));
        String first = lines.get(0).split(" ")[0];
        String second = lines.get(1).split(" ")[0];
        assertThat(HostPattern.matches(first, "node1.example.com")).isTrue();
        assertThat(HostPattern.matches(first, "NODE1.example.com")).isFalse(); // hashed names are exact
        assertThat(HostPattern.matches(first, "node2.example.com")).isFalse();
        assertThat(HostPattern.matches(second, "[127.0.0.1]:2222")).isTrue();
        assertThat(HostPattern.matches(second, "127.0.0.1")).isFalse();
    }

    @Test
    void hashedEntryKnownVector() {
        // Our hash of a fixed salt must round-trip through the matcher (independent of ssh-keygen).
        byte[] salt = new byte[20];
        String field = HostPattern.hash(salt, "host.example");
        assertThat(field).startsWith("|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|");
        assertThat(HostPattern.matches(field, "host.example")).isTrue();
        assertThat(HostPattern.matches("|1|broken", "host.example")).isFalse();
    }
}
