package org.tlclb.sync.transfer;

import java.nio.file.Path;

/**
 * One file to stage on a node.
 *
 * @param target   relative path the file will be renamed to at commit
 * @param stageDir relative directory the temporary file is written into (normally the target's parent)
 * @param tempName the unguessable temporary name
 * @param source   the local file
 */
public record StageItem(String target, String stageDir, String tempName, Path source) {

    public String tempPath() {
        return stageDir.isEmpty() ? tempName : stageDir + "/" + tempName;
    }
}
