package org.tlclb.sync.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options both push commands take, in the order their help shows them. */
final class PushArgs {
    @Mixin
    ConfigOption config;
    @Mixin
    NodeOptions nodes;
    @Option(names = {"-n", "--dry-run"}, description = "show the plan, change nothing")
    boolean dryRun;
    @Option(names = {"-y", "--yes"}, description = "do not ask before changing nodes (never asked without a terminal)")
    boolean yes;
    @Mixin
    CompareOptions compare;
    @Mixin
    PushOptions push;
    @Mixin
    ParallelOption parallel;
    @Mixin
    ConnectionOptions connection;
    @Mixin
    OutputOptions output;
}
