package org.tlclb.sync.cli;

import picocli.CommandLine.Option;

/** -j: how many nodes are worked on at once. */
final class ParallelOption {
    static final int MAX = 1024;

    @Option(names = {"-j", "--parallel"}, paramLabel = "N",
            description = "nodes worked on at once, 1.." + MAX + " (default: Parallel, else 16)")
    Integer parallel;
}
