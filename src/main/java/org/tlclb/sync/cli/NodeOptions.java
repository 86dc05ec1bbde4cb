package org.tlclb.sync.cli;

import picocli.CommandLine.Option;

/** -w / -x: which nodes of the list (or given here) a command works on. */
final class NodeOptions {
    @Option(names = {"-w", "--servers"}, paramLabel = "LIST",
            description = {"nodes to work on, replacing the list: host,", "user@host:port, [v6addr]:port, names from",
                    "sync.conf, comma-separated, or @FILE with one", "per line"})
    String servers;

    @Option(names = {"-x", "--exclude-servers"}, paramLabel = "LIST",
            description = "nodes to leave out (names or hosts, comma-separated)")
    String excluded;
}
