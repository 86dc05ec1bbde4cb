package org.tlclb.sync.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Iterator;

import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * The node's ed25519 host key, generated on first start and kept in OpenSSH format in the state
 * directory, so known_hosts entries written against a node stay valid across restarts.
 * Only ed25519: clients (and tests) then match it against OpenSSH known_hosts lines unambiguously.
 */
final class HostKeyStore {
    static final String FILE_NAME = "ssh_host_ed25519_key";

    private HostKeyStore() {
    }

    static SimpleGeneratorHostKeyProvider open(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(stateDir.resolve(FILE_NAME));
        // "Ed25519", not "EdDSA": BouncyCastle's EdDSA generator refuses to run without a curve spec.
        provider.setAlgorithm(SecurityUtils.ED25519);
        // A damaged key file must fail the start, not be silently replaced by a new identity.
        provider.setOverwriteAllowed(false);
        return provider;
    }

    /** Loads (creating if needed) the key pair now, so a broken key file fails start() instead of the first login. */
    static KeyPair load(SimpleGeneratorHostKeyProvider provider) throws IOException {
        Iterator<KeyPair> keys = provider.loadKeys(null).iterator();
        if (!keys.hasNext()) {
            throw new IOException("no host key in " + provider.getPath());
        }
        return keys.next();
    }
}
