package org.tlclb.sync.build;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import org.tlclb.sync.cli.Main;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build step (not part of the product; run by the pom with Java's source launcher, the packaged jar
 * and picocli-codegen on the class path) that turns the picocli model of the commands into what the
 * Debian package installs:
 *
 * <ul>
 * <li>{@code generate OUTDIR}: AsciiDoc man page sources in OUTDIR/adoc, from picocli-codegen's
 *     ManPageGenerator (one file per command; src/man/*.adoc include their sections and add FILES,
 *     ENVIRONMENT and EXAMPLES, and asciidoctor renders them to troff), and bash completion scripts
 *     in OUTDIR/bash-completion, from picocli's AutoComplete.</li>
 * <li>{@code compress FILE|DIR...}: FILE.gz beside each FILE (each file of DIR not yet compressed), as {@code gzip -9n} writes it (maximum
 *     compression flagged, no name, no time stamp: reproducible, and what lintian expects).</li>
 * </ul>
 *
 * The model is the one the launchers run (org.tlclb.sync.cli.Main.model): the two sync commands
 * under the names users type ({@code tlclb_content_sync}, not {@code tlclb content-sync}), every
 * command with the exit-code table of org.tlclb.sync.report.ExitCode.
 */
public final class CommandDocs {
    /** The launchers: tlclb with every subcommand, and the two sync commands under their own names. */
    private static final List<String> LAUNCHERS = List.of("tlclb", "tlclb_content_sync", "tlclb_config_sync");
    private static final String EXIT_STATUS = "Exit status";
    private static final int GZIP_HEADER_FLAGS_MAX_COMPRESSION = 2;
    private static final int GZIP_OS_UNIX = 3;

    private CommandDocs() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("generate")) {
            generate(Path.of(args[1]));
        } else if (args.length >= 2 && args[0].equals("compress")) {
            for (int i = 1; i < args.length; i++) {
                for (Path f : filesOf(Path.of(args[i]))) {
                    gzip(f);
                }
            }
        } else {
            System.err.println("usage: CommandDocs generate OUTDIR | compress FILE|DIR...");
            System.exit(2);
        }
    }

    static void generate(Path out) throws Exception {
        Map<String, CommandLine> commands = new LinkedHashMap<>();
        for (String prog : LAUNCHERS) {
            CommandLine cl = Main.model(prog);
            manPageHeadings(cl.getCommandSpec());
            commands.put(prog, cl);
        }
        List<CommandSpec> specs = new ArrayList<>();
        commands.values().forEach(cl -> specs.add(cl.getCommandSpec()));
        File adoc = out.resolve("adoc").toFile();
        int rc = ManPageGenerator.generateManPage(adoc, null, new boolean[0], true, specs.toArray(new CommandSpec[0]));
        if (rc != 0) {
            throw new IllegalStateException("ManPageGenerator exited " + rc);
        }
        Path completion = out.resolve("bash-completion");
        Files.createDirectories(completion);
        for (Map.Entry<String, CommandLine> e : commands.entrySet()) {
            String script = AutoComplete.bash(e.getKey(), e.getValue());
            // Sourced by bash-completion, never run: no interpreter line.
            script = script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
            Files.writeString(completion.resolve(e.getKey()), script, StandardCharsets.UTF_8);
        }
    }

    /** The exit-code table under the heading man pages use (the help's is "Exit codes:"). */
    private static void manPageHeadings(CommandSpec spec) {
        if (!spec.usageMessage().exitCodeList().isEmpty()) {
            spec.usageMessage().exitCodeListHeading(EXIT_STATUS);
        }
        for (CommandLine sub : spec.subcommands().values()) {
            manPageHeadings(sub.getCommandSpec());
        }
    }

    /** The file itself, or the files of a directory that are not .gz already. */
    private static List<Path> filesOf(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return List.of(p);
        }
        try (var files = Files.list(p)) {
            return files.filter(f -> Files.isRegularFile(f) && !f.toString().endsWith(".gz")).sorted().toList();
        }
    }

    /** FILE -> FILE.gz in gzip's own format: header (no name, time 0, -9 flag), raw deflate, CRC, size. */
    static void gzip(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        CRC32 crc = new CRC32();
        crc.update(data);
        try (OutputStream out = Files.newOutputStream(file.resolveSibling(file.getFileName() + ".gz"))) {
            out.write(new byte[] {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0,
                    GZIP_HEADER_FLAGS_MAX_COMPRESSION, GZIP_OS_UNIX});
            byte[] buf = new byte[64 * 1024];
            while (!deflater.finished()) {
                int n = deflater.deflate(buf);
                out.write(buf, 0, n);
            }
            writeIntLe(out, (int) crc.getValue());
            writeIntLe(out, data.length);
        } finally {
            deflater.end();
        }
    }

    private static void writeIntLe(OutputStream out, int v) throws IOException {
        out.write(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }
}
