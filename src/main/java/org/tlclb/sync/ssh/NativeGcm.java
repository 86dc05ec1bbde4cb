package org.tlclb.sync.ssh;

import java.security.Provider;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BaseGCMCipher;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.tlclb.sync.crypto.NativeCrypto;

/**
 * MINA's AES-GCM cipher with its {@code javax.crypto.Cipher} from Conscrypt ({@link NativeCrypto})
 * instead of the JDK: native from the first packet, whatever the JIT does. Falls back to MINA's
 * own (the JDK's provider) where Conscrypt does not load.
 */
final class NativeGcm implements NamedFactory<Cipher> {
    private final BuiltinCiphers gcm;

    NativeGcm(BuiltinCiphers gcm) {
        this.gcm = gcm;
    }

    @Override
    public String getName() {
        return gcm.getName();
    }

    @Override
    public Cipher create() {
        Optional<Provider> p = NativeCrypto.provider();
        if (p.isEmpty()) {
            return gcm.create();
        }
        Provider provider = p.get();
        return new BaseGCMCipher(gcm.getIVSize(), gcm.getAuthenticationTagSize(), gcm.getKdfSize(),
                gcm.getAlgorithm(), gcm.getKeySize(), gcm.getTransformation(), gcm.getCipherBlockSize()) {
            @Override
            // javax.crypto.Cipher written out: MINA's Cipher (imported) has the same simple name
            protected javax.crypto.Cipher createCipherInstance(Mode mode, byte[] key, byte[] iv) throws Exception {
                // What MINA's own does, without also creating a JDK cipher to throw away.
                this.mode = mode;
                secretKey = new SecretKeySpec(key, getAlgorithm());
                parameters = new CounterGCMParameterSpec(getAuthenticationTagSize() * Byte.SIZE, iv) { };
                return javax.crypto.Cipher.getInstance(NativeCrypto.AES_GCM, provider);
            }

            @Override
            public String toString() {
                return gcm.getName() + " (" + provider.getName() + ")";
            }
        };
    }

    @Override
    public String toString() {
        return gcm.getName();
    }
}
