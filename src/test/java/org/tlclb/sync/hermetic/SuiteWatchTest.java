package org.tlclb.sync.hermetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard counts the suite's own writes, and only those (other processes share the machine). */
class SuiteWatchTest {
    @TempDir
    Path dir;
    Path locks;
    Path logs;
    Path quiet;
    Path ours;
    SuiteWatch watch;

    @BeforeEach
    void places() throws Exception {
        locks = Files.createDirectories(dir.resolve("run/tlclb"));
        logs = Files.createDirectories(dir.resolve("log/tlclb"));
        quiet = Files.createDirectories(dir.resolve("home/.ssh"));
        Files.writeString(quiet.resolve("known_hosts"), "before\n");
        ours = dir.resolve("junit-123");
        watch = SuiteWatch.start(new SuiteWatch.Places(List.of(locks), logs, List.of(quiet), () -> Set.of(ours.toString())));
    }

    private static String lock(long pid, Instant started) {
        return "pid " + pid + ", started " + started + ", 127.0.0.1:2222 /var/www/html\n";
    }

    private static String logLine(Instant t, String text) {
        return LocalDateTime.ofInstant(t, ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS"))
                + " [INFO ] " + text + "\n";
    }

    @Test
    void aLockTakenByThisJvmFailsTheSuite() throws Exception {
        Files.writeString(locks.resolve("sync-1.lock"), lock(ProcessHandle.current().pid(), Instant.now()));
        assertThatThrownBy(watch::close).isInstanceOf(AssertionError.class).hasMessageContaining("sync-1.lock");
    }

    @Test
    void aLockTakenByAProcessItStartedFailsTheSuite() throws Exception {
        Path file = locks.resolve("sync-2.lock");
        Process p = new ProcessBuilder("sh", "-c", "sleep 0.5; echo \"pid $$, started $(date -u +%Y-%m-%dT%H:%M:%S.%NZ),"
                + " 127.0.0.1:2222 /x\" > '" + file + "'").start();
        assertThat(p.waitFor()).isZero();
        assertThatThrownBy(watch::close).isInstanceOf(AssertionError.class).hasMessageContaining("sync-2.lock");
    }

    @Test
    void locksOfOtherProcessesAndOfEarlierRunsAreNotCounted() throws Exception {
        Files.writeString(locks.resolve("sync-init.lock"), lock(1, Instant.now()));
        Files.writeString(locks.resolve("sync-old.lock"), lock(ProcessHandle.current().pid(), Instant.now().minusSeconds(60)));
        Files.writeString(locks.resolve("sync-odd.lock"), "not a lock of ours\n");
        assertThatCode(watch::close).doesNotThrowAnyException();
    }

    @Test
    void aLogLineNamingOneOfTheTestsDirectoriesFailsTheSuite() throws Exception {
        Files.writeString(logs.resolve("sync.log"), logLine(Instant.now().minusSeconds(60), "sources=" + ours + "/src, earlier")
                + logLine(Instant.now(), "run x tlclb_content_sync sources=/srv/other nodes=2")
                + logLine(Instant.now(), "run y tlclb_content_sync sources=" + ours + "/src nodes=2"));
        assertThatThrownBy(watch::close).isInstanceOf(AssertionError.class).hasMessageContaining("run y")
                .hasMessageNotContaining("run x").hasMessageNotContaining("earlier");
    }

    @Test
    void aFileChangedInADirectoryThatNamesNoWriterFailsTheSuite() throws Exception {
        Files.writeString(quiet.resolve("id_ed25519"), "a key");
        assertThatThrownBy(watch::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining(quiet.resolve("id_ed25519") + ": created");
    }

    @Test
    void aMissingDirectoryMadeEmptyAsAMountTargetIsNotCountedButOneWithAFileIs() throws Exception {
        Path target = dir.resolve("etc/tlclb");
        Path other = dir.resolve("etc/clusterserver");
        SuiteWatch w = SuiteWatch.start(new SuiteWatch.Places(List.of(locks), logs, List.of(target, other), Set::of));
        Files.createDirectories(target);
        Files.createDirectories(other);
        Files.writeString(other.resolve("sync.conf"), "Servers\n");
        assertThatThrownBy(w::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining(other.resolve("sync.conf") + ": created").hasMessageNotContaining(target + ":");
        watch.close();
    }

    @Test
    void whatAClassThatWritesTheMachineWroteIsNotCounted() throws Exception {
        Instant from = Instant.now();
        Files.writeString(locks.resolve("sync-3.lock"), lock(ProcessHandle.current().pid(), Instant.now()));
        Files.writeString(logs.resolve("sync.log"), logLine(Instant.now(), "sources=" + ours + "/src"));
        watch.exempt("DebianPackageIT", from, Instant.now());
        assertThatCode(watch::close).doesNotThrowAnyException();
    }
}
