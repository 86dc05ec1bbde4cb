package org.tlclb.sync.ssh;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.tlclb.sync.ssh.config.Glob;

/** Matches the host field of a known_hosts line the way OpenSSH's hostfile.c / match.c do. */
final class HostPattern {
    private static final String HASH_MAGIC = "|1|";

    private HostPattern() {
    }

    /**
     * The name OpenSSH looks up and writes: {@code host} on port 22, {@code [host]:port} otherwise; lower case, as
     * ssh lowercases host names before it hashes or compares them.
     */
    static String lookupName(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        return port == 22 ? h : "[" + h + "]:" + port;
    }

    /**
     * Whether the host field (hashed {@code |1|salt|hash}, or a comma list of patterns with *, ? and !) matches the
     * lookup name. A matching negated pattern wins over any positive one, as in OpenSSH's match_hostname.
     */
    static boolean matches(String field, String lookupName) {
        if (field.startsWith(HASH_MAGIC)) {
            return hashedMatches(field, lookupName);
        }
        String name = lookupName.toLowerCase(Locale.ROOT);
        boolean matched = false;
        for (String raw : field.split(",")) {
            boolean negated = raw.startsWith("!");
            String pattern = (negated ? raw.substring(1) : raw).toLowerCase(Locale.ROOT);
            if (pattern.isEmpty() || !wildcard(pattern, name)) {
                continue;
            }
            if (negated) {
                return false;
            }
            matched = true;
        }
        return matched;
    }

    /** OpenSSH hashes the lookup name with HMAC-SHA1 keyed by the salt; both are base64 in the field. */
    private static boolean hashedMatches(String field, String lookupName) {
        String[] parts = field.substring(HASH_MAGIC.length()).split("\\|", -1);
        if (parts.length != 2) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[0]);
            byte[] expected = Base64.getDecoder().decode(parts[1]);
            return MessageDigest.isEqual(hmacSha1(salt, lookupName), expected);
        } catch (IllegalArgumentException e) {
            return false; // not base64: a malformed line, which OpenSSH also skips
        }
    }

    static String hash(byte[] salt, String lookupName) {
        Base64.Encoder b64 = Base64.getEncoder();
        return HASH_MAGIC + b64.encodeToString(salt) + "|" + b64.encodeToString(hmacSha1(salt, lookupName));
    }

    private static byte[] hmacSha1(byte[] salt, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required by every Java runtime", e);
        }
    }

    /** Glob match with '*' (any run) and '?' (one character), as in ssh_config. */
    static boolean wildcard(String pattern, String text) {
        return Glob.matches(pattern, text);
    }
}
