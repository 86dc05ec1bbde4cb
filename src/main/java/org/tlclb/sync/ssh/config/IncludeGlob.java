package org.tlclb.sync.ssh.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/** The files an Include pattern names: glob(3) with * ? [..] in any component, in lexical order, as ssh uses it. */
final class IncludeGlob {
    private IncludeGlob() {
    }

    /** Existing files matching an absolute pattern; none is not an error (ssh skips a pattern matching nothing). */
    static List<Path> expand(String absolutePattern) throws SshConfigException {
        List<Path> current = List.of(Path.of("/"));
        for (String part : absolutePattern.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            List<Path> next = new ArrayList<>();
            for (Path dir : current) {
                if (!hasWildcard(part)) {
                    Path p = dir.resolve(part);
                    if (Files.exists(p)) {
                        next.add(p);
                    }
                    continue;
                }
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + part);
                List<Path> found = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    for (Path p : ds) {
                        String name = p.getFileName().toString();
                        // glob(3): a leading dot must be matched explicitly.
                        if (m.matches(p.getFileName()) && (!name.startsWith(".") || part.startsWith("."))) {
                            found.add(p);
                        }
                    }
                } catch (IOException e) {
                    throw new SshConfigException("Include " + absolutePattern + ": cannot list " + dir + ": "
                            + e.getMessage(), e);
                }
                found.sort(null);
                next.addAll(found);
            }
            current = next;
        }
        return current.stream().filter(Files::isRegularFile).toList();
    }

    private static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }
}
