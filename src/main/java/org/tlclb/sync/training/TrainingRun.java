package org.tlclb.sync.training;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.tlclb.sync.cli.Main;
import org.tlclb.sync.node.EmbeddedNode;

/**
 * What the JVM runs while it records class data: the command line of a real push (sync.conf, key,
 * known_hosts, scan, SSH, SFTP inventory, SCP staging, commit, report, JSON), a second push that finds
 * nothing to change, and a check, all against one embedded node on an ephemeral loopback port. Every
 * file it writes is under the work directory it is given; the launcher points the run's state
 * (TLCLB_HOME, TLCLB_LOCK_DIR, TLCLB_LOG_FILE, TLCLB_CONFIG, TLCLB_SSH_ETC, TLCLB_STATE_DIR) there too, so nothing
 * of the machine's is read or written.
 *
 * <p>Usage: {@code java -cp tlclb-sync.jar org.tlclb.sync.training.TrainingRun WORKDIR}; exit 0 when
 * every run did what it should, 1 otherwise (with their output on stderr).
 */
public final class TrainingRun {
    /** Files of the sample tree: enough to go through the pipelined listing and staging paths. */
    static final int FILES = 40;
    /** One larger file, so the cipher and the SCP data path run for more than a packet. */
    static final int LARGE_FILE_BYTES = 256 * 1024;
    /** The destination on the node (under its root). */
    static final String DEST = "/srv/www";

    private final Path work;

    private TrainingRun(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: TrainingRun WORKDIR");
            System.exit(2);
        }
        System.exit(new TrainingRun(Path.of(args[0]).toAbsolutePath()).run());
    }

    private int run() throws IOException, GeneralSecurityException {
        Path key = writeClientKey();
        Path src = writeSourceTree();
        try (EmbeddedNode node = EmbeddedNode.builder().root(work.resolve("node")).port(0)
                .stateDir(work.resolve("node-state")).authorizedKeys(work.resolve("authorized_keys")).start()) {
            Path conf = writeConfig(node.port(), key, src);
            String json = work.resolve("report.json").toString();
            List<String> failures = new ArrayList<>();
            expect(failures, 0, "content-sync", "-c", conf.toString(), "-y", "--json", json, "--dest", DEST, src.toString());
            expect(failures, 0, "content-sync", "-c", conf.toString(), "-y", "-q", "--json", json, "--dest", DEST,
                    src.toString());
            expect(failures, 0, "check", "-c", conf.toString(), "--dest", DEST, src.toString());
            failures.forEach(System.err::println);
            return failures.isEmpty() ? 0 : 1;
        }
    }

    /** Runs one command line in this JVM; a wrong exit code is recorded with what the command printed. */
    private static void expect(List<String> failures, int exit, String... args) {
        StringWriter out = new StringWriter();
        int got = Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
        if (got != exit) {
            failures.add("training: " + String.join(" ", args) + " exited " + got + ", expected " + exit + "\n" + out);
        }
    }

    private Path writeClientKey() throws IOException, GeneralSecurityException {
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519", "BC").generateKeyPair();
        Path key = work.resolve("id_ed25519");
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(key)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "tlclb-training", null, out);
        }
        Files.writeString(work.resolve("authorized_keys"), PublicKeyEntry.toString(kp.getPublic()) + "\n");
        return key;
    }

    /** A small site: nested directories, text files, one larger binary file and a symlink. */
    private Path writeSourceTree() throws IOException {
        Path src = work.resolve("source");
        Random random = new Random(FILES);
        for (int i = 0; i < FILES; i++) {
            Path f = src.resolve("d" + (i % 4)).resolve("sub " + (i % 3)).resolve("page" + i + ".html");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "<p>page " + i + "</p>\n".repeat(1 + i));
        }
        byte[] large = new byte[LARGE_FILE_BYTES];
        random.nextBytes(large);
        Files.write(src.resolve("image.bin"), large);
        Files.createSymbolicLink(src.resolve("home.html"), Path.of("d0/sub 0/page0.html"));
        return src;
    }

    private Path writeConfig(int port, Path key, Path src) throws IOException {
        Path conf = work.resolve("sync.conf");
        Files.writeString(conf, String.join("\n",
                "Servers",
                "  Server training 127.0.0.1 direct port=" + port,
                "EndServers",
                "ContentDir " + src,
                "IdentityFile " + key,
                "KnownHosts " + work.resolve("known_hosts"),
                "HostKeyPolicy accept-new",
                "LogFile " + work.resolve("sync.log"),
                ""), StandardCharsets.UTF_8);
        return conf;
    }
}
