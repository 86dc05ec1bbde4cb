package org.tlclb.sync.plan;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Names of staged files and of the backup area. A staged file sits beside its target under an
 * unguessable name short enough for any directory (the target name may itself be 255 bytes), and
 * any leftover of an interrupted run is recognised by its shape and removed by the next run.
 */
public final class TempNames {
    /** The directory, at the root of a destination, that holds per-run backups; never synced. */
    public static final String BACKUP_DIR = ".tlclb-backup";
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final Pattern TEMP = Pattern.compile("\\.tlclb\\.[a-z2-7]{16}\\.tmp");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TempNames() {
    }

    public static String next() {
        StringBuilder sb = new StringBuilder(".tlclb.");
        for (int i = 0; i < 16; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(32)));
        }
        return sb.append(".tmp").toString();
    }

    public static boolean isTemp(String name) {
        return TEMP.matcher(name).matches();
    }
}
