package org.tlclb.sync.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Key pairs for public-key authentication, decoded from OpenSSH key files (asking a passphrase when
 * needed). Stateless: a run's {@link KeyRing} loads each file once, so each passphrase is asked once.
 */
public final class Identities {
    /** OpenSSH tries these in this order when no key is named. */
    private static final List<String> DEFAULT_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");
    /** ssh-add allows three tries; a typo should not end the run. */
    private static final int PASSPHRASE_TRIES = 3;

    private Identities() {
    }

    /**
     * @param explicit -i files then IdentityFile entries; when empty, the ~/.ssh/id_ed25519, id_ecdsa, id_rsa that
     *                 exist under home
     * @throws IdentityException naming the key file: an explicit file is missing or unreadable, or a key is
     *                           encrypted and nobody can type its passphrase, or the passphrase was wrong
     */
    public static List<KeyPair> load(List<Path> explicit, Path home, Prompter prompter) throws IdentityException {
        List<Path> files = explicit.isEmpty() ? defaultFiles(home) : explicit;
        List<KeyPair> keys = new ArrayList<>();
        for (Path p : files) {
            requireFile(p);
            keys.addAll(load(p, prompter));
        }
        return keys;
    }

    /** ~/.ssh/id_ed25519, id_ecdsa, id_rsa under home that exist, in the order ssh offers them. */
    public static List<Path> defaultFiles(Path home) {
        List<Path> files = new ArrayList<>();
        for (Path p : defaultCandidates(home)) {
            if (Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        return files;
    }

    /** Every default key file, existing or not (for "looked in" messages). */
    public static List<Path> defaultCandidates(Path home) {
        return DEFAULT_NAMES.stream().map(n -> home.resolve(".ssh").resolve(n)).toList();
    }

    /** A file the user named (-i, IdentityFile in sync.conf) must exist. */
    public static void requireFile(Path p) throws IdentityException {
        if (!Files.isRegularFile(p)) {
            throw new IdentityException("Identity file " + p + " not found (named with -i or IdentityFile).");
        }
    }

    /**
     * The key pairs in one file.
     *
     * @throws PassphraseNeededException when the key is encrypted and there is no terminal to ask
     */
    public static List<KeyPair> load(Path file, Prompter prompter) throws IdentityException {
        if (!Files.isReadable(file)) {
            throw new IdentityException("Identity file " + file + " cannot be read.");
        }
        Passphrases passphrases = new Passphrases(file, prompter);
        List<KeyPair> loaded = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(
                    null, NamedResource.ofName(file.toString()), in, passphrases);
            if (pairs != null) {
                pairs.forEach(loaded::add);
            }
        } catch (NoPassphraseException e) {
            throw new PassphraseNeededException("Key " + file + " is encrypted and this run has no terminal to ask for its"
                    + " passphrase. For unattended runs (cron) use a key without a passphrase made for this purpose,"
                    + " e.g. ssh-keygen -t ed25519 -N '' -f ~/.ssh/id_tlclb, and pass it with -i.");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (passphrases.asked) {
                throw new IdentityException("Key " + file + " could not be decrypted: wrong passphrase?", e);
            }
            throw new IdentityException("Key " + file + " could not be loaded: " + e.getMessage(), e);
        }
        if (loaded.isEmpty()) {
            throw new IdentityException("Key " + file + " holds no private key that this program can use.");
        }
        return List.copyOf(loaded);
    }

    /** An encrypted key and no terminal to type its passphrase (an agent holding the key may stand in for it). */
    public static final class PassphraseNeededException extends IdentityException {
        private static final long serialVersionUID = 1L;

        PassphraseNeededException(String message) {
            super(message);
        }
    }

    /** Thrown from the passphrase callback so that the caller can tell "no terminal" from "bad file". */
    private static final class NoPassphraseException extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Asks the prompter for one key's passphrase; MINA calls it only for encrypted keys, again after a wrong one. */
    private static final class Passphrases implements FilePasswordProvider {
        private final Path file;
        private final Prompter prompter;
        private boolean asked;

        Passphrases(Path file, Prompter prompter) {
            this.file = file;
            this.prompter = prompter;
        }

        @Override
        public String getPassword(SessionContext session, NamedResource resourceKey, int retryIndex)
                throws IOException {
            if (!prompter.interactive()) {
                throw new NoPassphraseException();
            }
            char[] secret = prompter.secret("Enter passphrase for key '" + file + "': ");
            if (secret == null) {
                throw new NoPassphraseException();
            }
            asked = true;
            // MINA's API takes a String; the char[] is cleared at least.
            String s = new String(secret);
            Arrays.fill(secret, '\0');
            return s;
        }

        @Override
        public ResourceDecodeResult handleDecodeAttemptResult(SessionContext session, NamedResource resourceKey,
                int retryIndex, String password, Exception err) {
            if (err == null || err instanceof NoPassphraseException) {
                return ResourceDecodeResult.TERMINATE;
            }
            return retryIndex + 1 < PASSPHRASE_TRIES ? ResourceDecodeResult.RETRY : ResourceDecodeResult.TERMINATE;
        }
    }
}
