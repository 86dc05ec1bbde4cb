package org.tlclb.sync.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/** How source and node files are compared, and which paths are left alone. */
final class CompareOptions {
    @Option(names = {"-C", "--checksum"}, description = "compare file content (SHA-256), not size and mtime")
    boolean checksum;

    @Option(names = "--exclude", paramLabel = "PATTERN",
            description = "leave matching paths alone, rsync-style pattern (repeatable)")
    List<String> excludes = new ArrayList<>();

    @Option(names = {"-H", "--hard-links"}, negatable = true,
            description = "names of one file stay one file on the nodes, as rsync -H (the default);"
                    + " --no-hard-links: each name is a file of its own")
    Boolean hardLinks;

    /** Whether names of one file are kept linked (unless --no-hard-links). */
    boolean hardLinks() {
        return hardLinks == null || hardLinks;
    }

    /** rsync's -e is its remote shell: taken only to be refused with a hint, never as a pattern. */
    @Option(names = "-e", hidden = true, paramLabel = "COMMAND")
    String remoteShell;

    void check() throws UsageError {
        if (remoteShell != null) {
            throw new UsageError("-e is rsync's remote shell and is not an option here: use --exclude PATTERN to"
                    + " leave paths alone, or ~/.ssh/config for ssh options");
        }
    }
}
