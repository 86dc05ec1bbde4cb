package org.tlclb.sync.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An unprivileged user made for one test (useradd, no home, /bin/sh) and removed again: a node
 * user who is not root, or a hostile local user. The name is unique per test JVM, so concurrent
 * test runs do not share it. The OpenSSH test nodes accept the cluster's key for any user.
 */
public final class NodeUser implements AutoCloseable {
    private final String name;

    private NodeUser(String name) {
        this.name = name;
    }

    public static NodeUser create() throws IOException, InterruptedException {
        String name = "tlclbt" + (ProcessHandle.current().pid() % 100000);
        run(List.of("userdel", name)); // a leftover of a killed run
        // "*": no password, but not a locked account ("!"), which sshd refuses even a key for.
        if (run(List.of("useradd", "-M", "-N", "-p", "*", "-s", "/bin/sh", name)) != 0) {
            throw new IOException("useradd " + name + " failed");
        }
        return new NodeUser(name);
    }

    public String name() {
        return name;
    }

    public int uid() throws IOException {
        return lookup("-u");
    }

    private int lookup(String flag) throws IOException {
        try {
            Process p = new ProcessBuilder("id", flag, name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return Integer.parseInt(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public int gid() throws IOException {
        return lookup("-g");
    }

    /** Makes the user own the path (not following a link). */
    public void chown(Path p) throws IOException {
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setOwner(users.lookupPrincipalByName(name));
    }

    /** The command line that runs {@code argv} as this user, keeping the environment. */
    public List<String> as(List<String> argv) throws IOException {
        List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=" + name,
                "--regid=" + gid(), "--clear-groups", "--"));
        out.addAll(argv);
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("userdel", name));
    }

    private static int run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
