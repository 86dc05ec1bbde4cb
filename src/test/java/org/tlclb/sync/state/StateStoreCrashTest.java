package org.tlclb.sync.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed with SIGKILL at any instant of a write leaves the old record or the new one, never a torn one. */
class StateStoreCrashTest {
    @TempDir
    Path tmp;

    @Test
    void aWriterKilledAtAnyInstantLeavesAWholeRecord() throws Exception {
        Path dir = tmp.resolve("state");
        for (int round = 0; round < 4; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), StateStoreHammer.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("writing");
                Thread.sleep(100 + ThreadLocalRandom.current().nextInt(400));
                p.toHandle().destroyForcibly(); // SIGKILL on Linux
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            Optional<DestinationRecord> left = new StateStore(dir).read("/var/www/html");
            assertThat(left).as("round " + round).isPresent();
            assertThat(List.of(StateStoreHammer.version(1), StateStoreHammer.version(2))).contains(left.get());
        }
        new StateStore(dir).write(StateStoreHammer.version(3));
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("the killed writers' temporary files are gone")
                    .containsExactly("%2Fvar%2Fwww%2Fhtml.tsv");
        }
    }
}
