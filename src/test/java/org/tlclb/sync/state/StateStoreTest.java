package org.tlclb.sync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path tmp;

    private static DestinationRecord sample() {
        return new DestinationRecord("/var/www/html", "a".repeat(64), "20261207-1", Instant.parse("2026-12-07T02:00:00Z"),
                List.of(new NodeRecord("node1", "a".repeat(64), Instant.parse("2026-12-07T02:00:00Z"), "20261207-1",
                                null, null, null, 0),
                        new NodeRecord("web\t2", "b".repeat(64), Instant.parse("2026-12-06T02:00:00Z"), "r0",
                                Instant.parse("2026-12-07T02:00:01Z"), "connect: refused\nagain", 
                                Instant.parse("2026-12-07T02:00:00Z"), 3),
                        NodeRecord.never("-")));
    }

    @Test
    void aRecordReadsBackAsWrittenInAPrivateDirectory() throws Exception {
        StateStore store = new StateStore(tmp.resolve("state"));
        assertThat(store.read("/var/www/html")).isEmpty();
        store.write(sample());
        assertThat(store.read("/var/www/html")).contains(sample());
        assertThat(Files.getPosixFilePermissions(tmp.resolve("state"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(store.file("/var/www/html")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(store.file("/var/www/html").getFileName().toString()).isEqualTo("%2Fvar%2Fwww%2Fhtml.tsv");
        try (var files = Files.list(tmp.resolve("state"))) {
            assertThat(files).as("no temporary file left").hasSize(1);
        }
        assertThat(Files.readString(store.file("/var/www/html")))
                .contains("\nnode\tnode1\t" + "a".repeat(64) + "\t2026-12-07T02:00:00Z\t20261207-1\t-\t-\t-\t0\n");
    }

    @Test
    void aCorruptOrNewerRecordIsAnErrorNamingTheFileAndIsLeftAsItIs() throws Exception {
        StateStore store = new StateStore(tmp.resolve("state"));
        store.write(sample());
        Path f = store.file("/var/www/html");
        Files.writeString(f, "# tlclb-sync cluster state\nversion\t1\ndestination\t/var/www/html\nnode\tx\n");
        assertThatThrownBy(() -> store.read("/var/www/html")).isInstanceOf(StateStore.Unusable.class)
                .hasMessageStartingWith(f + " is not a state record this version can read");
        Files.writeString(f, "# tlclb-sync cluster state\nversion\t2\ndestination\t/var/www/html\n");
        assertThatThrownBy(() -> store.read("/var/www/html")).isInstanceOf(StateStore.Unusable.class)
                .hasMessageContaining("written by a newer tlclb-sync (format 2, this one reads 1)");
        assertThat(Files.readString(f)).startsWith("# tlclb-sync cluster state\nversion\t2");
    }

    @Test
    void aDirectoryOthersCanWriteIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("state"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> new StateStore(dir).write(sample())).isInstanceOf(StateStore.Unusable.class)
                .hasMessageContaining("others can write it");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
