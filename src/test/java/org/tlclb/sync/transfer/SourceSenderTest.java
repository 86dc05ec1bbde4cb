package org.tlclb.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.config.Tunables;

/**
 * A send is a consistent copy or none: a file that grows, shrinks or is rewritten in place (same
 * size, new mtime) while it is read is not staged but recorded as unsent, for {@link SendAgain} to
 * send again. The change is made from the progress callback, after the first buffer went out.
 */
class SourceSenderTest {
    private static final StageItem ITEM = StageItem.underOwnName("live.log", "");
    private static final int SIZE = Tunables.SCP_BUFFER.get() * 3;

    @TempDir
    Path dir;

    private interface Change {
        void apply(Path file) throws IOException;
    }

    private record Sent(long result, Map<StageItem, String> unsent, List<String> warnings, byte[] stream) {
    }

    private Sent send(Path file, Change duringSend) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean[] changed = {false};
        StageProgress progress = n -> {
            if (!changed[0] && duringSend != null) {
                changed[0] = true;
                try {
                    duringSend.apply(file);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        };
        ScpStream.Context context = new ScpStream.Context(Duration.ofSeconds(5), new Throttle(0), () -> false, null,
                progress, null);
        Map<StageItem, String> unsent = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        long r = new SourceSender(out, context, warnings, new ArrayList<>(), unsent).sendFile(ITEM, file);
        return new Sent(r, unsent, warnings, out.toByteArray());
    }

    private Path file() throws IOException {
        byte[] data = new byte[SIZE];
        new Random(7).nextBytes(data);
        Path f = dir.resolve("live.log");
        Files.write(f, data);
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_000L));
        return f;
    }

    @Test
    void aFileThatHoldsStillIsSentWholeAndStaged() throws IOException {
        Path f = file();
        Sent s = send(f, null);
        assertThat(s.result()).isEqualTo(SIZE);
        assertThat(s.unsent()).isEmpty();
        assertThat(s.warnings()).isEmpty();
        byte[] tail = Arrays.copyOfRange(s.stream(), s.stream().length - SIZE - 1, s.stream().length - 1);
        assertThat(tail).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void aFileAppendedToWhileSentIsNotStaged() throws IOException {
        Sent s = send(file(), f -> Files.write(f, "one more line\n".getBytes(), StandardOpenOption.APPEND));
        assertThat(s.result()).isEqualTo(Long.MIN_VALUE);
        assertThat(s.unsent()).containsEntry(ITEM, SendAgain.CHANGED);
        assertThat(s.warnings()).as("not a warning: it is sent again, or named as not carried").isEmpty();
    }

    @Test
    void aFileCutShortWhileSentIsPaddedAndNotStaged() throws IOException {
        Sent s = send(file(), f -> {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(1000);
            }
        });
        assertThat(s.result()).isEqualTo(Long.MIN_VALUE);
        assertThat(s.unsent()).containsEntry(ITEM, SendAgain.CHANGED);
    }

    @Test
    void aFileRewrittenInPlaceWithTheSameSizeWhileSentIsNotStaged() throws IOException {
        Sent s = send(file(), f -> {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.seek(0);
                raf.write(new byte[16]); // the part already sent is not what the file now holds
            }
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_500L)); // within the same second
        });
        assertThat(s.result()).as("same size, an mtime half a second later").isEqualTo(Long.MIN_VALUE);
        assertThat(s.unsent()).containsEntry(ITEM, SendAgain.CHANGED);
    }
}
