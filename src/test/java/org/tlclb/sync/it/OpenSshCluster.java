package org.tlclb.sync.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.time.Duration;

/**
 * A cluster of real OpenSSH {@code sshd} nodes on this machine, for integration tests (the Java
 * twin of {@code shared/lab/cluster.sh}).
 *
 * <p>Node i (1-based) listens on {@code 127.0.<subnet>.(10+i):22} inside its own mount namespace
 * ({@code unshare -m --propagation private}), where {@code /var/www/html}, {@code /etc/clusterserver}
 * and {@code /etc/tlclb} are bind mounts of {@code base/node<i>/{www,etc,lic}}. The subnet is never
 * 0 (the lab's), so a running lab cluster does not collide; a lock file per subnet under
 * {@code /tmp/tlclb-openssh-cluster.locks} keeps concurrent test JVMs (other worktrees) apart.
 *
 * <p>Every process of a node lives in that node's mount namespace, so a node is stopped by killing
 * every process in its namespace (listener, per-connection sshd processes, which call setsid and so
 * escape the listener's process group, and the commands they run) until none is left. The
 * namespace, and with it the bind mounts, disappears with its last process: nothing stays mounted.
 */
public final class OpenSshCluster implements AutoCloseable {

    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Path SFTP_SERVER = Path.of("/usr/lib/openssh/sftp-server");
    private static final Path LOCK_DIR = Path.of("/tmp/tlclb-openssh-cluster.locks");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    /** Clusters not closed yet: the shutdown hook closes them as a last resort. */
    private static final Set<OpenSshCluster> LIVE = Collections.synchronizedSet(new LinkedHashSet<>());

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<OpenSshCluster> left;
            synchronized (LIVE) {
                left = new ArrayList<>(LIVE);
            }
            for (OpenSshCluster c : left) {
                try {
                    c.close();
                } catch (RuntimeException ignored) {
                    // best effort at JVM exit
                }
            }
        }, "OpenSshCluster-cleanup"));
    }

    private final Path base;
    private final int subnet;
    private final Node[] nodes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String hostMountNs;
    private boolean closed;

    private static final class Node {
        final int index;
        final String ip;
        final Path dir;
        Process process;     // setsid -> unshare -> sh -> exec sshd: one pid, the listener
        String mountNs;      // "mnt:[...]" of the node, known once it accepted ssh
        int port = 22;
        String netns;        // network namespace file to run in (a node behind a jump host), or null
        Node jump;           // the node it is reachable through, or null

        Node(int index, String ip, Path dir) {
            this.index = index;
            this.ip = ip;
            this.dir = dir;
        }

        /** The ListenAddress value: host:port, an IPv6 address in brackets. */
        String listen() {
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
        }
    }

    /** Nodes added after the start (an IPv6 node, a pair behind a jump host...), numbered after the regular ones. */
    private final List<Node> extras = new ArrayList<>();
    /** The process holding the network namespace of the nodes behind the jump host, or null. */
    private Process netnsHolder;

    private OpenSshCluster(Path base, int subnet, int n, FileChannel lockChannel, FileLock lock) throws IOException {
        this.base = base;
        this.subnet = subnet;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.hostMountNs = mountNs(ProcessHandle.current().pid()).orElseThrow(
                () -> new IOException("cannot read /proc/self/ns/mnt"));
        this.nodes = new Node[n];
        for (int i = 1; i <= n; i++) {
            nodes[i - 1] = new Node(i, "127.0." + subnet + "." + (10 + i), base.resolve("node" + i));
        }
    }

    // ------------------------------------------------------------------ availability

    /**
     * Why this machine cannot run the cluster (not root, no sshd, no unshare, no sftp-server, mount
     * namespaces not permitted...), or empty when it can. When the environment variable {@code CI}
     * is {@code true} a missing prerequisite is an error, not a reason to skip: this method then
     * throws {@link IllegalStateException}, so a test written as
     * {@code assumeTrue(reason.isEmpty(), ...)} fails in CI instead of being skipped.
     */
    public static Optional<String> unavailableReason() {
        Optional<String> reason = probe();
        if (reason.isPresent() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and the OpenSSH cluster cannot run here: " + reason.get()
                    + " (CI must not skip these tests; see .ci/run)");
        }
        return reason;
    }

    /** Convenience for tests: skips (or, with CI=true, fails) when the cluster cannot run here. */
    public static void assumeAvailable() {
        Optional<String> reason = unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
    }

    private static Optional<String> probe() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("not Linux");
        }
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: -1");
            if (!uid.split("\\s+")[2].equals("0")) {
                return Optional.of("not root (effective uid " + uid.split("\\s+")[2] + ")");
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot read /proc/self/status: " + e);
        }
        if (!Files.isExecutable(SSHD)) {
            return Optional.of("no " + SSHD + " (apt-get install openssh-server)");
        }
        if (!Files.isExecutable(SFTP_SERVER)) {
            return Optional.of("no " + SFTP_SERVER + " (apt-get install openssh-server)");
        }
        for (String tool : List.of("unshare", "setsid", "mount", "ssh", "ssh-keygen")) {
            if (which(tool).isEmpty()) {
                return Optional.of("no " + tool + " on PATH");
            }
        }
        try {
            Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "true")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.of("cannot create a mount namespace (unshare -m): " + out);
            }
        } catch (IOException e) {
            return Optional.of("cannot run unshare: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
        return Optional.empty();
    }

    private static Optional<Path> which(String tool) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin:/usr/sbin:/sbin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Optional.of(Path.of(dir, tool));
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ start

    /** Starts n nodes on the first free subnet 127.0.S.x, S in 1..200. */
    public static OpenSshCluster start(Path base, int n) throws IOException, InterruptedException {
        return start(base, n, 0);
    }

    /**
     * Starts n nodes on 127.0.{@code subnet}.(10+i); {@code subnet} 0 means pick a free one in
     * 1..200 (nothing listening on :22 there and not locked by another fixture).
     */
    public static OpenSshCluster start(Path base, int n, int subnet) throws IOException, InterruptedException {
        if (n < 1 || n > 240) {
            throw new IllegalArgumentException("n must be 1..240: " + n);
        }
        probe().ifPresent(r -> {
            throw new IllegalStateException("OpenSSH cluster cannot run here: " + r);
        });
        base = base.toAbsolutePath().normalize();
        Files.createDirectories(base);
        Files.createDirectories(LOCK_DIR);
        OpenSshCluster cluster = null;
        int first = subnet == 0 ? 1 + (int) (ProcessHandle.current().pid() % 200) : subnet;
        for (int k = 0; k < (subnet == 0 ? 200 : 1) && cluster == null; k++) {
            int s = subnet == 0 ? 1 + (first - 1 + k) % 200 : subnet;
            FileChannel ch = FileChannel.open(LOCK_DIR.resolve("127.0." + s + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = null;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // this JVM already holds it
            }
            if (l == null || !subnetFree(s, n)) {
                if (l != null) {
                    l.release();
                }
                ch.close();
                if (subnet != 0) {
                    throw new IOException("subnet 127.0." + s + ".x is in use (port 22 taken or locked)");
                }
                continue;
            }
            cluster = new OpenSshCluster(base, s, n, ch, l);
        }
        if (cluster == null) {
            throw new IOException("no free subnet 127.0.1-200.x with nothing listening on :22");
        }
        LIVE.add(cluster);
        boolean ok = false;
        try {
            cluster.setup();
            for (Node node : cluster.nodes) {
                cluster.spawn(node);
            }
            for (Node node : cluster.nodes) {
                cluster.awaitReady(node);
            }
            ok = true;
            return cluster;
        } finally {
            if (!ok) {
                cluster.close();
            }
        }
    }

    private static boolean subnetFree(int s, int n) {
        for (int i = 1; i <= n; i++) {
            try (Socket sock = new Socket()) {
                sock.connect(new InetSocketAddress("127.0." + s + "." + (10 + i), 22), 300);
                return false; // someone listens there
            } catch (IOException refused) {
                // free
            }
        }
        return true;
    }

    private void setup() throws IOException, InterruptedException {
        for (String d : List.of("/run/sshd", "/var/www/html", "/etc/clusterserver", "/etc/tlclb")) {
            Files.createDirectories(Path.of(d)); // mount targets only; nothing is written into them
        }
        Path key = clientKey();
        if (!Files.exists(key)) {
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tlclb-it-client", "-f", key.toString()));
        }
        Path hostKey = base.resolve("host_ed25519");
        if (!Files.exists(hostKey)) {
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tlclb-it-host", "-f", hostKey.toString()));
        }
        Path authorized = base.resolve("authorized_keys");
        Files.copy(base.resolve("id_ed25519.pub"), authorized, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String[] hostPub = Files.readString(base.resolve("host_ed25519.pub")).trim().split("\\s+");
        StringBuilder kh = new StringBuilder();
        for (Node node : nodes) {
            kh.append(node.ip).append(' ').append(hostPub[0]).append(' ').append(hostPub[1]).append('\n');
            Files.createDirectories(node.dir.resolve("www"));
            Files.createDirectories(node.dir.resolve("etc"));
            Files.createDirectories(node.dir.resolve("lic"));
            Files.writeString(node.dir.resolve("sshd_config"), sshdConfig(hostKey));
        }
        Files.writeString(knownHosts(), kh.toString());
    }

    private String sshdConfig(Path hostKey) {
        return String.join("\n",
                "HostKey " + hostKey,
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                // root's key file in the (private) base; other users' in a directory they can read
                "AuthorizedKeysFile " + base.resolve("authorized_keys") + " " + userKeys().resolve("%u"),
                "StrictModes no",
                "Subsystem sftp " + SFTP_SERVER,
                "MaxStartups 200:30:400",
                "MaxSessions 50",
                // bash sources ~/.bashrc for a command run by sshd at shell level 1; on a
                // machine whose root .bashrc starts pyenv, a rehash lock left by a node killed
                // mid-test made every later shell wait 60 s. Level 2: the rc files stay out.
                "SetEnv SHLVL=1",
                "LogLevel ERROR",
                "PidFile none",
                "");
    }

    private void spawn(Node node) throws IOException {
        // Mount targets again: a test elsewhere on this machine may have removed one since the cluster started.
        for (String d : List.of("/var/www/html", "/etc/clusterserver", "/etc/tlclb")) {
            Files.createDirectories(Path.of(d));
        }
        String script = "mount --bind " + q(node.dir.resolve("www")) + " /var/www/html"
                + " && mount --bind " + q(node.dir.resolve("etc")) + " /etc/clusterserver"
                + " && mount --bind " + q(node.dir.resolve("lic")) + " /etc/tlclb"
                + " && exec " + SSHD + " -D -e -f " + q(node.dir.resolve("sshd_config"))
                + " -o ListenAddress=" + node.listen();
        List<String> argv = new ArrayList<>(List.of("setsid"));
        if (node.netns != null) {
            argv.addAll(List.of("nsenter", "--net=" + node.netns));
        }
        argv.addAll(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script));
        // setsid: the listener leads its own session and process group, detached from the JVM's.
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(node.dir.resolve("log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        node.mountNs = null;
        node.process = pb.start();
    }

    private void awaitReady(Node node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!node.process.isAlive()) {
                throw new IOException("node " + node.index + " (" + node.ip + ") exited with "
                        + node.process.exitValue() + ": " + log(node));
            }
            Process p = new ProcessBuilder(sshCommand(node.index, "true")).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                Optional<String> ns = mountNs(node.process.pid());
                if (ns.isEmpty() || ns.get().equals(hostMountNs)) {
                    throw new IOException("node " + node.index + " is not in its own mount namespace");
                }
                node.mountNs = ns.get();
                return;
            }
            p.destroyForcibly();
            last = out;
            Thread.sleep(100);
        }
        throw new IOException("node " + node.index + " (" + node.ip + ") did not accept ssh within "
                + READY_TIMEOUT.toSeconds() + " s: " + last + "; log: " + log(node));
    }

    private String log(Node node) {
        try {
            return Files.readString(node.dir.resolve("log")).trim();
        } catch (IOException e) {
            return "(no log)";
        }
    }

    // ------------------------------------------------------------------ extra nodes

    /** The port of the IPv6 node: unique per subnet, and the subnet is this cluster's alone. */
    private static final int IPV6_PORT_BASE = 22000;
    /** The network 10.201.S.0/30 links this machine (.1) with the jump host's namespace (.2). */
    private static final String VETH_NET = "10.201.";

    /**
     * Adds a node like the others (127.0.S.x, port 22) but with its own ed25519 host key, for tests that
     * certify a host key or must tell nodes apart by key. Returns its index (after the regular nodes).
     */
    public synchronized int addNode() throws IOException, InterruptedException {
        return addExtra(null, 22, null, null);
    }

    /**
     * Adds a node whose sshd has no SFTP subsystem (SCP only, like an old or stripped-down node);
     * returns its index.
     */
    public synchronized int addNodeWithoutSftp() throws IOException, InterruptedException {
        return addExtra(null, 22, null, null, false);
    }

    /**
     * Adds a node whose sshd runs {@code command} as its SFTP subsystem (it accepts the subsystem: {@code /bin/false}
     * is a broken sftp-server, not a node without SFTP); returns its index.
     */
    public synchronized int addNodeWithSftpServer(String command) throws IOException, InterruptedException {
        return addExtra(null, 22, null, null, true, command);
    }

    /** Adds a node listening on {@code [::1]:port} (port {@value #IPV6_PORT_BASE} + subnet); returns its index. */
    public synchronized int addIpv6Node() throws IOException, InterruptedException {
        return addExtra("::1", IPV6_PORT_BASE + subnet, null, null);
    }

    /**
     * Adds two nodes in a network namespace of their own: a jump host, reachable from here at 10.201.S.2 over a
     * veth pair, and behind it a node at 127.0.S.250 that only the jump host can reach (from this machine that
     * address refuses connections: nothing listens on it here). Returns the hidden node's index; the jump host's
     * is one less.
     */
    public synchronized int addNodeBehindJumpHost() throws IOException, InterruptedException {
        if (netnsHolder != null) {
            throw new IllegalStateException("one jump pair per cluster");
        }
        netnsHolder = new ProcessBuilder("unshare", "-n", "sleep", "infinity")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).start();
        String ns = "/proc/" + netnsHolder.pid() + "/ns/net";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Files.readSymbolicLink(Path.of(ns)).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("unshare -n did not create a network namespace");
            }
            Thread.sleep(10);
        }
        String host = "tlj" + subnet;
        String peer = "tlh" + subnet;
        String net = VETH_NET + subnet + ".";
        List<String> in = List.of("nsenter", "--net=" + ns);
        run(List.of("ip", "link", "add", host, "type", "veth", "peer", "name", peer, "netns",
                Long.toString(netnsHolder.pid())));
        run(List.of("ip", "addr", "add", net + "1/30", "dev", host));
        run(List.of("ip", "link", "set", host, "up"));
        for (List<String> c : List.of(List.of("ip", "link", "set", "lo", "up"),
                List.of("ip", "addr", "add", net + "2/30", "dev", peer), List.of("ip", "link", "set", peer, "up"))) {
            List<String> cmd = new ArrayList<>(in);
            cmd.addAll(c);
            run(cmd);
        }
        int jump = addExtra(net + "2", 22, ns, null);
        return addExtra("127.0." + subnet + ".250", 22, ns, node(jump));
    }

    private int addExtra(String ip, int port, String netns, Node via) throws IOException, InterruptedException {
        return addExtra(ip, port, netns, via, true);
    }

    private int addExtra(String ip, int port, String netns, Node via, boolean sftp)
            throws IOException, InterruptedException {
        return addExtra(ip, port, netns, via, sftp, null);
    }

    private int addExtra(String ip, int port, String netns, Node via, boolean sftp, String sftpServer)
            throws IOException, InterruptedException {
        int index;
        Node node;
        synchronized (extras) {
            index = nodes.length + extras.size() + 1;
            node = new Node(index, ip != null ? ip : "127.0." + subnet + "." + (10 + index), base.resolve("node" + index));
            node.port = port;
            node.netns = netns;
            node.jump = via;
            extras.add(node);
        }
        for (String d : List.of("www", "etc", "lic")) {
            Files.createDirectories(node.dir.resolve(d));
        }
        Path hostKey = hostKey(index);
        if (!Files.exists(hostKey)) {
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tlclb-it-host" + index, "-f",
                    hostKey.toString()));
        }
        String config = sshdConfig(hostKey);
        if (!sftp) {
            config = config.replaceAll("(?m)^Subsystem sftp .*\n", "");
        } else if (sftpServer != null) {
            config = config.replaceAll("(?m)^Subsystem sftp .*\n", "Subsystem sftp " + sftpServer + "\n");
        }
        Files.writeString(node.dir.resolve("sshd_config"), config);
        String name = port == 22 ? node.ip : "[" + node.ip + "]:" + port;
        Files.writeString(knownHosts(), name + " " + hostKeyLine(index) + "\n", StandardOpenOption.APPEND);
        spawn(node);
        awaitReady(node);
        return index;
    }

    /** Node i's private host key (the regular nodes share one). */
    public Path hostKey(int i) {
        return i <= nodes.length ? base.resolve("host_ed25519") : node(i).dir.resolve("host_ed25519");
    }

    /** "type base64" of node i's host key, as in known_hosts. */
    public String hostKeyLine(int i) throws IOException {
        String[] pub = Files.readString(Path.of(hostKey(i) + ".pub")).trim().split("\\s+");
        return pub[0] + " " + pub[1];
    }

    public int port(int i) {
        return node(i).port;
    }

    /** Restarts node i presenting {@code cert} (an OpenSSH host certificate of its host key) as well as the key. */
    public synchronized void useHostCertificate(int i, Path cert) throws IOException {
        Node node = node(i);
        Files.writeString(node.dir.resolve("sshd_config"), sshdConfig(hostKey(i)) + "HostCertificate " + cert + "\n");
        stop(i);
        start(i);
    }

    // ------------------------------------------------------------------ accessors

    public int size() {
        return nodes.length;
    }

    public int subnet() {
        return subnet;
    }

    public Path base() {
        return base;
    }

    public String address(int i) {
        return node(i).ip;
    }

    public Path www(int i) {
        return node(i).dir.resolve("www");
    }

    public Path etc(int i) {
        return node(i).dir.resolve("etc");
    }

    public Path lic(int i) {
        return node(i).dir.resolve("lic");
    }

    public Path clientKey() {
        return base.resolve("id_ed25519");
    }

    public Path knownHosts() {
        return base.resolve("known_hosts");
    }

    /**
     * An OpenSSH client command line that runs {@code remoteCommand} as root on node i with the
     * fixture's key and known_hosts, never prompting (no user ssh config is read).
     */
    public List<String> sshCommand(int i, String... remoteCommand) {
        Node node = node(i);
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-i", clientKey().toString(),
                "-o", "UserKnownHostsFile=" + knownHosts(), "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
                "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "-p", Integer.toString(node.port)));
        if (node.jump != null) {
            // ProxyJump's inner ssh would not get these options: the same command, -W, as a ProxyCommand.
            List<String> hop = sshCommand(node.jump.index);
            hop.add(hop.size() - 1, "-W");
            hop.add(hop.size() - 1, "%h:%p");
            cmd.addAll(List.of("-o", "ProxyCommand=" + String.join(" ", hop)));
        }
        cmd.add("root@" + address(i));
        cmd.addAll(List.of(remoteCommand));
        return cmd;
    }

    private Node node(int i) {
        if (i >= 1 && i <= nodes.length) {
            return nodes[i - 1];
        }
        synchronized (extras) {
            if (i > nodes.length && i <= nodes.length + extras.size()) {
                return extras.get(i - nodes.length - 1);
            }
        }
        throw new IndexOutOfBoundsException("node " + i + " of " + nodes.length + " + " + extras.size() + " extra");
    }

    // ------------------------------------------------------------------ processes

    /**
     * Pids of node i's sshd processes: the listener first, then the per-connection sshd
     * processes. Empty when the node is stopped.
     */
    public List<Long> pids(int i) {
        Node node = node(i);
        List<Long> out = new ArrayList<>();
        synchronized (this) {
            if (node.process != null && node.process.isAlive()) {
                out.add(node.process.pid());
            }
        }
        for (long pid : namespacePids(node)) {
            if (!out.contains(pid) && comm(pid).startsWith("sshd")) {
                out.add(pid);
            }
        }
        return out;
    }

    /** Every live process of node i (sshd and whatever its sessions run), the listener first. */
    public List<Long> allPids(int i) {
        Node node = node(i);
        List<Long> out = new ArrayList<>();
        synchronized (this) {
            if (node.process != null && node.process.isAlive()) {
                out.add(node.process.pid());
            }
        }
        for (long pid : namespacePids(node)) {
            if (!out.contains(pid)) {
                out.add(pid);
            }
        }
        return out;
    }

    /** Kills node i and every process it started (all its sessions); it then refuses connections. */
    public synchronized void stop(int i) {
        Node node = node(i);
        killNode(node);
    }

    /** Starts node i again (after {@link #stop}) and waits until it accepts ssh. */
    public synchronized void start(int i) {
        if (closed) {
            throw new IllegalStateException("cluster closed");
        }
        Node node = node(i);
        if (node.process != null && node.process.isAlive()) {
            return;
        }
        try {
            spawn(node);
            awaitReady(node);
        } catch (IOException e) {
            killNode(node);
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            killNode(node);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting node " + i, e);
        }
    }

    /** Where the nodes look for a non-root user's authorized keys (one file per user name). */
    private Path userKeys() {
        return Path.of("/tmp/tlclb-it-keys." + subnet);
    }

    /** Lets {@code user} (an account of this machine) log in to every node with the cluster's key. */
    public void authorize(String user) throws IOException {
        Path dir = userKeys();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = dir.resolve(user);
        Files.copy(base.resolve("id_ed25519.pub"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Kills every process the cluster started; the nodes' mount namespaces (and mounts) go with them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (var keys = Files.list(userKeys())) {
            for (Path k : keys.toList()) {
                Files.deleteIfExists(k);
            }
            Files.deleteIfExists(userKeys());
        } catch (IOException ignored) {
            // none were authorized
        }
        RuntimeException failure = null;
        try {
            List<Node> all = new ArrayList<>(List.of(nodes));
            synchronized (extras) {
                all.addAll(extras);
            }
            for (Node node : all) {
                try {
                    killNode(node); // every node, even when killing an earlier one failed
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (netnsHolder != null) {
                netnsHolder.destroyForcibly(); // the namespace and its veth go with its last process
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel or the JVM anyway
            }
            LIVE.remove(this);
        }
    }

    private void killNode(Node node) {
        Process p = node.process;
        if (p == null) {
            return;
        }
        // Capture the namespace before the listener dies (it may not be known yet when start failed).
        if (node.mountNs == null) {
            mountNs(p.pid()).filter(ns -> !ns.equals(hostMountNs)).ifPresent(ns -> node.mountNs = ns);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            // Descendants first by parentage (covers a start that failed before unshare ran), then
            // everything left in the node's namespace (sessions re-parented after the listener died).
            Set<Long> victims = new LinkedHashSet<>();
            if (p.isAlive()) {
                victims.add(p.pid());
                p.descendants().forEach(h -> victims.add(h.pid()));
            }
            victims.addAll(namespacePids(node));
            if (victims.isEmpty()) {
                break;
            }
            for (long pid : victims) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + node.index + ": processes survive SIGKILL: " + victims);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.process = null;
        node.mountNs = null;
    }

    /** Live (non-zombie) processes in node's mount namespace; never the host's namespace. */
    private List<Long> namespacePids(Node node) {
        String ns = node.mountNs;
        if (ns == null || ns.equals(hostMountNs)) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(pp -> pp.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .filter(pid -> ns.equals(mountNs(pid).orElse(null)))
                    .filter(OpenSshCluster::isLive)
                    .sorted()
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** True when pid exists and is not a zombie. */
    public static boolean isLive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = stat.lastIndexOf(')');
            char state = stat.charAt(close + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Optional<String> mountNs(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** Single-quotes a path for sh. */
    private static String q(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    @Override
    public String toString() {
        return "OpenSshCluster[127.0." + subnet + ".11-" + (10 + nodes.length) + ", base " + base + "]";
    }
}
