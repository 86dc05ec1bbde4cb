package org.tlclb.sync.run;

import java.nio.file.Path;
import java.util.Set;

/**
 * One tree pushed by a run: a local directory to the same (or another) absolute path on every node.
 *
 * @param only      when non-null, only these top-level names of the directory (single files such as
 *                  license files); the directory itself and its other entries are left alone
 * @param delete    remove node entries the source lacks
 */
public record SyncUnit(Path source, String dest, Set<String> only, boolean delete) {

    public String label() {
        return only == null ? dest : String.join(",", only.stream().map(n -> dest + "/" + n).sorted().toList());
    }
}
