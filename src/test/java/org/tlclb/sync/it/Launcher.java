package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs the product's launchers ({@code scripts/tlclb_content_sync}, {@code scripts/tlclb_config_sync},
 * {@code scripts/tlclb}) as a user runs them: a child process with a cron-like environment (PATH
 * only, no LANG), the packaged jar ({@code target/tlclb-sync.jar}, built before the
 * integration-test phase), and a fresh state directory standing in for the machine's: its own
 * home ({@code TLCLB_HOME}, so {@code ~/.ssh} is {@code state/home/.ssh}), lock directory, log
 * file, default sync.conf path (absent unless a test writes it) and {@code /etc/ssh}. Nothing the
 * launcher runs writes the machine's {@code /var/log}, {@code /run}, {@code /etc} or {@code ~/.ssh}.
 *
 * <p>Longer than most classes: each way a user starts the launcher (from cron, at a terminal, with
 * stdout piped, answering questions, in the background, in a mount namespace, as another user) is
 * one method here, and they share the environment and the recording of what ran.
 */
public final class Launcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path state;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(120);
    private byte[] stdin = new byte[0];
    private Path workDir;
    private List<String> prefix = List.of();
    private final Map<Path, String> mounts = new LinkedHashMap<>();

    private Launcher(Path state) {
        this.state = state;
        try {
            Files.createDirectories(home().resolve(".ssh"));
            Files.createDirectories(sshEtc());
            Files.createDirectories(state.resolve("log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("TLCLB_HOME", home().toString());
        env.put("TLCLB_LOCK_DIR", lockDir().toString());
        env.put("TLCLB_LOG_FILE", logFile().toString());
        env.put("TLCLB_CONFIG", defaultConfig().toString());
        env.put("TLCLB_SSH_ETC", sshEtc().toString());
        env.put("TLCLB_STATE_DIR", stateDir().toString());
        workDir = state;
    }

    /** A launcher whose machine state lives under {@code state} (created if missing). */
    public static Launcher in(Path state) {
        return new Launcher(state.toAbsolutePath());
    }

    /** The repository (Maven's basedir): its {@code scripts/} and {@code target/} are the ones run. */
    public static Path repo() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    public static Path script(String name) {
        return repo().resolve("scripts").resolve(name);
    }

    public Path state() {
        return state;
    }

    public Path home() {
        return state.resolve("home");
    }

    public Path lockDir() {
        return state.resolve("run/tlclb");
    }

    /** The cluster's recorded state ({@code TLCLB_STATE_DIR}). */
    public Path stateDir() {
        return state.resolve("var/lib/tlclb");
    }

    public Path logFile() {
        return state.resolve("log/sync.log");
    }

    /** The sync.conf read when no -c is given ({@code TLCLB_CONFIG}); absent until a test writes it. */
    public Path defaultConfig() {
        return state.resolve("etc/clusterserver/sync.conf");
    }

    public Path sshEtc() {
        return state.resolve("etc/ssh");
    }

    /** Sets (or, with null, removes) one environment variable of the child. */
    public Launcher env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    public Launcher stdin(String text) {
        this.stdin = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    public Launcher timeout(Duration t) {
        this.timeout = t;
        return this;
    }

    public Launcher workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    /**
     * Runs every later command in a mount namespace of its own where {@code dir} is bind-mounted on
     * {@code at} (e.g. a test's config tree on /etc/clusterserver, which config sync pushes from):
     * the machine's own directory is never touched.
     */
    public Launcher mounting(Path dir, String at) {
        mounts.put(dir.toAbsolutePath(), at);
        return this;
    }

    /**
     * Runs every later command as {@code user} (setpriv, environment kept), and gives the user its
     * state directory.
     */
    public Launcher as(NodeUser user) throws IOException {
        try (var all = Files.walk(state)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                user.chown(p);
            }
        }
        this.prefix = user.as(List.of());
        return this;
    }

    /** Runs {@code scripts/<script> args...} without a terminal (as cron does). */
    public Result run(String script, String... args) {
        requireJar();
        List<String> argv = new ArrayList<>(prefix);
        argv.add(script(script).toString());
        argv.addAll(List.of(args));
        return recorded(script, args, exec(argv));
    }

    /**
     * Runs the launcher on a pseudo-terminal (util-linux {@code script}), typing {@code input}:
     * the questions a person would answer. Stdout and stderr both go to the terminal, so they
     * come back together in {@link Result#out()}.
     */
    public Result runOnTerminal(String input, String script, String... args) {
        return runOnTerminal(Tty.ALL, input, script, args);
    }

    /**
     * Where the launcher's standard streams go when it runs on a terminal: all of them to the
     * terminal, or stdout into a pipe ({@code | cat >FILE}, as {@code | tee log} does), or stderr
     * into a file ({@code 2>FILE}). {@code /dev/tty} is the terminal in every case.
     */
    public record Tty(Path stdoutPipedTo, Path stderrTo) {
        public static final Tty ALL = new Tty(null, null);

        public static Tty stdoutPipedTo(Path file) {
            return new Tty(file, null);
        }

        public static Tty stderrTo(Path file) {
            return new Tty(null, file);
        }
    }

    /**
     * Runs the launcher on a pseudo-terminal (util-linux {@code script}) as {@link #runOnTerminal(String,
     * String, String...)} does, with stdout or stderr sent elsewhere as {@code tty} says. With stdout
     * piped, the exit code is the launcher's (not the pipe's last command's).
     */
    public Result runOnTerminal(Tty tty, String input, String script, String... args) {
        requireJar();
        StringBuilder cmd = new StringBuilder(shellLine(script, args));
        if (tty.stderrTo() != null) {
            cmd.append(" 2>").append(quote(tty.stderrTo().toString()));
        }
        Path rc = state.resolve("terminal.rc");
        String line = cmd.toString();
        if (tty.stdoutPipedTo() != null) {
            line = "{ " + line + "; echo $? >" + quote(rc.toString()) + "; } | cat >"
                    + quote(tty.stdoutPipedTo().toString());
        }
        stdin(input);
        Result r = exec(List.of("script", "-q", "-e", "-c", line, "/dev/null"));
        if (tty.stdoutPipedTo() != null) {
            try {
                r = new Result(Integer.parseInt(Files.readString(rc).trim()), r.out(), r.err());
                Files.delete(rc);
            } catch (IOException | NumberFormatException e) {
                throw new AssertionError("the launcher's exit code was not recorded: " + e + "\n" + r.describe());
            }
        }
        return recorded(script, args, r);
    }

    /** The launcher's command line for {@code script -c}: the prefix, the script, its arguments, each quoted. */
    private String shellLine(String script, String... args) {
        List<String> argv = new ArrayList<>(prefix);
        argv.add(script(script).toString());
        argv.addAll(List.of(args));
        StringBuilder cmd = new StringBuilder();
        for (String a : argv) {
            cmd.append(cmd.length() == 0 ? "" : " ").append(quote(a));
        }
        return cmd.toString();
    }

    /** command, inside the mounts when there are any (unshare execs sh, which execs command: one pid). */
    private List<String> inNamespace(List<String> command) {
        if (mounts.isEmpty()) {
            return command;
        }
        StringBuilder sh = new StringBuilder();
        mounts.forEach((dir, at) -> sh.append("mount --bind ").append(quote(dir.toString())).append(' ')
                .append(quote(at)).append(" && "));
        sh.append("exec \"$0\" \"$@\"");
        List<String> argv = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                sh.toString()));
        argv.addAll(command);
        return argv;
    }

    private Result exec(List<String> command) {
        List<String> argv = inNamespace(command);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException ignored) {
                // the child did not read its input
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + argv + "\n--- out\n"
                        + text(out.getNow(new byte[0])) + "\n--- err\n" + text(err.getNow(new byte[0])));
            }
            return new Result(p.exitValue(), text(out.join()), text(err.join()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Runs the launcher on a pseudo-terminal and answers its questions as a person would: each
     * reply is typed only once its prompt has appeared (so a question that turns echo off is
     * answered after it did, and what is typed then never shows in the transcript).
     *
     * @param dialog prompt, reply, prompt, reply...
     */
    public Result converse(List<String> dialog, String script, String... args)
            throws IOException, InterruptedException {
        requireJar();
        ProcessBuilder pb = new ProcessBuilder(inNamespace(List.of("script", "-q", "-e", "-c",
                shellLine(script, args), "/dev/null")))
                .directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        StringBuffer seen = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (InputStream in = p.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    seen.append(text(Arrays.copyOf(buf, n)));
                }
            } catch (IOException ignored) {
                // the terminal closed
            }
        }, "terminal-reader");
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = 0;
        try (OutputStream keyboard = p.getOutputStream()) {
            for (int i = 0; i + 1 < dialog.size(); i += 2) {
                int at;
                while ((at = seen.indexOf(dialog.get(i), from)) < 0) {
                    if (System.nanoTime() > deadline || !p.isAlive()) {
                        p.destroyForcibly();
                        throw new AssertionError("never asked '" + dialog.get(i) + "':\n" + seen);
                    }
                    Thread.sleep(10);
                }
                from = at + dialog.get(i).length();
                keyboard.write((dialog.get(i + 1) + "\n").getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
            }
        }
        if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + script + " " + List.of(args) + "\n" + seen);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return recorded(script, args, new Result(p.exitValue(), seen.toString(), ""));
    }

    /**
     * Starts the launcher without a terminal and without waiting, for tests that signal it or run
     * another command meanwhile; {@link RunningLauncher#await()} collects its result (and records it).
     */
    public RunningLauncher spawn(String script, String... args) throws IOException {
        Process p = start(script, args);
        p.getOutputStream().close();
        return new RunningLauncher(script, args, p, timeout);
    }

    /**
     * Starts the launcher without waiting (for tests that signal or race it); the caller ends it.
     * It starts as a shell at a terminal starts a command: SIGINT and SIGQUIT at their defaults even
     * when the test JVM inherited them ignored (as every background job of a non-interactive shell
     * does: {@code mvn verify &} in a script), so that a test's Ctrl-C ({@code kill -INT}) reaches
     * the run. The process is the launcher's, which execs java.
     */
    public Process start(String script, String... args) throws IOException {
        requireJar();
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of("env", "--default-signal=INT,QUIT"));
        argv.add(script(script).toString());
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(inNamespace(argv)).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void requireJar() {
        Path jar = repo().resolve("target/tlclb-sync.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: launcher tests run in 'mvn verify', after the jar is packaged");
        }
    }

    /** Notes the run for {@link ContractCoverage}; returns it. */
    static Result recorded(String script, String[] args, Result r) {
        LauncherRuns.add(LauncherRuns.Invocation.of(script, args, r.exit()));
        return r;
    }

    /** What a launcher run left: exit code, stdout, stderr. */
    public record Result(int exit, String out, String err) {
        /** Asserts the exit code, showing everything the run printed when it differs. */
        public Result exits(int expected) {
            assertThat(exit).as(describe()).isEqualTo(expected);
            return this;
        }

        /** Stdout parsed as one JSON document (fails when anything else is on stdout). */
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not one JSON document: " + e.getMessage() + "\n" + describe());
            }
        }

        public String describe() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }
}
