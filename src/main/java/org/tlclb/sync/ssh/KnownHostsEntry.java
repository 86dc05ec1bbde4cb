package org.tlclb.sync.ssh;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * One key line of a known_hosts file. Keys are kept as their wire-format blob so that comparing with an offered key
 * is a byte comparison, and lines with key types this JVM cannot decode still count (e.g. as "the host is known").
 *
 * @param file       the known_hosts file the line is in
 * @param lineNumber 1-based line in the file, for messages that tell the user which line to look at
 * @param marker     null, "revoked" or "cert-authority"
 * @param hosts      the host field: a comma list of patterns or one hashed name
 * @param keyType    the key type name as written, e.g. ssh-ed25519
 * @param blob       the decoded key blob
 */
record KnownHostsEntry(Path file, int lineNumber, String marker, String hosts, String keyType, byte[] blob) {

    static final String REVOKED = "revoked";
    static final String CERT_AUTHORITY = "cert-authority";

    /** Parses a line; empty for comments, blank lines and lines OpenSSH would also skip as malformed. */
    static Optional<KnownHostsEntry> parse(Path file, int lineNumber, String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return Optional.empty();
        }
        String[] fields = trimmed.split("\\s+");
        int i = 0;
        String marker = null;
        if (fields[0].startsWith("@")) {
            marker = fields[0].substring(1);
            i = 1;
        }
        if (fields.length < i + 3) {
            return Optional.empty();
        }
        try {
            byte[] blob = Base64.getDecoder().decode(fields[i + 2]);
            return Optional.of(new KnownHostsEntry(file, lineNumber, marker, fields[i], fields[i + 1], blob));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    boolean revoked() {
        return REVOKED.equals(marker);
    }

    boolean certAuthority() {
        return CERT_AUTHORITY.equals(marker);
    }

    /** A plain key line: no marker. Lines with an unknown marker are ignored, as ssh ignores them. */
    boolean plain() {
        return marker == null;
    }

    boolean sameKey(byte[] otherBlob) {
        return MessageDigest.isEqual(blob, otherBlob);
    }

    /** "FILE line N", as the messages name a line. */
    String where() {
        return file + " line " + lineNumber;
    }

    /** The OpenSSH key family (ED25519, ECDSA, RSA...), because OpenSSH treats a different key of the same family as changed. */
    String family() {
        return KeyText.family(keyType);
    }

    String fingerprint() {
        return KeyText.fingerprint(blob);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KnownHostsEntry e && e.lineNumber == lineNumber && Arrays.equals(e.blob, blob)
                && e.file.equals(file) && e.hosts.equals(hosts) && e.keyType.equals(keyType)
                && Objects.equals(e.marker, marker);
    }

    @Override
    public int hashCode() {
        return 31 * lineNumber + Arrays.hashCode(blob);
    }
}
