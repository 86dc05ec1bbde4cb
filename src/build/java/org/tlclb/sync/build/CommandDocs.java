package org.tlclb.sync.build;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

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
 * The two sync commands are documented and completed under the names users type
 * ({@code tlclb_content_sync}, not {@code tlclb content-sync}). A command whose model has no exit
 * code list gets the one of org.tlclb.sync.report.ExitCode, the product's only list.
 */
public final class CommandDocs {
    private static final String TOP = "org.tlclb.sync.cli.TlclbCommand";
    private static final String EXIT_CODES = "org.tlclb.sync.report.ExitCode";
    /** Subcommands that are also commands of their own: subcommand name -> launcher name. */
    private static final Map<String, String> LAUNCHERS = Map.of(
            "content-sync", "tlclb_content_sync",
            "config-sync", "tlclb_config_sync");
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
        CommandLine tlclb = topCommand();
        Map<String, CommandLine> commands = new LinkedHashMap<>();
        commands.put("tlclb", tlclb);
        for (Map.Entry<String, String> e : LAUNCHERS.entrySet()) {
            CommandLine sub = tlclb.getSubcommands().get(e.getKey());
            if (sub == null) {
                throw new IllegalStateException("tlclb has no subcommand " + e.getKey());
            }
            CommandLine standalone = new CommandLine(sub.getCommandSpec().userObject().getClass());
            standalone.getCommandSpec().name(e.getValue());
            commands.put(e.getValue(), standalone);
        }
        Map<String, String> exitCodes = exitCodeList();
        List<CommandSpec> specs = new ArrayList<>();
        for (CommandLine cl : commands.values()) {
            addExitCodes(cl.getCommandSpec(), exitCodes);
            specs.add(cl.getCommandSpec());
        }
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

    /**
     * tlclb with every subcommand. Until the subcommands are registered statically on the command
     * class, they are added by TlclbCommand.commandLine(args), which adds all of them for no args.
     */
    private static CommandLine topCommand() throws ReflectiveOperationException {
        Class<?> top = Class.forName(TOP);
        CommandLine cl = new CommandLine(top);
        if (cl.getSubcommands().isEmpty()) {
            Method m = top.getDeclaredMethod("commandLine", String[].class);
            m.setAccessible(true);
            cl = (CommandLine) m.invoke(null, (Object) new String[0]);
        }
        return cl;
    }

    private static Map<String, String> exitCodeList() throws ReflectiveOperationException {
        Class<?> type = Class.forName(EXIT_CODES);
        Method code = type.getMethod("code");
        Method meaning = type.getMethod("meaning");
        Map<String, String> list = new LinkedHashMap<>();
        for (Object c : type.getEnumConstants()) {
            list.put(String.valueOf(code.invoke(c)), (String) meaning.invoke(c));
        }
        return list;
    }

    private static void addExitCodes(CommandSpec spec, Map<String, String> codes) {
        if (spec.usageMessage().exitCodeList().isEmpty()) {
            spec.usageMessage().exitCodeListHeading("Exit status%n").exitCodeList(codes);
        }
        for (CommandLine sub : spec.subcommands().values()) {
            addExitCodes(sub.getCommandSpec(), codes);
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
