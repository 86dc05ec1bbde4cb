package org.tlclb.sync.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Optional;

import javax.crypto.Cipher;

import org.conscrypt.Conscrypt;
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

    /** Set by the launcher when it runs the JVM without C2, which relies on Conscrypt's cipher. */
    public static final String C1_ONLY_PROPERTY = "tlclb.c1only";

    /** Why the provider did not load: per process, as the native library it is about. */
    private static volatile String failure;

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

    /**
     * What the console should say when Conscrypt was needed and did not load in a JVM the
     * launcher started without C2: the JDK's AES-GCM then runs at ~40 MB/s.
     */
    public static Optional<String> slowCipherWarning() {
        String f = failure;
        if (f == null || !Boolean.getBoolean(C1_ONLY_PROPERTY)) {
            return Optional.empty();
        }
        return Optional.of("Conscrypt's native library did not load (" + f + "); the SSH cipher ran in Java"
                + " without C2 and large pushes are slow. Check target/native beside the jar, or run with"
                + " TLCLB_JAVA_OPTS=-XX:TieredStopAtLevel=4 to give the JDK's cipher its compiler back");
    }

    private static Provider load() {
        try {
            Provider p = Conscrypt.newProvider();
            Cipher.getInstance(AES_GCM, p);
            MessageDigest.getInstance("SHA-256", p);
            return p;
        } catch (Throwable e) {
            failure = e.toString();
            LOG.warn("Conscrypt's native library did not load ({}): AES-GCM and SHA-256 come from the JDK,"
                    + " slower unless C2 compiles them", e.toString());
            return null;
        }
    }
}
