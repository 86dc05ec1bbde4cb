package org.tlclb.sync.cli;

import org.tlclb.sync.config.Limit;
import picocli.CommandLine.Option;

/** -j: how many nodes are worked on at once. */
final class ParallelOption {
    @Option(names = {"-j", "--parallel"}, paramLabel = "N",
            description = "nodes worked on at once, 1.." + Limit.MAX_PARALLEL + " (default: Parallel, else "
                    + Limit.DEFAULT_PARALLEL + ")")
    Integer parallel;
}
