package org.tlclb.sync.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conscrypt's provider, loaded once. The launcher runs the JVM with C1 only (a run is too short
 * for C2 to pay back), and in C1 code the JDK's AES-GCM runs at ~40 MB/s and its SHA-256 at
 * ~150 MB/s; Conscrypt's native code runs at ~3 GB/s and ~500 MB/s from the first call. Where
 * Conscrypt has no library for the platform, the JDK's providers are used (and the launcher keeps
 * C2 for them).
 */
public final class NativeCrypto {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCrypto.class);
    public static final String AES_GCM = "AES/GCM/NoPadding";

    private static final class Holder {
        static final Provider PROVIDER = load();
    }

    private NativeCrypto() {
    }

    /** Starts loading the native library in the background (about 50 ms), so the first use need not wait. */
    public static void preload() {
        Thread t = new Thread(NativeCrypto::provider, "conscrypt-load");
        t.setDaemon(true);
        t.start();
    }

    /** Conscrypt's provider, or empty when its native library does not load here. */
    public static Optional<Provider> provider() {
        return Optional.ofNullable(Holder.PROVIDER);
    }

    /** A SHA-256 digest: Conscrypt's when it loads, the JDK's otherwise. */
    public static MessageDigest sha256() {
        try {
            Provider p = Holder.PROVIDER;
            return p != null ? MessageDigest.getInstance("SHA-256", p) : MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static Provider load() {
        try {
            Provider p = org.conscrypt.Conscrypt.newProvider();
            javax.crypto.Cipher.getInstance(AES_GCM, p);
            MessageDigest.getInstance("SHA-256", p);
            return p;
        } catch (Throwable e) {
            LOG.warn("Conscrypt's native library did not load ({}): AES-GCM and SHA-256 come from the JDK,"
                    + " slower unless C2 compiles them", e.toString());
            return null;
        }
    }
}
