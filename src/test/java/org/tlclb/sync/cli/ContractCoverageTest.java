package org.tlclb.sync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.it.Contract;
import org.tlclb.sync.it.Exercises;
import org.tlclb.sync.it.Launcher;
import org.tlclb.sync.report.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The contract suite covers the interface: every option each command offers (its picocli model,
 * hidden ones included, both forms of a negatable one) is exercised through the launcher by some
 * {@code *ContractIT} test's {@link Exercises}, and every exit code of {@link ExitCode} is produced
 * by one. ({@code ContractCoverage} checks, as those tests run, that each declaration held.) Writes
 * the table option -> tests and exit code -> tests to {@code target/contract-coverage.md}.
 */
class ContractCoverageTest {
    /** Command id (picocli name below tlclb, "tlclb" for the top) -> option key -> its names. */
    static final Map<String, Map<String, Set<String>>> MODEL = new TreeMap<>();
    /** Command id -> option key -> "Class.method" of the tests that exercise it. */
    static final Map<String, Map<String, Set<String>>> EXERCISED = new TreeMap<>();
    static final Map<Integer, Set<String>> EXITS = new TreeMap<>();
    static final List<String> UNKNOWN = new ArrayList<>();

    @BeforeAll
    static void collect() throws Exception {
        CommandLine top = Main.model("tlclb");
        List<CommandLine> todo = new ArrayList<>(List.of(top));
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(0);
            todo.addAll(c.getSubcommands().values());
            MODEL.put(id(c.getCommandSpec()), options(c));
        }
        for (Class<?> test : contractTests()) {
            String command = test.getAnnotation(Contract.class).value();
            assertThat(MODEL).as(test.getSimpleName() + " names command '" + command + "'").containsKey(command);
            for (Method m : test.getDeclaredMethods()) {
                Exercises ex = m.getAnnotation(Exercises.class);
                if (ex == null) {
                    continue;
                }
                String cmd = ex.command().isEmpty() ? command : ex.command();
                String where = test.getSimpleName() + "." + m.getName();
                for (String name : ex.value()) {
                    String key = keyOf(cmd, name);
                    if (key == null) {
                        UNKNOWN.add(where + ": '" + cmd + "' offers no " + name);
                    } else {
                        EXERCISED.computeIfAbsent(cmd, k -> new TreeMap<>())
                                .computeIfAbsent(key, k -> new TreeSet<>()).add(where);
                    }
                }
                for (int code : ex.exits()) {
                    EXITS.computeIfAbsent(code, k -> new TreeSet<>()).add(where + " (" + cmd + ")");
                }
            }
        }
        writeTable();
    }

    @Test
    void everyOptionOfEveryCommandIsExercisedThroughTheLauncher() {
        List<String> missing = new ArrayList<>();
        MODEL.forEach((cmd, options) -> options.keySet().forEach(key -> {
            if (!EXERCISED.getOrDefault(cmd, Map.of()).containsKey(key)) {
                missing.add(cmd + " " + key);
            }
        }));
        assertThat(missing).as("options no contract test exercises (see target/contract-coverage.md)").isEmpty();
    }

    @Test
    void everyExitCodeIsProducedThroughTheLauncher() {
        Set<Integer> codes = new TreeSet<>();
        for (ExitCode c : ExitCode.values()) {
            codes.add(c.code());
        }
        assertThat(EXITS.keySet()).as("exit codes the contract tests produce").isEqualTo(codes);
    }

    @Test
    void theDeclarationsNameOnlyOptionsTheCommandsOffer() {
        assertThat(UNKNOWN).isEmpty();
    }

    @Test
    void thereIsAContractClassPerCommand() throws Exception {
        Set<String> classes = new TreeSet<>();
        for (Class<?> c : contractTests()) {
            classes.add(c.getAnnotation(Contract.class).value());
        }
        assertThat(classes).contains("content-sync", "config-sync", "check", "rollback", "keys install", "node");
    }

    /** "tlclb" or the path below it: "check", "keys install". */
    static String id(CommandSpec spec) {
        String q = spec.qualifiedName(" ");
        return q.equals("tlclb") ? "tlclb" : q.substring("tlclb ".length());
    }

    /**
     * Option key -> names: an option is exercised by any of its names; a negatable one has a second
     * key for its negated form ("--no-delete"), which must be exercised too.
     */
    static Map<String, Set<String>> options(CommandLine c) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (OptionSpec o : c.getCommandSpec().options()) {
            out.put(String.join(", ", o.names()), new TreeSet<>(List.of(o.names())));
            if (o.negatable()) {
                String neg = c.getNegatableOptionTransformer().makeNegative(o.longestName(), c.getCommandSpec());
                out.put(neg, Set.of(neg));
            }
        }
        return out;
    }

    private static String keyOf(String command, String name) {
        Map<String, Set<String>> options = MODEL.get(command);
        if (options == null) {
            return null;
        }
        return options.entrySet().stream().filter(e -> e.getValue().contains(name)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /** The compiled {@code *ContractIT} classes beside this test (the failsafe tests are compiled with it). */
    static List<Class<?>> contractTests() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(ContractCoverageTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.endsWith("ContractIT.class")) {
                    Class<?> c = Class.forName(rel.replace('/', '.').replaceAll("\\.class$", ""));
                    if (c.isAnnotationPresent(Contract.class)) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    private static void writeTable() throws IOException {
        StringBuilder sb = new StringBuilder("# Contract coverage (generated by ContractCoverageTest)\n\n");
        sb.append("Each option and exit code, and the *ContractIT tests that prove it through scripts/.\n");
        MODEL.forEach((cmd, options) -> {
            sb.append("\n## ").append(cmd.equals("tlclb") ? "tlclb" : "tlclb " + cmd)
                    .append(cmd.equals("content-sync") ? " (tlclb_content_sync)" : "")
                    .append(cmd.equals("config-sync") ? " (tlclb_config_sync)" : "").append("\n\n");
            sb.append("| option | tests |\n|---|---|\n");
            Map<String, Set<String>> byOption = EXERCISED.getOrDefault(cmd, Map.of());
            options.keySet().forEach(key -> sb.append("| `").append(key).append("` | ")
                    .append(String.join(", ", byOption.getOrDefault(key, Set.of("**none**")))).append(" |\n"));
        });
        sb.append("\n## Exit codes\n\n| code | meaning | tests (command) |\n|---|---|---|\n");
        for (ExitCode c : ExitCode.values()) {
            sb.append("| ").append(c.code()).append(" | ").append(c.meaning()).append(" | ")
                    .append(String.join(", ", EXITS.getOrDefault(c.code(), Set.of("**none**")))).append(" |\n");
        }
        Path target = Launcher.repo().resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("contract-coverage.md"), sb.toString(), StandardCharsets.UTF_8);
    }
}
