package org.tlclb.sync.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A name that is not UTF-8 is named by its bytes: the scan takes them from the path (Java's own
 * string has U+FFFD for them) and the reports show each bad byte as rsync does, {@code \#377}.
 */
class RawNamesTest {
    @TempDir
    Path tmp;

    private static byte[] b(int... bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) bytes[i];
        }
        return out;
    }

    private static String shown(byte[] name) {
        return Names.printable(RawNames.decode(name));
    }

    @Test
    void validUtf8IsItsCharactersAndEveryOtherByteIsEscaped() {
        assertThat(RawNames.decode("café 日本 😀".getBytes(StandardCharsets.UTF_8))).isEqualTo("café 日本 😀");
        assertThat(shown(b('b', 'a', 'd', 0xFF, 'n'))).isEqualTo("bad\\#377n");
        assertThat(shown(b(0xC3, 0xA9, 0xE9))).as("UTF-8 é, then Latin-1 é").isEqualTo("é\\#351");
        assertThat(shown(b(0xC0, 0x80))).as("overlong NUL").isEqualTo("\\#300\\#200");
        assertThat(shown(b(0xED, 0xA0, 0x80))).as("an encoded surrogate").isEqualTo("\\#355\\#240\\#200");
        assertThat(shown(b('x', 0xE2, 0x82))).as("cut short at the end").isEqualTo("x\\#342\\#202");
        assertThat(shown(b(0xF4, 0x90, 0x80, 0x80))).as("past U+10FFFF").isEqualTo("\\#364\\#220\\#200\\#200");
        assertThat(Names.jsonSafe(RawNames.decode(b('a', 0xFF)))).isEqualTo("a\\#377");
        assertThat(Names.jsonSafe("a\\b\n")).as("nothing else changes for JSON").isEqualTo("a\\b\n");
    }

    @Test
    void theScanTakesANameThatIsNotUtf8ByItsBytesAndOpensItFromThem() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/ok.txt"), "ok");
        Process p = new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'd/bad\\377name')\" && mkdir \"$(printf 'caf\\351')\""
                + " && printf y > \"$(printf 'caf\\351')/in\" && ln -s \"$(printf 't\\377')\" badlink")
                .directory(root.toFile()).redirectErrorStream(true).start();
        Assumptions.assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "sh cannot make the names");
        ScanResult r = TreeScanner.scan(root, ExcludeRules.none(), null, false);
        assertThat(r.manifest().asMap().keySet()).containsExactlyInAnyOrder("", "d", "d/ok.txt", "d/bad\uDCFFname",
                "caf\uDCE9", "caf\uDCE9/in");
        assertThat(r.manifest().asMap().keySet()).extracting(Names::printable).contains("d/bad\\#377name", "caf\\#351/in");
        assertThat(Files.readString(RawNames.local(root, "d/bad\uDCFFname"))).isEqualTo("x");
        assertThat(Files.readString(RawNames.local(root, "caf\uDCE9/in"))).isEqualTo("y");
        assertThat(r.notCarried()).extracting(NotCarried::display)
                .containsExactly("badlink: a symlink whose target is not valid UTF-8");
        ScanResult utf8Only = r.withoutRawNames();
        assertThat(utf8Only.manifest().asMap().keySet()).containsExactlyInAnyOrder("", "d", "d/ok.txt");
        assertThat(utf8Only.notCarried()).extracting(NotCarried::display).contains(
                "d/bad\\#377name: the name is not valid UTF-8, and the node's server takes UTF-8 names only",
                "caf\\#351: the name is not valid UTF-8, and the node's server takes UTF-8 names only");
        assertThat(utf8Only.ioErrors()).as("nothing is deleted where part of the source is left out").isTrue();
    }

    @Test
    void aNameOfAPathIsItsLastComponentsBytes() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("a b%20c"));
        assertThat(RawNames.fileName(dir)).isEqualTo("a b%20c");
        assertThat(RawNames.fileName(Files.writeString(dir.resolve("日本.txt"), "x"))).isEqualTo("日本.txt");
        assertThat(RawNames.isUtf8(dir)).isTrue();
    }

    @Test
    void everyByteStringComesBackAsItWasAndValidNamesAreUtf8() {
        java.util.Random r = new java.util.Random(5);
        for (int n = 0; n < 2000; n++) {
            byte[] name = new byte[r.nextInt(12)];
            r.nextBytes(name);
            assertThat(RawNames.encode(RawNames.decode(name))).isEqualTo(name);
        }
        String valid = "café 日本 😀 a\nb";
        assertThat(RawNames.encode(valid)).isEqualTo(valid.getBytes(StandardCharsets.UTF_8));
        assertThat(RawNames.decode(valid.getBytes(StandardCharsets.UTF_8))).isEqualTo(valid);
    }
}
