package org.tlclb.sync.cli;

import java.io.PrintWriter;

import org.tlclb.sync.report.ExitCode;
import picocli.CommandLine;

/**
 * The entry point of all three launchers; the only place that calls System.exit.
 * {@code scripts/tlclb_content_sync} runs {@code Main content-sync ARGS}, and so on.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given output streams; tests call this. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = TlclbCommand.commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> e instanceof UsageError ? ExitCode.USAGE.code() : ExitCode.NOTHING_CHANGED.code());
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandName() + ": " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandName() + " --help' for more information.");
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            String name = c.getCommandSpec().qualifiedName(" ");
            if (ex instanceof UsageError) {
                c.getErr().println(name + ": " + ex.getMessage());
                return ExitCode.USAGE.code();
            }
            c.getErr().println(name + ": " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            if (System.getenv("TLCLB_DEBUG") != null) {
                ex.printStackTrace(c.getErr());
            }
            return ExitCode.NOTHING_CHANGED.code();
        });
        return cl.execute(args);
    }
}
