package org.tlclb.sync.keys;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.util.List;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.ssh.Identities;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;

/** The user's key pair that keys install puts on the nodes: the one the runs use, or a new one. */
final class UserKeyFiles {
    private UserKeyFiles() {
    }

    /**
     * The first key file the nodes' routes name that exists (-i and sync.conf's IdentityFile must exist), else
     * the first IdentityFile of the ssh configuration, generated (the runs will offer it), else the first default
     * file that exists, else a new ~/.ssh/id_ed25519.
     */
    static KeyInstaller.UserKey ensure(SshOptions o, List<NodeTarget> nodes) throws IdentityException, IOException {
        for (Path p : o.identities()) {
            Identities.requireFile(p);
        }
        List<Path> named = SshSetup.namedKeyFiles(o, nodes);
        Path file = named.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        if (file == null && !named.isEmpty()) {
            return generate(named.get(0));
        }
        if (file == null) {
            List<Path> defaults = Identities.defaultFiles(o.home());
            file = defaults.isEmpty() ? null : defaults.get(0);
        }
        if (file == null) {
            return generate(o.home().resolve(".ssh").resolve("id_ed25519"));
        }
        List<KeyPair> pairs = Identities.load(List.of(file), o.home(), o.prompter());
        String derived = PublicKeyEntry.toString(pairs.get(0).getPublic());
        return new KeyInstaller.UserKey(file, publicLine(file, derived), false);
    }

    /** The .pub file's line (it carries the comment) when it holds the same key; else the key derived from the private one. */
    private static String publicLine(Path privateKey, String derived) {
        Path pub = privateKey.resolveSibling(privateKey.getFileName() + ".pub");
        try {
            if (Files.isRegularFile(pub)) {
                for (String line : Files.readAllLines(pub, StandardCharsets.UTF_8)) {
                    String l = line.strip();
                    if (!l.isEmpty() && AuthorizedKeys.sameKey(l, derived)) {
                        return l;
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable .pub only loses the comment
        }
        return derived;
    }

    private static KeyInstaller.UserKey generate(Path file) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        KeyPair kp;
        try {
            if (Security.getProvider("BC") == null) {
                Security.addProvider(new BouncyCastleProvider());
            }
            kp = KeyPairGenerator.getInstance("Ed25519", "BC").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an ed25519 key: " + e.getMessage(), e);
        }
        String comment = System.getProperty("user.name", "user") + "@" + localHostName();
        // Created 0600 before the key goes in, so the private key is never readable by others.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, comment, null, out);
        } catch (GeneralSecurityException e) {
            Files.deleteIfExists(file);
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        String line = PublicKeyEntry.toString(kp.getPublic()) + " " + comment;
        Path pub = file.resolveSibling(file.getFileName() + ".pub");
        Files.writeString(pub, line + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-r--r--"));
        return new KeyInstaller.UserKey(file, line, true);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
