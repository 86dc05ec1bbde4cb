package org.tlclb.sync.ssh;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Runs OpenSSH's ssh-keygen for tests: the reference for formats and fingerprints. */
final class SshKeygen {
    private SshKeygen() {
    }

    static boolean available() {
        try {
            return run(List.of("ssh-keygen", "-?")).exit >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    static void assumeAvailable() {
        assumeTrue(available(), "ssh-keygen (OpenSSH) is not installed: the interoperability check needs it");
    }

    record Result(int exit, String out) {
    }

    static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timeout: " + cmd);
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Generates a key pair file (private at path, public at path.pub). */
    static Path generate(Path file, String type, String passphrase, String... extra) throws IOException {
        assumeAvailable();
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "test",
                "-f", file.toString()));
        cmd.addAll(List.of(extra));
        Result r = run(cmd);
        if (r.exit != 0) {
            throw new IOException("ssh-keygen failed: " + r.out);
        }
        return file;
    }

    static PublicKey publicKey(Path privateFile) throws Exception {
        String line = Files.readString(Path.of(privateFile + ".pub")).strip();
        return PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), null);
    }

    /** "type base64" of the .pub file, without the comment. */
    static String publicLine(Path privateFile) throws IOException {
        String[] f = Files.readString(Path.of(privateFile + ".pub")).strip().split(" ");
        return f[0] + " " + f[1];
    }
}
