package org.tlclb.sync.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeScannerTest {
    private static final String HELLO_SHA256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path tmp;

    private Path root() throws IOException {
        return Files.createDirectories(tmp.resolve("src"));
    }

    private static Path file(Path p, String content, String perms) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        return p;
    }

    private static ScanResult scan(Path root) throws IOException {
        return TreeScanner.scan(root, ExcludeRules.none(), null, false);
    }

    @Test
    void readsModesOfFiles() throws IOException {
        Path root = root();
        file(root.resolve("private"), "p", "rw-------");
        file(root.resolve("public"), "pub", "rw-r--r--");
        file(root.resolve("script"), "#!/bin/sh\n", "rwxr-xr-x");
        Manifest m = scan(root).manifest();
        assertThat(m.get("private").orElseThrow()).isEqualTo(
                Entry.file("private", 1, m.get("private").get().mtime(), 0600));
        assertThat(m.get("public").orElseThrow().mode()).isEqualTo(0644);
        assertThat(m.get("public").orElseThrow().size()).isEqualTo(3);
        assertThat(m.get("script").orElseThrow().mode()).isEqualTo(0755);
        assertThat(m.get("script").orElseThrow().size()).isEqualTo(10);
        assertThat(m.get("script").orElseThrow().type()).isEqualTo(EntryType.FILE);
    }

    @Test
    void readsDirectoryModesAndTheRoot() throws IOException {
        Path root = root();
        Path d = Files.createDirectory(root.resolve("d"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x---"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(root, FileTime.fromMillis(1_500_000_000_999L));
        Manifest m = scan(root).manifest();
        assertThat(m.get("d").orElseThrow().mode()).isEqualTo(0710);
        assertThat(m.get("d").orElseThrow().isDir()).isTrue();
        assertThat(m.get("").orElseThrow()).isEqualTo(Entry.dir("", 1_500_000_000L, 0750));
    }

    @Test
    void mtimeIsInWholeSecondsRoundedDown() throws IOException {
        Path root = root();
        Path f = file(root.resolve("a"), "x", "rw-r--r--");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_999L));
        Path d = Files.createDirectory(root.resolve("d"));
        Files.setLastModifiedTime(d, FileTime.fromMillis(1_234_567_890_001L));
        Manifest m = scan(root).manifest();
        assertThat(m.get("a").orElseThrow().mtime()).isEqualTo(1_600_000_000L);
        assertThat(m.get("d").orElseThrow().mtime()).isEqualTo(1_234_567_890L);
    }

    @Test
    void symlinksAreRecordedWithTheirTargetAndNotFollowed() throws IOException {
        Path root = root();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        file(outside.resolve("secret"), "s", "rw-------");
        file(root.resolve("real"), "r", "rw-r--r--");
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.createSymbolicLink(root.resolve("rel"), Path.of("real"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere/x"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../outside"));
        Manifest m = scan(root).manifest();

        assertThat(m.get("out").orElseThrow()).isEqualTo(Entry.symlink("out", outside.toString(), lmtime(root, "out")));
        assertThat(m.get("rel").orElseThrow()).isEqualTo(Entry.symlink("rel", "real", lmtime(root, "rel")));
        assertThat(m.get("dangling").orElseThrow())
                .isEqualTo(Entry.symlink("dangling", "nowhere/x", lmtime(root, "dangling")));
        assertThat(m.get("up").orElseThrow()).isEqualTo(Entry.symlink("up", "../outside", lmtime(root, "up")));
        assertThat(m.asMap().keySet()).containsExactly("", "dangling", "out", "real", "rel", "up");
    }

    @Test
    void symlinkIsNotFollowedInChecksumModeEither() throws IOException {
        Path root = root();
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));
        Files.createSymbolicLink(root.resolve("self"), Path.of("self"));
        Manifest m = TreeScanner.scan(root, ExcludeRules.none(), null, true).manifest();
        assertThat(m.get("dangling").orElseThrow().sha256()).isNull();
        assertThat(m.get("self").orElseThrow()).isEqualTo(Entry.symlink("self", "self", lmtime(root, "self")));
    }

    /** A link's own mtime in seconds (lstat). */
    private static long lmtime(Path root, String name) throws IOException {
        return Math.floorDiv(Files.getLastModifiedTime(root.resolve(name), LinkOption.NOFOLLOW_LINKS)
                .toMillis(), 1000L);
    }

    /** touch -h -d @SECONDS: Java cannot set a symlink's own time. */
    private static void touch(Path p, long seconds) throws Exception {
        touch(p, Long.toString(seconds));
    }

    private static void touch(Path p, String seconds) throws Exception {
        Process t = new ProcessBuilder("touch", "-h", "-d", "@" + seconds, p.toString()).inheritIO().start();
        assertThat(t.waitFor()).isZero();
    }

    @Test
    void everyTimeIsTakenAsItIsBeforeNineteenSeventyAndAfterTwentyOneSixAndALinksOwn() throws Exception {
        Path root = root();
        file(root.resolve("old"), "o", "rw-r--r--");
        file(root.resolve("far"), "f", "rw-r--r--");
        Files.createDirectories(root.resolve("sixties"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("old"));
        touch(root.resolve("old"), -315619200L);           // 1960-01-01
        touch(root.resolve("far"), 7258118400L);           // 2200-01-01
        touch(root.resolve("link"), 4294967296L);          // 2106-02-07T06:28:16Z, the first time past 32 bits
        touch(root.resolve("sixties"), "-0.3");             // 1969-12-31T23:59:59.7Z (Java's own setter makes it 0)
        ScanResult r = scan(root);
        assertThat(r.notCarried()).isEmpty();
        assertThat(r.manifest().get("old").orElseThrow().mtime()).isEqualTo(-315619200L);
        assertThat(r.manifest().get("far").orElseThrow().mtime()).isEqualTo(7258118400L);
        assertThat(r.manifest().get("sixties").orElseThrow().mtime()).as("whole seconds, floored").isEqualTo(-1L);
        assertThat(r.manifest().get("link").orElseThrow().mtime()).isEqualTo(4294967296L);
    }

    @Test
    void namesOfOneFileAreAGroupLedByTheLowestPathAndOtherNamesOutsideTheTreeDoNotCount() throws Exception {
        Path root = root();
        Path a = file(root.resolve("b/one"), "shared", "rw-r--r--");
        Files.createDirectories(root.resolve("a"));
        Files.createLink(root.resolve("a/two"), a);
        Files.createLink(root.resolve("b/three"), a);
        Path lonely = file(root.resolve("lonely"), "one name in the tree", "rw-r--r--");
        Files.createLink(tmp.resolve("outside-name"), lonely);
        Path ex = file(root.resolve("x.swp"), "excluded", "rw-r--r--");
        Files.createLink(root.resolve("keep"), ex);
        ScanResult r = TreeScanner.scan(root, ExcludeRules.of(List.of("*.swp")), null, false);
        HardLinks links = r.links();
        assertThat(links.leaderOf()).containsOnly(Map.entry("a/two", "a/two"),
                Map.entry("b/one", "a/two"), Map.entry("b/three", "a/two"));
        assertThat(links.followers()).containsExactly("b/one", "b/three");
        assertThat(links.isFollower("a/two")).isFalse();
        assertThat(links.leader("lonely")).isNull();
        assertThat(links.leader("keep")).as("its other name is excluded").isNull();
    }

    @Test
    void emptyDirectoryIsAnEntry() throws IOException {
        Path root = root();
        Files.createDirectories(root.resolve("a/empty"));
        ScanResult r = scan(root);
        assertThat(r.manifest().asMap().keySet()).containsExactly("", "a", "a/empty");
        assertThat(r.manifest().get("a/empty").orElseThrow().isDir()).isTrue();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void excludedSubtreeIsAbsent() throws IOException {
        Path root = root();
        file(root.resolve("keep/a.txt"), "a", "rw-r--r--");
        file(root.resolve("keep/a.txt.swp"), "a", "rw-r--r--");
        file(root.resolve("keep/cache/big"), "b", "rw-r--r--");
        file(root.resolve("keep/cache/sub/deep"), "b", "rw-r--r--");
        file(root.resolve("cache"), "file named cache", "rw-r--r--");
        file(root.resolve("top/x"), "x", "rw-r--r--");
        file(root.resolve("keep/top/y"), "y", "rw-r--r--");
        ExcludeRules ex = ExcludeRules.of(List.of("*.swp", "cache/", "/top"));
        ScanResult r = TreeScanner.scan(root, ex, null, false);
        assertThat(r.manifest().asMap().keySet()).containsExactly(
                "", "cache", "keep", "keep/a.txt", "keep/top", "keep/top/y");
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void fifoIsSkippedWithAWarning() throws IOException, InterruptedException {
        Path root = root();
        file(root.resolve("d/regular"), "r", "rw-r--r--");
        Path fifo = root.resolve("d/pipe");
        int rc;
        try {
            Process p = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
            Assumptions.assumeTrue(p.waitFor(10, TimeUnit.SECONDS), "mkfifo did not finish");
            rc = p.exitValue();
        } catch (IOException e) {
            rc = -1;
        }
        Assumptions.assumeTrue(rc == 0 && Files.exists(fifo), "mkfifo is not available");

        ScanResult r = scan(root);
        assertThat(r.manifest().asMap().keySet()).containsExactly("", "d", "d/regular");
        assertThat(r.warnings()).containsExactly("skipped d/pipe: a special file (FIFO, socket or device)");

        // The scan must not block opening the FIFO in checksum mode either.
        ScanResult c = TreeScanner.scan(root, ExcludeRules.none(), null, true);
        assertThat(c.manifest().asMap().keySet()).containsExactly("", "d", "d/regular");
        assertThat(c.warnings()).containsExactly("skipped d/pipe: a special file (FIFO, socket or device)");
    }

    @Test
    void onlyTakesTheNamedTopLevelEntries() throws IOException {
        Path root = root();
        file(root.resolve("LICENSE"), "lic", "rw-r--r--");
        file(root.resolve("other.lic"), "o", "rw-------");
        file(root.resolve("notme"), "n", "rw-r--r--");
        file(root.resolve("d/inner"), "i", "rw-r--r--");
        ScanResult r = TreeScanner.scan(root, ExcludeRules.none(), Set.of("LICENSE", "other.lic"), false);
        assertThat(r.manifest().asMap().keySet()).containsExactly("", "LICENSE", "other.lic");
        assertThat(r.manifest().get("other.lic").orElseThrow().mode()).isEqualTo(0600);
        assertThat(r.manifest().get("LICENSE").orElseThrow().size()).isEqualTo(3);
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void onlyWithAMissingNameFails() throws IOException {
        Path root = root();
        assertThatThrownBy(() -> TreeScanner.scan(root, ExcludeRules.none(), Set.of("missing"), false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("missing")
                .hasMessageContaining("no such file");
    }

    @Test
    void checksumModeRecordsTheSha256OfTheContent() throws IOException {
        Path root = root();
        file(root.resolve("hello"), "hello\n", "rw-r--r--");
        file(root.resolve("d/empty"), "", "rw-r--r--");
        Files.createSymbolicLink(root.resolve("link"), Path.of("hello"));
        Manifest m = TreeScanner.scan(root, ExcludeRules.none(), null, true).manifest();
        assertThat(m.get("hello").orElseThrow().sha256()).isEqualTo(HELLO_SHA256);
        assertThat(m.get("d/empty").orElseThrow().sha256()).isEqualTo(EMPTY_SHA256);
        assertThat(m.get("d").orElseThrow().sha256()).isNull();
        assertThat(m.get("link").orElseThrow().sha256()).isNull();

        Manifest quick = scan(root).manifest();
        assertThat(quick.get("hello").orElseThrow().sha256()).isNull();
    }

    @Test
    void checksumOfAFileLargerThanTheReadBuffer() throws IOException {
        Path root = root();
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        Files.write(root.resolve("big"), big);
        String expected;
        try {
            expected = java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(big));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        Manifest m = TreeScanner.scan(root, ExcludeRules.none(), null, true).manifest();
        assertThat(m.get("big").orElseThrow().sha256()).isEqualTo(expected);
        assertThat(m.get("big").orElseThrow().size()).isEqualTo(200_000);
    }

    @Test
    void unusualNamesAreScannedVerbatim() throws IOException {
        Path root = root();
        file(root.resolve("new\nline"), "n", "rw-r--r--");
        file(root.resolve("with spaces here"), "s", "rw-r--r--");
        file(root.resolve("café"), "c", "rw-r--r--");
        file(root.resolve("日本/語.txt"), "j", "rw-r--r--");
        file(root.resolve("dir\nx/f"), "f", "rw-r--r--");
        ScanResult r = scan(root);
        assertThat(r.manifest().asMap().keySet()).containsExactlyInAnyOrder(
                "", "new\nline", "with spaces here", "café", "日本", "日本/語.txt", "dir\nx", "dir\nx/f");
        assertThat(r.manifest().get("日本").orElseThrow().isDir()).isTrue();
        assertThat(r.manifest().get("dir\nx/f").orElseThrow().name()).isEqualTo("f");
        assertThat(r.manifest().get("dir\nx/f").orElseThrow().parent()).isEqualTo("dir\nx");
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void rootThatIsNotADirectoryIsRefused() throws IOException {
        Path f = file(tmp.resolve("plain"), "x", "rw-r--r--");
        assertThatThrownBy(() -> scan(f)).isInstanceOf(IOException.class).hasMessageContaining("is not a directory");
    }

    @Test
    void printableEscapesControlCharactersLikeRsync() {
        assertThat(Names.printable("a\nb")).isEqualTo("a\\#012b");
        assertThat(Names.printable("\t\r\u007f")).isEqualTo("\\#011\\#015\\#177");
        assertThat(Names.printable("café 日本")).isEqualTo("café 日本");
    }

    @Test
    void manifestOrdersParentsBeforeChildrenAndCounts() {
        Manifest m = new Manifest(java.util.Map.of(
                "a/c", Entry.file("a/c", 3, 1, 0644),
                "a-b", Entry.file("a-b", 4, 1, 0644),
                "a", Entry.dir("a", 1, 0755),
                "", Entry.dir("", 1, 0755),
                "l", Entry.symlink("l", "a")));
        assertThat(m.asMap().keySet()).containsExactly("", "a", "a-b", "a/c", "l");
        assertThat(m.fileCount()).isEqualTo(2);
        assertThat(m.totalBytes()).isEqualTo(7);
        assertThat(m.size()).isEqualTo(5);
        assertThat(Manifest.empty().size()).isZero();
    }
}
