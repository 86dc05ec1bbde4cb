package org.tlclb.sync.ssh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Locale;

import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Public keys as OpenSSH writes and shows them: "type base64" lines, SHA256 fingerprints and type families. */
final class KeyText {
    private KeyText() {
    }

    /** The "ssh-ed25519 AAAA..." form used in known_hosts and authorized_keys. */
    static String line(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    static String typeName(PublicKey key) {
        return line(key).split(" ", 2)[0];
    }

    static byte[] blob(PublicKey key) {
        return Base64.getDecoder().decode(line(key).split(" ", 3)[1].getBytes(StandardCharsets.US_ASCII));
    }

    /** What ssh-keygen -l prints: SHA256 of the key blob, base64 without padding. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /** The family name OpenSSH prints ("ED25519 key fingerprint is ..."), from a key type name. */
    static String family(String typeName) {
        String t = typeName.replace("-cert-v01@openssh.com", "");
        if (t.equals("ssh-ed25519")) {
            return "ED25519";
        } else if (t.startsWith("ecdsa-sha2-")) {
            return "ECDSA";
        } else if (t.equals("ssh-rsa") || t.startsWith("rsa-sha2-")) {
            return "RSA";
        } else if (t.equals("ssh-dss")) {
            return "DSA";
        } else if (t.startsWith("sk-ssh-ed25519")) {
            return "ED25519-SK";
        } else if (t.startsWith("sk-ecdsa-sha2-")) {
            return "ECDSA-SK";
        }
        return t.toUpperCase(Locale.ROOT);
    }
}
