package org.tlclb.sync.remote;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** How the destination walk looks at a node's paths (over SFTP in a run, a map in a test). */
public interface PathLookup {
    /** lstat of each path, in one exchange where the node allows it; missing paths map to {@link NodeStat#MISSING}. */
    Map<String, NodeStat> lstat(List<String> paths) throws IOException;

    /** The target of a symlink, as stored. */
    String readLink(String path) throws IOException;
}
