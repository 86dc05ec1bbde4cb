package org.tlclb.sync.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped samples must stay complete and parse; they are the documentation admins copy. */
class SampleConfigTest {
    private static final Path SAMPLE_DIR = Path.of("etc-clusterserver-sample");

    @Test
    void sampleSyncConfParsesAndShowsEveryKeyword() throws Exception {
        Path f = SAMPLE_DIR.resolve("sync.conf");
        SyncConfig c = ConfigParser.parse(f);
        assertThat(c.file()).isEqualTo(f);
        assertThat(c.servers()).extracting(ServerEntry::address).containsExactly("127.0.0.11", "127.0.0.12", "127.0.0.13");
        assertThat(c.licenseFiles()).isNotEmpty();
        assertThat(c.excludes()).isNotEmpty();
        assertThat(c.identityFiles()).isNotEmpty();
        assertThat(c.knownHosts()).isNotNull();
        assertThat(c.hostKeyPolicy()).isNotNull();
        assertThat(c.backup()).isNotNull();
        assertThat(c.postSync()).containsKeys(HookTarget.values());
        assertThat(c.validate()).containsKeys(HookTarget.values());
        assertThat(c.logFile()).isNotNull();

        Set<String> used = keywordsUsed(f);
        List<String> missing = new ArrayList<>();
        for (Keyword k : Keyword.values()) {
            if (!used.contains(k.spelling.toLowerCase(Locale.ROOT))) {
                missing.add(k.spelling);
            }
        }
        assertThat(missing).as("keywords missing from the sample").isEmpty();
    }

    @Test
    void loadBalancerServersBlockPastesIntoSyncConf() throws Exception {
        List<String> lines = Files.readAllLines(SAMPLE_DIR.resolve("clusterserver.conf"));
        int from = indexOfWord(lines, "Servers");
        int to = indexOfWord(lines, "EndServers");
        String block = String.join("\n", lines.subList(from, to + 1));
        assertThat(block).contains("direct", "tunnel", "nat", "noping");
        SyncConfig c = ConfigParser.parse(block, "pasted");
        assertThat(c.servers()).extracting(ServerEntry::name).containsExactly("node1", "node2", "node3");
    }

    @Test
    void readmeExists() {
        assertThat(SAMPLE_DIR.resolve("README")).isRegularFile();
    }

    private static Set<String> keywordsUsed(Path f) throws Exception {
        return Files.readAllLines(f).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> Arrays.asList(l.split("\\s+")).get(0).toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    private static int indexOfWord(List<String> lines, String word) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(word)) {
                return i;
            }
        }
        throw new AssertionError(word + " not found");
    }
}
