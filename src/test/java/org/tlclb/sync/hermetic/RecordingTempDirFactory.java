package org.tlclb.sync.hermetic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * JUnit's {@code @TempDir} directories as JUnit makes them ({@code junit-*} in java.io.tmpdir),
 * remembered: a line in the machine's log naming one of them was written by this test JVM's
 * suite (junit-platform.properties makes this the default factory).
 */
public final class RecordingTempDirFactory implements TempDirFactory {
    private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        Path dir = Files.createTempDirectory("junit-");
        CREATED.add(dir.toString());
        CREATED.add(dir.toRealPath().toString());
        return dir;
    }

    /** Every directory made so far, as made and as resolved. */
    static Set<String> created() {
        return Set.copyOf(CREATED);
    }
}
