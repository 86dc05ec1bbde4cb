package org.tlclb.sync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tlclb.sync.faults.FaultSupport.all;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.run.EmbeddedCluster;

/**
 * sync.conf fuzz through the whole command line (SPEC 2 and 6): random bytes, the sample with a
 * line cut short, a 100 KB line. Always exit 2 with {@code file:line} on stderr, never a stack
 * trace, never a node contacted (the Server lines point at an address nothing listens on, and
 * {@code -n} keeps a config that happened to be valid from changing anything).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileConfigCliIT {
    @TempDir
    Path tmp;

    private EmbeddedCluster.Result run(Path conf) {
        return EmbeddedCluster.run("content-sync", "-c", conf.toString(), "-n", "-q", tmp.resolve("src").toString());
    }

    private void assertRefused(Path conf, Integer line, String what) {
        EmbeddedCluster.Result r = run(conf);
        String text = r.out() + r.err();
        assertThat(r.exit()).as(what + "\n" + all(r)).isEqualTo(2);
        assertThat(r.err()).as(what + "\n" + all(r))
                .containsPattern(Pattern.quote(conf.toString()) + ":" + (line == null ? "\\d+" : line + "\\b"));
        assertThat(text).as(what).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(text.length()).as(what + ": the error must not echo a huge line back").isLessThan(4096);
    }

    @Test
    void twoHundredRandomByteFilesAreRefusedWithFileAndLine() throws Exception {
        Files.createDirectories(tmp.resolve("src"));
        Random rnd = new Random(0xFA017L);
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[1 + rnd.nextInt(i % 10 == 0 ? 20_000 : 400)];
            rnd.nextBytes(b);
            // Not a comment or blank first line (an empty config is valid; "no nodes" has no line).
            b[0] = (byte) ('A' + rnd.nextInt(26));
            if (b.length > 1) {
                b[1] = (byte) ('!' + rnd.nextInt(2)); // "X!" or 'X"': never a keyword
            }
            Path conf = tmp.resolve("random-" + i + ".conf");
            Files.write(conf, b);
            assertRefused(conf, null, "random file " + i);
        }
    }

    /** The sample sync.conf, each keyword line cut inside its keyword, and cut after its keyword. */
    @Test
    void theSampleWithOneLineCutShortIsRefusedAtThatLine() throws Exception {
        Files.createDirectories(tmp.resolve("src"));
        List<String> lines = Files.readAllLines(Path.of("etc-clusterserver-sample/sync.conf"));
        int cases = 0;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String keyword = trimmed.split("\\s+")[0];
            List<String> cuts = new ArrayList<>();
            if (keyword.length() > 2) {
                cuts.add(line.substring(0, line.indexOf(keyword) + keyword.length() - 2)); // "Paralle"
            }
            if (!keyword.equalsIgnoreCase("Servers") && !keyword.equalsIgnoreCase("EndServers")) {
                cuts.add(line.substring(0, line.indexOf(keyword) + keyword.length())); // "Parallel" alone
            }
            for (String cut : cuts) {
                List<String> copy = new ArrayList<>(lines.subList(0, n));
                copy.add(cut); // the file ends here, mid-line: what a full disk or a killed editor leaves
                Path conf = tmp.resolve("cut-" + (++cases) + ".conf");
                Files.writeString(conf, String.join("\n", copy));
                Integer expectLine = keyword.equalsIgnoreCase("EndServers") || keyword.equalsIgnoreCase("Servers")
                        || trimmed.startsWith("Server ") ? null : n + 1;
                assertRefused(conf, expectLine, "line " + (n + 1) + " cut to [" + cut + "]");
            }
        }
        assertThat(cases).isGreaterThan(20);
    }

    @Test
    void hugeAndOddLinesAreRefusedWithFileAndLineAndNotEchoedInFull() throws Exception {
        Files.createDirectories(tmp.resolve("src"));
        String head = "Servers\n  Server n1 127.0.0.1 port=1\nEndServers\n";
        String[] bodies = {
            "ContentDir /" + "a".repeat(100_000) + " extra\n",
            "Z".repeat(100_000) + "\n",
            "Parallel " + "9".repeat(100_000) + "\n",
            "PostSync content \"" + "x".repeat(100_000) + "\n", // unterminated quote
            "Exclude\0*.swp\n",
            "Parallel 16\0\n",
            "ContentDir /var/www/html\nParallel -1\n",
        };
        int[] lines = {4, 4, 4, 4, 4, 4, 5};
        for (int i = 0; i < bodies.length; i++) {
            Path conf = tmp.resolve("odd-" + i + ".conf");
            Files.writeString(conf, head + bodies[i], StandardCharsets.UTF_8);
            assertRefused(conf, lines[i], "odd config " + i);
        }
        Path bad = tmp.resolve("not-utf8.conf");
        byte[] b = (head + "ContentDir /var/www/\u00ff\n").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(bad, b);
        EmbeddedCluster.Result r = run(bad);
        assertThat(r.out() + r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.exit()).as(all(r)).isIn(0, 2, 3);
    }
}
