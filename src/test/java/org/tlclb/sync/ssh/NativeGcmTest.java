package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.cipher.Cipher.Mode;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.crypto.NativeCrypto;

/**
 * Conscrypt's AES-GCM, as MINA's SSH packet cipher, must be bit-for-bit the JDK's: packets it seals
 * open with MINA's own cipher (and so with OpenSSH's) and the reverse, counter after counter,
 * and a changed byte is refused.
 */
class NativeGcmTest {
    private static final int AAD = 4; // the SSH packet length field
    private static final int TAG = 16;

    static void assumeNative() {
        boolean x86Linux = System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
        if (x86Linux && System.getenv("CI") != null) {
            assertThat(NativeCrypto.provider()).as("Conscrypt must load on Linux x86_64 in CI").isPresent();
        }
        assumeTrue(NativeCrypto.provider().isPresent(), "Conscrypt has no native library for this platform");
    }

    @Test
    void conscryptLoadsOnLinuxX86() {
        assumeNative();
        assertThat(NativeCrypto.provider().orElseThrow().getName()).isEqualTo("Conscrypt");
        assertThat(new NativeGcm(BuiltinCiphers.aes128gcm).create().toString()).contains("Conscrypt");
    }

    @Test
    void packetsSealedNativelyOpenWithTheJdkCipherAndBack() throws Exception {
        assumeNative();
        for (BuiltinCiphers gcm : new BuiltinCiphers[] {BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm}) {
            roundTrip(new NativeGcm(gcm).create(), gcm.create(), gcm);
            roundTrip(gcm.create(), new NativeGcm(gcm).create(), gcm);
        }
    }

    @Test
    void aChangedByteIsRefused() throws Exception {
        assumeNative();
        BuiltinCiphers gcm = BuiltinCiphers.aes128gcm;
        byte[] key = new byte[gcm.getKdfSize()];
        byte[] iv = new byte[gcm.getIVSize()];
        Cipher enc = gcm.create();
        enc.init(Mode.Encrypt, key, iv);
        Cipher dec = new NativeGcm(gcm).create();
        dec.init(Mode.Decrypt, key, iv);
        byte[] packet = new byte[AAD + 64 + TAG];
        enc.updateAAD(packet, 0, AAD);
        enc.update(packet, AAD, 64);
        packet[AAD + 10] ^= 1;
        dec.updateAAD(packet, 0, AAD);
        assertThatThrownBy(() -> dec.update(packet, AAD, 64)).isInstanceOf(Exception.class);
    }

    @Test
    void sha256IsTheJdksSha256() throws Exception {
        byte[] data = "tlclb".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        MessageDigest ours = NativeCrypto.sha256();
        ours.update(data);
        assertThat(HexFormat.of().formatHex(ours.digest()))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    }

    private static void roundTrip(Cipher sealer, Cipher opener, BuiltinCiphers gcm) throws Exception {
        Random rnd = new Random(7);
        byte[] key = new byte[gcm.getKdfSize()];
        byte[] iv = new byte[gcm.getIVSize()];
        rnd.nextBytes(key);
        rnd.nextBytes(iv);
        sealer.init(Mode.Encrypt, key, iv);
        opener.init(Mode.Decrypt, key, iv);
        for (int i = 0; i < 200; i++) {
            int len = 16 * (1 + rnd.nextInt(i % 10 == 0 ? 2048 : 8)); // SSH pads to the block size
            byte[] packet = new byte[AAD + len + TAG];
            rnd.nextBytes(packet);
            byte[] plain = Arrays.copyOfRange(packet, 0, AAD + len);
            sealer.updateAAD(packet, 0, AAD);
            sealer.update(packet, AAD, len);
            assertThat(Arrays.copyOfRange(packet, AAD, AAD + len)).isNotEqualTo(Arrays.copyOfRange(plain, AAD, AAD + len));
            opener.updateAAD(packet, 0, AAD);
            opener.update(packet, AAD, len);
            assertThat(Arrays.copyOfRange(packet, 0, AAD + len)).as("packet %d of %s", i, gcm).isEqualTo(plain);
        }
    }
}
