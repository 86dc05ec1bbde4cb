package org.tlclb.sync.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** What a command prints and records: quiet, verbose, JSON report, log file. */
final class OutputOptions {
    @Option(names = {"-q", "--quiet"}, description = "print only errors (and what changed nowhere because of them)")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "more detail, per-file lines in the log; twice: SSH protocol logs")
    boolean[] verbose = new boolean[0];

    @Option(names = "--json", paramLabel = "FILE|-",
            description = "write the report as JSON to FILE, or to stdout alone with - (the text goes to stderr)")
    String json;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = {"log file (default: LogFile, else", "/var/log/tlclb/sync.log)"})
    Path logFile;

    int verbosity() {
        return verbose.length;
    }

    boolean jsonOnStdout() {
        return "-".equals(json);
    }
}
