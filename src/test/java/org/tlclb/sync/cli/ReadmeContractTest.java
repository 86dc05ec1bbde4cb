package org.tlclb.sync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.config.Limit;
import org.tlclb.sync.it.Launcher;
import org.tlclb.sync.report.ExitCode;
import org.tlclb.sync.report.HookResult;
import org.tlclb.sync.report.JsonReport;
import org.tlclb.sync.report.NodeResult;
import org.tlclb.sync.report.NodeStatus;
import org.tlclb.sync.report.RolloutStanding;
import org.tlclb.sync.report.RolloutSummary;
import org.tlclb.sync.report.RunMode;
import org.tlclb.sync.report.RunReport;
import org.tlclb.sync.report.RunStop;
import org.tlclb.sync.report.RunVerdict;
import org.tlclb.sync.scan.NotCarried;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * README.md says what the commands offer, and the code is the judge: the option tables against the
 * picocli model (an option offered but undocumented, or documented but not offered, fails), the
 * exit-code table against {@link ExitCode} (codes and words), the JSON example against what
 * {@link JsonReport} writes (every field, nothing more, and the values of status and outcome).
 */
class ReadmeContractTest {
    /** An option name in a table cell: -x, --long-name, or --[no-]name (both forms). */
    private static final Pattern NAME =
            Pattern.compile("(?<![\\w-])(--\\[no-\\][a-z][a-z-]*|--[a-z][a-z-]*|-[A-Za-z])(?![\\w-])");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    static String readme;

    @BeforeAll
    static void read() throws IOException {
        readme = Files.readString(Launcher.repo().resolve("README.md"), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ limits and defaults

    @Test
    void theLimitsTableIsTheCodesTableAndTheOptionRowsGiveTheSameRanges() {
        int start = readme.indexOf("### Limits and defaults");
        assertThat(start).as("README has a Limits and defaults section").isPositive();
        Map<String, List<String>> rows = new TreeMap<>();
        for (String line : readme.substring(start).split("\n")) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher m = Pattern.compile("^\\| `([A-Za-z]+)` \\|([^|]*)\\|([^|]*)\\|([^|]*)\\|$").matcher(line);
            if (m.matches()) {
                rows.put(m.group(1), List.of(m.group(2).strip(), m.group(3).strip(), m.group(4).strip()));
            }
        }
        Map<String, List<String>> expected = new TreeMap<>();
        for (Limit l : Limit.values()) {
            expected.put(l.keyword(), List.of(l.option() == null ? "" : "`" + l.option() + "`", l.range(),
                    l.hasDefault() ? String.valueOf(l.defaultValue()) : "none: the delete guard's own rule"));
        }
        assertThat(rows).isEqualTo(expected);
        for (Limit l : Limit.values()) {
            if (l.option() == null || l.max() == Integer.MAX_VALUE) {
                continue;
            }
            String longName = l.option().substring(l.option().lastIndexOf(' ') + 1);
            List<String> optionRows = Arrays.stream(readme.split("\n"))
                    .filter(r -> r.startsWith("| `") && r.contains(longName + " ")).toList();
            assertThat(optionRows).as("the options table's row of %s", longName).isNotEmpty()
                    .allSatisfy(r -> assertThat(r).contains(l.range()));
        }
    }

    // ------------------------------------------------------------------ options

    @Test
    void theSyncOptionTableIsExactlyWhatBothSyncCommandsOffer() {
        List<List<String>> rows = table("Options of `tlclb_content_sync` and `tlclb_config_sync`");
        Set<String> content = new TreeSet<>();
        Set<String> config = new TreeSet<>();
        for (List<String> row : rows) {
            Set<String> names = names(row.get(0));
            content.addAll(names);
            if (!row.get(1).startsWith("`tlclb_content_sync` only")) {
                config.addAll(names);
            }
        }
        assertThat(content).as("README options of tlclb_content_sync").isEqualTo(offered("tlclb_content_sync"));
        assertThat(config).as("README options of tlclb_config_sync").isEqualTo(offered("tlclb_config_sync"));
    }

    @Test
    void theHelperTableListsEveryOptionOfEachHelperAndNothingElse() {
        Map<String, String> commands = Map.of("`tlclb check [SOURCE]`", "tlclb check", "`tlclb rollback [RUN]`",
                "tlclb rollback", "`tlclb status`", "tlclb status", "`tlclb keys install`", "tlclb keys install", "`tlclb node`", "tlclb node",
                "`tlclb`, `tlclb keys`", "tlclb|tlclb keys");
        List<List<String>> rows = table("| command | options |");
        assertThat(rows.stream().map(r -> r.get(0)).toList()).containsExactlyInAnyOrderElementsOf(commands.keySet());
        for (List<String> row : rows) {
            Set<String> listed = names(row.get(1));
            for (String command : commands.get(row.get(0)).split("\\|")) {
                CommandLine c = command(command);
                Set<String> missing = new TreeSet<>();
                for (OptionSpec o : visible(c)) {
                    if (Arrays.stream(o.names()).noneMatch(listed::contains)) {
                        missing.add(o.longestName());
                    }
                }
                assertThat(missing).as("options of " + command + " the README does not list").isEmpty();
                assertThat(allNames(c)).as("options the README lists for " + command).containsAll(listed);
            }
        }
    }

    @Test
    void everyHelperOptionHasItsMeaningInATable() {
        Set<String> explained = new TreeSet<>();
        for (List<String> row : table("Options of `tlclb_content_sync` and `tlclb_config_sync`")) {
            explained.addAll(names(row.get(0)));
        }
        for (List<String> row : table("options only the helpers have")) {
            explained.addAll(names(row.get(0)));
        }
        for (String command : List.of("tlclb check", "tlclb rollback", "tlclb keys install", "tlclb node")) {
            assertThat(explained).as("options of " + command + " explained in the README")
                    .containsAll(offeredNames(command(command)));
        }
    }

    /** Every name of every visible option; a negatable one in both forms. */
    private static Set<String> offered(String prog) {
        return offeredNames(Main.model(prog));
    }

    private static Set<String> offeredNames(CommandLine c) {
        Set<String> out = new TreeSet<>();
        for (OptionSpec o : visible(c)) {
            out.addAll(List.of(o.names()));
            if (o.negatable()) {
                out.add(c.getNegatableOptionTransformer().makeNegative(o.longestName(), c.getCommandSpec()));
            }
        }
        return out;
    }

    /** Names a command parses, hidden ones included. */
    private static Set<String> allNames(CommandLine c) {
        Set<String> out = new TreeSet<>();
        for (OptionSpec o : c.getCommandSpec().options()) {
            out.addAll(List.of(o.names()));
            if (o.negatable()) {
                out.add(c.getNegatableOptionTransformer().makeNegative(o.longestName(), c.getCommandSpec()));
            }
        }
        return out;
    }

    /** The options --help shows (-e is hidden: it is only there to be refused with a hint). */
    private static List<OptionSpec> visible(CommandLine c) {
        return c.getCommandSpec().options().stream().filter(o -> !o.hidden()).toList();
    }

    private static CommandLine command(String qualified) {
        CommandLine c = Main.model("tlclb");
        for (String word : qualified.split(" ")) {
            if (!word.equals("tlclb")) {
                c = c.getSubcommands().get(word);
            }
        }
        return c;
    }

    /** Option names in the backticked parts of a cell, --[no-]x as --x and --no-x. */
    static Set<String> names(String cell) {
        Set<String> out = new TreeSet<>();
        Matcher code = CODE.matcher(cell);
        while (code.find()) {
            Matcher m = NAME.matcher(code.group(1));
            while (m.find()) {
                String n = m.group(1);
                if (n.startsWith("--[no-]")) {
                    out.add("--" + n.substring(7));
                    out.add("--no-" + n.substring(7));
                } else {
                    out.add(n);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ exit codes

    @Test
    void theExitCodeTableIsTheEnumWordForWord() {
        Map<Integer, String> documented = new TreeMap<>();
        for (List<String> row : table("| code | meaning |")) {
            documented.put(Integer.parseInt(row.get(0)), row.get(1));
        }
        Map<Integer, String> codes = new TreeMap<>();
        for (ExitCode c : ExitCode.values()) {
            codes.put(c.code(), c.meaning());
        }
        assertThat(documented).isEqualTo(codes);
    }

    // ------------------------------------------------------------------ JSON

    @Test
    void theJsonExampleHasExactlyTheFieldsTheReportWrites() throws IOException {
        JsonNode documented = new ObjectMapper().readTree(jsonBlock());
        assertThat(shape(documented)).isEqualTo(shape(written()));
    }

    @Test
    void theJsonExampleNamesEveryStatusAndOutcome() throws IOException {
        JsonNode documented = new ObjectMapper().readTree(jsonBlock());
        Set<String> statuses = new TreeSet<>();
        for (NodeStatus s : NodeStatus.values()) {
            statuses.add(s.label());
        }
        Set<String> outcomes = new TreeSet<>();
        for (RunVerdict.Outcome o : RunVerdict.Outcome.values()) {
            outcomes.add(o.name().toLowerCase(Locale.ROOT));
        }
        assertThat(new TreeSet<>(List.of(documented.get("nodes").get(0).get("status").asText().split("\\|"))))
                .isEqualTo(statuses);
        assertThat(new TreeSet<>(List.of(documented.get("outcome").asText().split("\\|")))).isEqualTo(outcomes);
    }

    private static String jsonBlock() {
        int section = readme.indexOf("## JSON report");
        int start = readme.indexOf("```json\n", section);
        assertThat(section).as("README has a JSON report section").isNotNegative();
        assertThat(start).as("with a ```json block").isPositive();
        return readme.substring(start + 8, readme.indexOf("```", start + 8));
    }

    /** A report with every optional part present (a hook, a note, an error, warnings). */
    private static JsonNode written() throws IOException {
        NodeResult n = new NodeResult("node1", NodeStatus.HOOK_FAILED, 1, 2, 3, 0, 100, 1.5, "e", List.of("w"),
                new HookResult("true", 1, "tail"), "sftp", "note", List.of(new NotCarried("/var/www/html/x", "why")),
                List.of("/var/www/html")).withRollout(new RolloutStanding(1, RolloutStanding.State.COMMITTED));
        RunReport r = new RunReport("20261125-084100-120-3fa2", "tlclb_content_sync", RunMode.PUSH,
                Instant.parse("2026-11-25T08:41:00Z"), Instant.parse("2026-11-25T08:41:07Z"), List.of("/var/www/html"),
                List.of(n), RunStop.NONE, List.of("w"), null, List.of(),
                new RolloutSummary(1, 4, null, List.of("batch 1 node1: drain ok")));
        StringWriter w = new StringWriter();
        JsonReport.write(r, RunVerdict.of(r), w);
        return new ObjectMapper().readTree(w.toString());
    }

    /** Field paths and their JSON types (null counts as any type: the example shows one case). */
    private static Map<String, String> shape(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        shape("", node, out);
        return out;
    }

    private static void shape(String path, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path + "/" + e.getKey();
                out.put(p, e.getValue().isNull() || e.getValue().isTextual() ? "text or null"
                        : e.getValue().getNodeType().name().toLowerCase(Locale.ROOT));
                shape(p, e.getValue(), out);
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            shape(path + "[]", node.get(0), out);
        }
    }

    // ------------------------------------------------------------------ tables

    /**
     * The rows (cells without their pipes) of the first Markdown table at or after the line that
     * contains {@code marker}; the header row and the separator are left out.
     */
    static List<List<String>> table(String marker) {
        int at = readme.indexOf(marker);
        assertThat(at).as("README contains '" + marker + "'").isNotNegative();
        List<String> lines = readme.substring(at).lines().toList();
        List<List<String>> rows = new ArrayList<>();
        boolean in = false;
        int seen = 0;
        for (String line : lines) {
            if (line.startsWith("|")) {
                in = true;
                if (++seen > 2) {
                    rows.add(cells(line));
                }
            } else if (in) {
                break;
            }
        }
        assertThat(rows).as("the table after '" + marker + "'").isNotEmpty();
        return rows;
    }

    /** Splits a table row at the pipes that are not escaped (\|) and not inside backticks. */
    static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean code = false;
        for (int i = 1; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '`') {
                code = !code;
            }
            if (ch == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (ch == '|' && !code) {
                out.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        return out;
    }

    @Test
    void theTableReaderSplitsCellsAndNames() {
        assertThat(cells("| `--json FILE\\|-` | a \\| b |")).containsExactly("`--json FILE|-`", "a | b");
        assertThat(names("`-c, --config FILE`, `--[no-]delete`, `--dest`")).containsExactlyInAnyOrder("-c",
                "--config", "--delete", "--no-delete", "--dest");
    }
}
