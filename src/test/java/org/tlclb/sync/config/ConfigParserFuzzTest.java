package org.tlclb.sync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No input may make the parser throw anything but a ConfigException. */
class ConfigParserFuzzTest {
    private static final long SEED = 0x7C1BL;

    /**
     * Half the inputs are raw random bytes; the other half splice random bytes and keyword
     * fragments, so the fuzzer gets past line 1 and into the keyword handlers.
     */
    @Test
    void twoThousandRandomInputsEitherParseOrThrowConfigException(@TempDir Path dir) throws IOException {
        String[] pieces = {"Servers\n", "EndServers\n", "Server ", "n1 ", "10.0.0.1 ", "[::1] ", "port=", "user=",
            "nosync ", "direct ", "\"", "\\", "#", " ", "\t", "\r\n", "\n", "ContentDir ", "/x", "~/", "Parallel ",
            "PostSync ", "content ", "config ", "Backup ", "yes", "HostKeyPolicy ", "ask", "99999999999", "-1",
            "LicenseFile ", "IdentityFile ", "LogFile ", "Validate ", "ConnectTimeout ", "Retries ", "BackupKeep ",
            "\u00e9", "\0", "::::", "x".repeat(4100)};
        Random rnd = new Random(SEED);
        int parsed = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[rnd.nextInt(300)];
                rnd.nextBytes(input);
            } else {
                StringBuilder sb = new StringBuilder();
                int n = rnd.nextInt(30);
                for (int k = 0; k < n; k++) {
                    sb.append(rnd.nextInt(8) == 0 ? (char) rnd.nextInt(0x3000) : pieces[rnd.nextInt(pieces.length)]);
                }
                input = sb.toString().getBytes(StandardCharsets.UTF_8);
                if (rnd.nextInt(10) == 0 && input.length > 0) {
                    input[rnd.nextInt(input.length)] = (byte) rnd.nextInt(256);
                }
            }
            Path f = dir.resolve("fuzz.conf");
            Files.write(f, input);
            try {
                ConfigParser.parse(f);
                parsed++;
            } catch (ConfigException e) {
                assertThat(e.getMessage()).startsWith(f.toString() + ":");
                assertThat(e.line()).isPositive();
            } catch (RuntimeException | Error e) {
                fail("input #" + i + " threw " + e + " for bytes " + java.util.HexFormat.of().formatHex(input), e);
            }
            // The string entry point too, since callers may hand in text that is not from a file.
            String text = new String(input, StandardCharsets.UTF_8);
            try {
                ConfigParser.parse(text, "t");
            } catch (ConfigException e) {
                assertThat(e.getMessage()).startsWith("t:");
            } catch (RuntimeException | Error e) {
                fail("input #" + i + " (as text) threw " + e, e);
            }
        }
        assertThat(parsed).as("some fuzz inputs should parse, or the fuzzer only tests line 1").isPositive();
    }
}
