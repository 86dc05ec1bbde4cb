package org.tlclb.sync.transfer;

import org.tlclb.sync.plan.TempNames;

/**
 * One file to stage on a node. Kept small, since a run holds one per changed file per node: the
 * temporary name is stored as its 80 random bits and spelled out when needed, and the staging
 * directory string is shared by every item of that directory.
 *
 * @param target   relative path the file will be renamed to at commit (and its path in the source)
 * @param stageDir relative directory the file is written into, as the SCP stream sees it: normally
 *                 the target's parent; inside a new subtree it starts with the subtree's temporary name
 * @param high     the temporary name's first 60 random bits; 0 with {@code low} 0 means the file is
 *                 written under its own name (in a new subtree, or by the SCP-only full copy)
 * @param low      the temporary name's last 20 random bits
 */
public record StageItem(String target, String stageDir, long high, int low) {

    /** An item written under its real name (in a new subtree, or to a node without SFTP). */
    public static StageItem underOwnName(String target, String stageDir) {
        return new StageItem(target, stageDir, 0, 0);
    }

    /** Written under its real name: in a new subtree, or by the SCP-only full copy. */
    public boolean underOwnName() {
        return high == 0 && low == 0;
    }

    public String tempName() {
        if (underOwnName()) {
            return target.substring(target.lastIndexOf('/') + 1);
        }
        return TempNames.spell(high, low);
    }

    public String tempPath() {
        return stageDir.isEmpty() ? tempName() : stageDir + "/" + tempName();
    }
}
