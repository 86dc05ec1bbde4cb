package org.tlclb.sync.run;

import java.util.Collection;
import java.util.Optional;

import org.tlclb.sync.plan.TempNames;

/**
 * Destinations that would reach into a state area ({@code DEST/.tlclb-backup}: a destination's backups and node
 * lock). A destination inside one would let a later push, {@code --delete} or rollback there remove a backup run or
 * the lock of another destination; one that contains a destination the run knows of (this run's, sync.conf's
 * ContentDir, ConfigDir and license directories) holds that destination's state area in its tree, which its own
 * lock does not cover and its {@code --delete} would remove (issue 29, part 7).
 */
public final class StateAreas {
    private StateAreas() {
    }

    /** Why {@code dest} (absolute, in its one form) lies inside a state area, with what to do instead; or empty. */
    public static Optional<String> inside(String dest) {
        String marker = "/" + TempNames.BACKUP_DIR;
        int at = (dest + "/").indexOf(marker + "/");
        if (at < 0) {
            return Optional.empty();
        }
        String owner = at == 0 ? "/" : dest.substring(0, at);
        return Optional.of(dest + " is inside the state area of " + owner + " (its backups and node lock): push to"
                + " a directory outside it; to put a backup back, run tlclb rollback --dest " + owner);
    }

    /**
     * Why {@code dest} (a whole-tree destination) contains the state area of one of {@code known}, with what to do
     * instead; or empty.
     */
    public static Optional<String> containing(String dest, Collection<String> known) {
        String prefix = dest.equals("/") ? "/" : dest + "/";
        return known.stream().filter(k -> k.startsWith(prefix)).sorted().findFirst()
                .map(k -> dest + " contains " + k + ", whose state area " + k + "/" + TempNames.BACKUP_DIR
                        + " (backups and node lock) it must not reach: push to " + k + " itself, or to a directory"
                        + " that holds no other destination");
    }
}
