package org.tlclb.sync.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.tlclb.sync.config.ConfigException;
import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.report.ExitCode;
import org.tlclb.sync.report.RunLog;
import org.tlclb.sync.ssh.Prompter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The entry point of all three launchers; the only place that calls System.exit.
 * {@code scripts/tlclb_content_sync ARGS} runs {@code Main content-sync ARGS} with
 * {@code -Dtlclb.prog=tlclb_content_sync}: that command is then the top-level one, named as typed.
 */
public final class Main {
    private static final Map<String, String> SHORT_NAMES = Map.of(
            "tlclb_content_sync", "content-sync", "tlclb_config_sync", "config-sync");

    private Main() {
    }

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler(Main::haltOnError);
        int code;
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            code = run(args, new PrintWriter(System.out, true), err, CliContext.system());
        } catch (Throwable t) {
            // An Error escaping picocli (out of memory...): one line and exit 6, never the JVM's stack
            // trace and exit 1, which cron would read as "partial" (TLCLB_DEBUG=1 shows the trace).
            err.println(System.getProperty("tlclb.prog", "tlclb") + ": " + internalError(t));
            if (System.getenv("TLCLB_DEBUG") != null) {
                t.printStackTrace(err);
            }
            code = ExitCode.INTERNAL.code();
        } finally {
            RunLog.close(); // waits for a log rotation's compression
        }
        System.exit(code);
    }

    /** Runs a command line with the given output streams, state paths and terminal (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err, StatePaths paths,
                          Supplier<Prompter> terminal) {
        return run(args, out, err, new CliContext(paths, terminal, "tlclb"));
    }

    /** Runs a command line as {@code tlclb}, with this process's state paths and no terminal. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, StatePaths.current(), Prompter::none);
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, CliContext ctx) {
        String sub = SHORT_NAMES.get(ctx.prog());
        boolean standalone = sub != null && args.length > 0 && args[0].equals(sub);
        CommandLine cl = commandLine(ctx, standalone);
        String[] rest = standalone ? Arrays.copyOfRange(args, 1, args.length) : args;
        cl.setOut(out);
        cl.setErr(err);
        cl.setExpandAtFiles(false); // -w @FILE is ours: one server per line
        cl.setUsageHelpAutoWidth(true);
        cl.setExitCodeExceptionMapper(e -> e instanceof UsageError || e instanceof ConfigException
                ? ExitCode.USAGE.code() : ExitCode.INTERNAL.code());
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName(" ");
            c.getErr().println(name + ": " + unknownCommand(ex).orElse(ex.getMessage()));
            c.getErr().println("Try '" + name + " --help' for more information.");
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            String name = c.getCommandSpec().qualifiedName(" ");
            if (ex instanceof UsageError || ex instanceof ConfigException) {
                c.getErr().println(name + ": " + ex.getMessage());
                return ExitCode.USAGE.code();
            }
            c.getErr().println(name + ": " + internalError(ex));
            if (System.getenv("TLCLB_DEBUG") != null) {
                ex.printStackTrace(c.getErr());
            }
            return ExitCode.INTERNAL.code();
        });
        return cl.execute(rest);
    }

    /**
     * A word where a command with subcommands expects one of them ({@code tlclb statu}): named with
     * the commands there are, rather than picocli's "Unmatched argument at index 0". (Such commands
     * take no positional parameters, so any word they do not match is a command they lack.)
     */
    private static Optional<String> unknownCommand(CommandLine.ParameterException ex) {
        CommandLine c = ex.getCommandLine();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || c.getSubcommands().isEmpty()
                || u.getUnmatched().isEmpty() || u.getUnmatched().get(0).startsWith("-")) {
            return Optional.empty();
        }
        return Optional.of("no command '" + u.getUnmatched().get(0) + "'; the commands are "
                + String.join(", ", c.getSubcommands().keySet()));
    }

    /**
     * tlclb with its subcommands or, standalone, the sync command that the launcher named
     * {@code ctx.prog()} runs, under that name; every command with the exit-code table.
     */
    private static CommandLine commandLine(CliContext ctx, boolean standalone) {
        CommandLine.IFactory factory = factory(ctx);
        CommandLine cl;
        if (standalone) {
            Object command = create(factory, SHORT_NAMES.get(ctx.prog()).equals("content-sync")
                    ? ContentSyncCommand.class : ConfigSyncCommand.class);
            cl = new CommandLine(command, factory).setCommandName(ctx.prog());
        } else {
            cl = new CommandLine(new TlclbCommand(), factory);
        }
        exitCodeHelp(cl);
        return cl;
    }

    /**
     * The commands of launcher {@code prog} (tlclb, tlclb_content_sync or tlclb_config_sync) as it
     * runs them: names, options, exit codes. For the build step that generates the man pages and
     * the shell completion from them (src/build/java/org/tlclb/sync/build/CommandDocs.java).
     */
    public static CommandLine model(String prog) {
        return commandLine(new CliContext(StatePaths.current(), Prompter::none, prog), SHORT_NAMES.containsKey(prog));
    }

    /**
     * A thread of the run that dies of an Error (out of memory, most likely) leaves a task that
     * never completes and a run that would wait for it forever, holding its lock: the process ends
     * at once with exit 6 instead. Nothing was committed by the dead thread; what it staged is a
     * leftover the next run removes. Exceptions in other threads are theirs to report.
     */
    private static void haltOnError(Thread t, Throwable e) {
        if (!(e instanceof Error)) {
            e.printStackTrace();
            return;
        }
        try {
            System.err.println(System.getProperty("tlclb.prog", "tlclb") + ": " + internalError(e) + " (in thread "
                    + t.getName() + "; the run stopped there, leftovers are removed by the next run)");
            System.err.flush();
        } finally {
            Runtime.getRuntime().halt(ExitCode.INTERNAL.code());
        }
    }

    /** The one line an unexpected failure gets (exit 6); out of memory says how to give the JVM more. */
    static String internalError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return "internal error: out of memory (" + c.getMessage() + "); give the JVM more heap, e.g."
                        + " TLCLB_JAVA_OPTS=-Xmx2g (exit " + ExitCode.INTERNAL.code() + ")";
            }
        }
        return "internal error: " + (t.getMessage() != null ? t.getMessage() : t.toString()) + " (exit "
                + ExitCode.INTERNAL.code() + "; TLCLB_DEBUG=1 shows where)";
    }

    /** Every command's help ends with the exit-code table, from the one enum. */
    private static void exitCodeHelp(CommandLine cl) {
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            codes.put(String.valueOf(c.code()), c.meaning());
        }
        for (CommandLine c : all(cl)) {
            CommandSpec spec = c.getCommandSpec();
            spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        }
    }

    private static Iterable<CommandLine> all(CommandLine top) {
        List<CommandLine> out = new ArrayList<>();
        ArrayDeque<CommandLine> todo = new ArrayDeque<>();
        todo.add(top);
        while (!todo.isEmpty()) {
            CommandLine c = todo.poll();
            out.add(c);
            todo.addAll(c.getSubcommands().values());
        }
        return out;
    }

    /** Commands take the context in their constructor; everything else picocli makes itself. */
    private static CommandLine.IFactory factory(CliContext ctx) {
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                try {
                    Constructor<K> c = cls.getDeclaredConstructor(CliContext.class);
                    return c.newInstance(ctx);
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(cls);
                }
            }
        };
    }

    private static Object create(CommandLine.IFactory factory, Class<?> cls) {
        try {
            return factory.create(cls);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + cls.getSimpleName(), e);
        }
    }
}
