package org.tlclb.sync.ssh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The run's SSH client tuned for bulk transfer: aes128-gcm first (native, from Conscrypt: {@link NativeGcm}),
 * TCP_NODELAY on (off costs ~40 ms per channel open), large windows, and timeouts so that no dead node hangs a run.
 */
final class ClientTuning {
    /** MINA's channel window: 8 MiB keeps a 100 ms round trip near 80 MB/s. */
    private static final long WINDOW_BYTES = 8L * 1024 * 1024;
    /** Socket reads get this much longer than the idle timeout, so that MINA's idle check fires first. */
    private static final Duration READ_GRACE = Duration.ofSeconds(15);

    private ClientTuning() {
    }

    static void apply(SshClient client, SshSettings settings, Duration connectTimeout) {
        client.setCipherFactories(ciphers());
        client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false, keyExchanges(),
                ClientBuilder.DH2KEX));
        client.setSignatureFactories(signatures());
        CoreModuleProperties.PASSWORD_PROMPTS.set(client, 1);
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        CoreModuleProperties.SOCKET_KEEPALIVE.set(client, true);
        CoreModuleProperties.WINDOW_SIZE.set(client, WINDOW_BYTES);
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, connectTimeout);
        CoreModuleProperties.AUTH_TIMEOUT.set(client, settings.authTimeout());
        CoreModuleProperties.CHANNEL_OPEN_TIMEOUT.set(client, connectTimeout);
        CoreModuleProperties.IDLE_TIMEOUT.set(client, settings.idleTimeout());
        // A node that stops reading must not block a write forever.
        CoreModuleProperties.WINDOW_TIMEOUT.set(client, settings.idleTimeout());
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, settings.idleTimeout().plus(READ_GRACE));
        CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(client, 0);
    }

    private static List<NamedFactory<Cipher>> ciphers() {
        List<NamedFactory<Cipher>> list = new ArrayList<>();
        for (BuiltinCiphers c : List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr,
                BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr, BuiltinCiphers.cc20p1305_openssh)) {
            if (c == BuiltinCiphers.aes128gcm || c == BuiltinCiphers.aes256gcm) {
                list.add(new NativeGcm(c));
            } else if (c.isSupported()) {
                list.add(c);
            }
        }
        return list;
    }

    /**
     * ML-KEM hybrid first (post-quantum, and fast), then curve25519. sntrup761 comes after them:
     * its key generation in pure-Java BouncyCastle costs about a second of CPU per connection, which
     * dominated a no-change run; OpenSSH before 9.9 (no ML-KEM) therefore negotiates curve25519.
     */
    private static List<BuiltinDHFactories> keyExchanges() {
        List<BuiltinDHFactories> list = new ArrayList<>();
        for (BuiltinDHFactories k : List.of(BuiltinDHFactories.mlkem768x25519, BuiltinDHFactories.curve25519,
                BuiltinDHFactories.curve25519_libssh, BuiltinDHFactories.sntrup761x25519,
                BuiltinDHFactories.sntrup761x25519_openssh, BuiltinDHFactories.curve448, BuiltinDHFactories.ecdhp256,
                BuiltinDHFactories.ecdhp384, BuiltinDHFactories.ecdhp521, BuiltinDHFactories.dhgex256,
                BuiltinDHFactories.dhg16_512, BuiltinDHFactories.dhg14_256)) {
            if (k.isSupported()) {
                list.add(k);
            }
        }
        return list;
    }

    /**
     * ed25519 first: OpenSSH-written known_hosts entries are ed25519, MINA's default prefers ECDSA. Host
     * certificates last: each session puts them first only for hosts an {@code @cert-authority} line covers.
     */
    private static List<NamedFactory<Signature>> signatures() {
        List<NamedFactory<Signature>> list = new ArrayList<>();
        for (BuiltinSignatures s : List.of(BuiltinSignatures.ed25519, BuiltinSignatures.nistp256,
                BuiltinSignatures.nistp384, BuiltinSignatures.nistp521, BuiltinSignatures.rsaSHA512,
                BuiltinSignatures.rsaSHA256, BuiltinSignatures.rsa, BuiltinSignatures.ed25519_cert,
                BuiltinSignatures.nistp256_cert, BuiltinSignatures.nistp384_cert, BuiltinSignatures.nistp521_cert,
                BuiltinSignatures.rsaSHA512_cert, BuiltinSignatures.rsaSHA256_cert, BuiltinSignatures.rsa_cert)) {
            if (s.isSupported()) {
                list.add(s);
            }
        }
        return list;
    }
}
