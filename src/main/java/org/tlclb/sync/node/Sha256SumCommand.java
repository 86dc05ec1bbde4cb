package org.tlclb.sync.node;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import org.apache.sshd.server.command.AbstractFileSystemCommand;

/**
 * Emulates {@code cd 'ROOT' && xargs -0 -r sha256sum -z --}, the checksum command the client runs on
 * real nodes (coreutils), so the same client code works against the embedded node.
 * <p>
 * Output is byte-for-byte GNU's: {@code <64 hex>  <name>\0} per file (with -z names are not escaped);
 * a file that cannot be read gets {@code sha256sum: NAME: reason} on stderr and the run ends with
 * xargs' status 123 ("some invocation exited 1-125"), which is what a real node answers.
 */
final class Sha256SumCommand extends AbstractFileSystemCommand {
    /** xargs' exit status when the command it ran failed with 1-125, as GNU xargs documents. */
    static final int XARGS_CHILD_FAILED = 123;
    private static final String[] TAIL = {"&&", "xargs", "-0", "-r", "sha256sum", "-z", "--"};

    private final String root;

    private Sha256SumCommand(String command, String root) {
        super(command, null);
        this.root = root;
    }

    /** @return the command when {@code words} are exactly {@code cd ROOT && xargs -0 -r sha256sum -z --}, else null */
    static Sha256SumCommand parse(String command, List<String> words) {
        if (words == null || words.size() != 2 + TAIL.length || !words.get(0).equals("cd")) {
            return null;
        }
        for (int i = 0; i < TAIL.length; i++) {
            if (!TAIL[i].equals(words.get(2 + i))) {
                return null;
            }
        }
        return new Sha256SumCommand(command, words.get(1));
    }

    @Override
    public void run() {
        OutputStream err = getErrorStream();
        try (OutputStream out = new BufferedOutputStream(getOutputStream(), 64 * 1024)) {
            Path dir = fileSystem.getPath(root);
            if (!Files.isDirectory(dir)) {
                // What dash prints when the cd fails; xargs never starts.
                err.write(("sh: 1: cd: can't cd to " + root + "\n").getBytes(StandardCharsets.UTF_8));
                err.flush();
                onExit(2);
                return;
            }
            boolean failed = hashAll(dir, getInputStream(), out, err);
            out.flush();
            onExit(failed ? XARGS_CHILD_FAILED : 0);
        } catch (IOException | NoSuchAlgorithmException e) {
            onExit(1, e.getMessage());
        }
    }

    /** Reads NUL-terminated names until EOF (a last unterminated name counts too, as with xargs -0). */
    private static boolean hashAll(Path dir, InputStream in, OutputStream out, OutputStream err)
            throws IOException, NoSuchAlgorithmException {
        boolean failed = false;
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            for (int i = 0; i < n; i++) {
                if (buf[i] == 0) {
                    failed |= !hashOne(dir, name.toByteArray(), out, err);
                    name.reset();
                } else {
                    name.write(buf[i]);
                }
            }
        }
        if (name.size() > 0) {
            failed |= !hashOne(dir, name.toByteArray(), out, err);
        }
        return failed;
    }

    private static boolean hashOne(Path dir, byte[] rawName, OutputStream out, OutputStream err)
            throws IOException, NoSuchAlgorithmException {
        String name = new String(rawName, StandardCharsets.UTF_8);
        String problem;
        try {
            Path file = dir.resolve(name);
            if (Files.isDirectory(file)) {
                problem = "Is a directory";
            } else {
                byte[] digest = digest(file);
                out.write(hex(digest).getBytes(StandardCharsets.US_ASCII));
                out.write(' ');
                out.write(' ');
                out.write(rawName);
                out.write(0);
                return true;
            }
        } catch (NoSuchFileException e) {
            problem = "No such file or directory";
        } catch (AccessDeniedException e) {
            problem = "Permission denied";
        } catch (IOException | RuntimeException e) {
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        err.write(("sha256sum: " + name + ": " + problem + "\n").getBytes(StandardCharsets.UTF_8));
        err.flush();
        return false;
    }

    private static byte[] digest(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
            }
        }
        return sha.digest();
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return s.toString();
    }
}
