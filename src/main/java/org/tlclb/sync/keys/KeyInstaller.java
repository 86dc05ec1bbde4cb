package org.tlclb.sync.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.ssh.SshOptions;
import org.tlclb.sync.ssh.SshSetup;
import org.tlclb.sync.ssh.Identities;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.NodeConnectException;
import org.tlclb.sync.ssh.PasswordSource;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.SshConnector;

/**
 * The engine of {@code tlclb keys install}: makes every node accept the user's key, so that no later run needs a
 * password. Nodes are done one at a time (a node may ask for its password). Per node: log in, keys first; if no
 * key is accepted, with the node's password, asked once without echo; append the public key to the login user's
 * {@code ~/.ssh/authorized_keys} over SFTP; then log in again with the key alone to prove it works.
 * <p>
 * The password is held only while its node is worked on, is never written anywhere, and is never put into a
 * message. Host keys are checked exactly as in a sync run (same known_hosts, same policy).
 */
public final class KeyInstaller implements AutoCloseable {
    /** How long a person may take to type a node's password. */
    private static final Duration PASSWORD_TYPING = Duration.ofMinutes(5);

    /** How a node ended. */
    public enum Status {
        /** A key was already accepted: nothing was changed. */
        ALREADY_INSTALLED,
        /** The key was added and a key-only login then succeeded. */
        INSTALLED,
        /** Not contacted (nosync in sync.conf). */
        SKIPPED,
        FAILED;

        /** Whether the node now accepts the key (or was left alone on purpose). */
        public boolean ok() {
            return this != FAILED;
        }
    }

    /** @param message what to show after "node: " */
    public record Outcome(String node, Status status, String message) {
    }

    /**
     * The key pair that is installed.
     *
     * @param privateKey the private key file
     * @param publicLine the authorized_keys line: the .pub line when there is one for this key, else type and key
     * @param created    true when this run generated the pair
     */
    public record UserKey(Path privateKey, String publicLine, boolean created) {
    }

    private final SshOptions options;
    private final UserKey key;
    private final NodePassword passwords;
    /** Keys first, then the node's password (asked only when no key was accepted). */
    private final SshConnector withPassword;
    /** Keys only: what every later run does; proves the installation. */
    private final SshConnector keysOnly;

    /**
     * @param key   from {@link #ensureKey}
     * @param nodes the nodes that will be passed to {@link #install}, for their ~/.ssh/config IdentityFile entries
     */
    public KeyInstaller(SshOptions options, UserKey key, List<NodeTarget> nodes) throws IdentityException {
        this.options = options;
        this.key = key;
        this.passwords = new NodePassword(options.prompter());
        // Waiting for a person to type the password must not count against the authentication timeout.
        Duration typing = options.prompter().interactive() ? PASSWORD_TYPING : Duration.ZERO;
        this.withPassword = SshSetup.connector(options, nodes, passwords, typing);
        this.keysOnly = SshSetup.connector(options, nodes, PasswordSource.NONE, Duration.ZERO);
    }

    /**
     * The key to install: the first -i / IdentityFile, else the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa; when
     * there is none of these, a new ed25519 pair is written to ~/.ssh/id_ed25519 (+ .pub), OpenSSH format, no
     * passphrase, private key mode 0600, ~/.ssh created 0700.
     */
    public static UserKey ensureKey(SshOptions o, List<NodeTarget> nodes) throws IdentityException, IOException {
        List<Path> explicit = SshSetup.namedKeyFiles(o, nodes);
        Path file = null;
        if (!explicit.isEmpty()) {
            file = explicit.get(0);
        } else {
            List<Path> defaults = Identities.defaultFiles(o.home());
            file = defaults.isEmpty() ? null : defaults.get(0);
        }
        if (file == null) {
            return generate(o.home().resolve(".ssh").resolve("id_ed25519"));
        }
        List<KeyPair> pairs = Identities.load(List.of(file), o.home(), o.prompter());
        String derived = PublicKeyEntry.toString(pairs.get(0).getPublic());
        return new UserKey(file, publicLine(file, derived), false);
    }

    /** The .pub file's line (it carries the comment) when it holds the same key; else the key derived from the private one. */
    private static String publicLine(Path privateKey, String derived) {
        Path pub = privateKey.resolveSibling(privateKey.getFileName() + ".pub");
        try {
            if (Files.isRegularFile(pub)) {
                for (String line : Files.readAllLines(pub, StandardCharsets.UTF_8)) {
                    String l = line.strip();
                    if (!l.isEmpty() && sameKey(l, derived)) {
                        return l;
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable .pub only loses the comment
        }
        return derived;
    }

    private static UserKey generate(Path file) throws IOException {
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
        return new UserKey(file, line, true);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public UserKey key() {
        return key;
    }

    /** Works on one node; never throws for a node's problem, which is in the outcome. */
    public Outcome install(NodeTarget node) {
        String name = node.display();
        if (node.nosync()) {
            return new Outcome(name, Status.SKIPPED, "skipped (nosync in sync.conf)");
        }
        passwords.begin(node);
        try {
            ClientSession session;
            try {
                session = withPassword.connect(node.user(), node.host(), node.port());
            } catch (IOException e) {
                return new Outcome(name, Status.FAILED, loginFailure(node, e));
            }
            boolean usedPassword = passwords.given();
            try (session) {
                if (!usedPassword) {
                    return new Outcome(name, Status.ALREADY_INSTALLED, "key already installed");
                }
                passwords.forget(); // logged in: it is not needed again
                appendKey(session);
            } catch (IOException e) {
                return new Outcome(name, Status.FAILED, "logged in with the password but could not add the key to "
                        + "~/.ssh/authorized_keys: " + e.getMessage());
            }
            try (ClientSession verified = keysOnly.connect(node.user(), node.host(), node.port())) {
                return new Outcome(name, Status.INSTALLED, "key installed, key login verified");
            } catch (IOException e) {
                return new Outcome(name, Status.FAILED, "the key was added to ~/.ssh/authorized_keys but key login"
                        + " still fails (" + e.getMessage() + "): check that ~ and ~/.ssh are not writable by others"
                        + " and that authorized_keys is 0600 and owned by " + node.user() + " (sshd StrictModes)");
            }
        } finally {
            passwords.forget();
        }
    }

    private String loginFailure(NodeTarget node, IOException e) {
        if (passwords.neededWithoutTerminal()) {
            return "needs a password and there is no terminal: run tlclb keys install from a shell";
        }
        if (passwords.declined()) {
            return "no password was given; the key was not installed";
        }
        String msg = e.getMessage() != null ? e.getMessage() : e.toString();
        // SshConnector's wording for a login that every method failed; its advice (keys install) does not apply here.
        boolean refused = e instanceof NodeConnectException && msg.startsWith("authentication failed");
        if (refused && passwords.given()) {
            return "the password was not accepted for " + node.user() + "@" + node.host() + ":" + node.port();
        }
        if (refused) {
            return "no key was accepted and the node does not offer password login for " + node.user()
                    + ": add " + key.privateKey() + ".pub to ~/.ssh/authorized_keys there by other means";
        }
        return msg;
    }

    /** Appends the key line to ~/.ssh/authorized_keys unless it is there; other bytes stay as they are. */
    private void appendKey(ClientSession session) throws IOException {
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
            String home = sftp.canonicalPath(".");
            String dir = (home.endsWith("/") ? home : home + "/") + ".ssh";
            SftpClient.Attributes d = statOrNull(sftp, dir);
            if (d == null) {
                try {
                    sftp.mkdir(dir);
                } catch (SftpException e) {
                    throw new IOException("cannot create " + dir + ": " + e.getMessage(), e);
                }
                sftp.setStat(dir, new SftpClient.Attributes().perms(0700));
            } else if (!d.isDirectory()) {
                throw new IOException(dir + " exists and is not a directory");
            }
            String file = dir + "/authorized_keys";
            SftpClient.Attributes f = statOrNull(sftp, file);
            byte[] existing = new byte[0];
            if (f == null) {
                try (SftpClient.CloseableHandle h = sftp.open(file, SftpClient.OpenMode.Write,
                        SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive)) {
                    sftp.setStat(h, new SftpClient.Attributes().perms(0600));
                }
            } else {
                existing = readAll(sftp, file);
                if (contains(new String(existing, StandardCharsets.UTF_8), key.publicLine())) {
                    return;
                }
            }
            boolean needsNewline = existing.length > 0 && existing[existing.length - 1] != '\n';
            byte[] add = ((needsNewline ? "\n" : "") + key.publicLine() + "\n").getBytes(StandardCharsets.UTF_8);
            try (SftpClient.CloseableHandle h = sftp.open(file, SftpClient.OpenMode.Write)) {
                sftp.write(h, existing.length, add);
            }
        }
    }

    private static SftpClient.Attributes statOrNull(SftpClient sftp, String path) throws IOException {
        try {
            return sftp.stat(path);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    private static byte[] readAll(SftpClient sftp, String path) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = sftp.read(path)) {
            in.transferTo(buf);
        }
        return buf.toByteArray();
    }

    /** Whether an authorized_keys text holds this key (type and key data; options and comment do not matter). */
    static boolean contains(String authorizedKeys, String keyLine) {
        for (String line : authorizedKeys.split("\n", -1)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && sameKey(l, keyLine)) {
                return true;
            }
        }
        return false;
    }

    /** Whether line holds, somewhere (after any options), the type and key data that keyLine starts with. */
    private static boolean sameKey(String line, String keyLine) {
        String[] want = keyLine.strip().split("\\s+");
        if (want.length < 2) {
            return false;
        }
        String[] tokens = line.split("\\s+");
        for (int i = 0; i + 1 < tokens.length; i++) {
            if (tokens[i].equals(want[0]) && tokens[i + 1].equals(want[1])) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        passwords.forget();
        withPassword.close();
        keysOnly.close();
    }

    /**
     * The password of the node being worked on: asked at most once per node, and only when MINA reaches password
     * authentication, i.e. after every key was refused. Without a terminal it is never asked; the need is recorded.
     */
    private static final class NodePassword implements PasswordSource {
        private final Prompter prompter;
        private char[] password;
        private boolean asked;
        private boolean neededWithoutTerminal;

        NodePassword(Prompter prompter) {
            this.prompter = prompter;
        }

        synchronized void begin(NodeTarget node) {
            forget();
            asked = false;
            neededWithoutTerminal = false;
        }

        @Override
        public synchronized String password(String user, String host, int port) {
            if (!prompter.interactive()) {
                neededWithoutTerminal = true;
                return null;
            }
            if (!asked) {
                asked = true;
                password = prompter.secret(user + "@" + host + (port == 22 ? "" : ":" + port) + "'s password: ");
            }
            // MINA takes a String; a retried connection reuses the answer instead of asking again.
            return password == null ? null : new String(password);
        }

        synchronized boolean given() {
            return asked && password != null;
        }

        synchronized boolean declined() {
            return asked && password == null;
        }

        synchronized boolean neededWithoutTerminal() {
            return neededWithoutTerminal;
        }

        synchronized void forget() {
            if (password != null) {
                Arrays.fill(password, '\0');
                password = null;
            }
        }
    }
}
