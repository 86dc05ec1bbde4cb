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
        return spell(randomHigh(), randomLow());
    }

    /** 60 random bits (never all zero), the first 12 characters of a name. */
    public static long randomHigh() {
        long v;
        do {
            v = RANDOM.nextLong() & ((1L << 60) - 1);
        } while (v == 0);
        return v;
    }

    /** 20 random bits, the last 4 characters of a name. */
    public static int randomLow() {
        return RANDOM.nextInt(1 << 20);
    }

    /** The name for 80 random bits: ".tlclb." + 16 base32 characters + ".tmp". */
    public static String spell(long high, int low) {
        char[] c = new char[16];
        for (int i = 0; i < 12; i++) {
            c[i] = ALPHABET.charAt((int) ((high >>> (55 - 5 * i)) & 31));
        }
        for (int i = 0; i < 4; i++) {
            c[12 + i] = ALPHABET.charAt((low >>> (15 - 5 * i)) & 31);
        }
        return ".tlclb." + new String(c) + ".tmp";
    }

    public static boolean isTemp(String name) {
        return TEMP.matcher(name).matches();
    }
}
