package org.tlclb.sync.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/** The options tlclb_content_sync and tlclb_config_sync share (SPEC section 4). */
public final class SyncOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "sync.conf to read (default: /etc/clusterserver/sync.conf)")
    Path config;

    @Option(names = {"-w", "--servers"}, paramLabel = "LIST", description = "nodes to push to, replacing the list: host, user@host:port, names from sync.conf, comma-separated, or @FILE")
    String servers;

    @Option(names = {"-x", "--exclude-servers"}, paramLabel = "LIST", description = "nodes to leave out (names or hosts, comma-separated)")
    String excludeServers;

    @Option(names = {"-n", "--dry-run"}, description = "show the plan, change nothing")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "do not ask before changing nodes")
    boolean yes;

    @Option(names = "--delete", negatable = true, description = "remove files on the nodes that the source does not have")
    Boolean delete;

    @Option(names = {"-C", "--checksum"}, description = "compare file content, not size and mtime")
    boolean checksum;

    @Option(names = {"-e", "--exclude"}, paramLabel = "PATTERN", description = "leave matching paths alone (repeatable)")
    List<String> excludes = new ArrayList<>();

    @Option(names = {"-j", "--parallel"}, paramLabel = "N", description = "nodes worked on at once")
    Integer parallel;

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE", description = "private key (repeatable)")
    List<Path> identities = new ArrayList<>();

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts file (default: ~/.ssh/known_hosts)")
    Path knownHosts;

    @Option(names = "--host-key-policy", paramLabel = "POLICY", description = "strict, ask or accept-new (default: ask on a terminal, strict otherwise)")
    String hostKeyPolicy;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", description = "per connection attempt")
    Integer connectTimeout;

    @Option(names = "--retries", paramLabel = "N", description = "further connection attempts, with backoff")
    Integer retries;

    @Option(names = "--bwlimit", paramLabel = "RATE", description = "bytes per second per node: 500K, 20M, 1G")
    String bwlimit;

    @Option(names = "--backup", negatable = true, description = "keep replaced and deleted files on the node, per run")
    Boolean backup;

    @Option(names = "--post-sync", paramLabel = "COMMAND", description = "run on each node where something changed")
    String postSync;

    @Option(names = "--partial-ok", description = "commit on the nodes that staged even if others failed")
    boolean partialOk;

    @Option(names = "--chown", paramLabel = "UID:GID", description = "numeric owner and group for what the run writes")
    String chown;

    @Option(names = "--json", paramLabel = "FILE|-", description = "write the run report as JSON")
    String json;

    @Option(names = "--log-file", paramLabel = "FILE", description = "log file (default: LogFile, else /var/log/tlclb/sync.log)")
    Path logFile;

    @Option(names = {"-q", "--quiet"}, description = "print only errors")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "more detail; twice for SSH protocol logs")
    boolean[] verbose = new boolean[0];
}
