package org.tlclb.sync.cli;

import picocli.CommandLine.Option;

/** What a push may do on the nodes: delete, back up, run a command, commit partially, set owners. */
final class PushOptions {
    @Option(names = "--delete", negatable = true,
            description = "remove node files the source does not have, and let a file or link replace a directory"
                    + " that is not empty (content: off, config: on)")
    Boolean delete;

    @Option(names = "--max-delete", paramLabel = "N",
            description = "refuse the run if a node would lose more than N entries, deleted or replaced by another"
                    + " type (default: MaxDelete, else half of the node's entries when over 20, and none from an empty"
                    + " source)")
    Integer maxDelete;

    @Option(names = "--bwlimit", paramLabel = "RATE", description = "bytes per second per node: 500K, 20M, 1G")
    String bwlimit;

    @Option(names = "--backup", negatable = true,
            description = "keep replaced and deleted files on the node, per run (content: off, config: on)")
    Boolean backup;

    @Option(names = "--post-sync", paramLabel = "COMMAND",
            description = "run on each node where something changed (default: PostSync)")
    String postSync;

    @Option(names = "--partial-ok", description = "commit on the nodes that staged even if others failed")
    boolean partialOk;

    @Option(names = "--min-nodes", paramLabel = "N|P%",
            description = "commit when at least N nodes (or P% of them) staged; the others stay as they were"
                    + " (default: MinNodes, else all)")
    String minNodes;

    @Option(names = "--rolling", paramLabel = "N|P%",
            description = "commit N nodes (or P% of them) at a time, each drained, committed, post-synced,"
                    + " health-checked and undrained; a node that fails is rolled back and the rollout stops"
                    + " (default: Rolling, else every node together)")
    String rolling;

    @Option(names = "--chown", paramLabel = "USER:GROUP",
            description = "owner and group for what the run writes: names (resolved on each node) or numbers")
    String chown;

    @Option(names = "--catch-up",
            description = "push only to the nodes that missed a run or were never pushed (none behind: contact"
                    + " nothing, exit 0); refused when the source is no longer what the current nodes hold")
    boolean catchUp;

    @Option(names = "--any-source", description = "with --catch-up: send the source as it is now to the nodes behind")
    boolean anySource;
}
