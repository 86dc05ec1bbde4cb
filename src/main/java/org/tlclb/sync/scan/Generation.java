package org.tlclb.sync.scan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.tlclb.sync.crypto.NativeCrypto;

/**
 * What a run commits, named: a SHA-256 over the source's manifests (each entry's path, type, mode,
 * size, mtime and link target, in path order). Two runs of the same source tree have the same
 * generation; a node that holds it holds that tree. Content hashes are left out, so that a push
 * with {@code -C} and one without name the same tree alike (a change that keeps size and mtime is
 * what {@code -C} is for, and {@code check -C} finds it).
 *
 * @param id 64 hex digits
 */
public record Generation(String id) {
    private static final int SHORT = 12;

    public Generation {
        if (id == null || !id.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a generation: " + id);
        }
    }

    /** The generation of the units' manifests, in unit order. */
    public static Generation of(List<Manifest> manifests) {
        MessageDigest md = NativeCrypto.sha256();
        int unit = 0;
        for (Manifest m : manifests) {
            md.update(("unit " + unit++ + "\n").getBytes(StandardCharsets.UTF_8));
            for (Entry e : m.entries()) {
                String line = e.path() + '\0' + e.type() + '\0' + Integer.toOctalString(e.mode()) + '\0' + e.size()
                        + '\0' + e.mtime() + '\0' + (e.linkTarget() == null ? "" : e.linkTarget()) + '\n';
                md.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Generation(HexFormat.of().formatHex(md.digest()));
    }

    /** The first 12 hex digits, as reports show it (as git shows a commit). */
    public String shortId() {
        return id.substring(0, SHORT);
    }

    @Override
    public String toString() {
        return id;
    }
}
