package org.tlclb.sync.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tlclb.sync.config.Limit;
import picocli.CommandLine.Option;

/** How a command reaches and trusts the nodes: keys, known_hosts, host key policy, timeouts. */
final class ConnectionOptions {
    @Option(names = {"-i", "--identity"}, paramLabel = "FILE", description = "private key (repeatable)")
    List<Path> identities = new ArrayList<>();

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = {"known_hosts file (default: KnownHosts,", "else ~/.ssh/known_hosts)"})
    Path knownHosts;

    @Option(names = "--host-key-policy", paramLabel = "POLICY",
            description = "strict, ask or accept-new (default: ask on a terminal, strict otherwise)")
    String hostKeyPolicy;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS",
            description = "per connection attempt, 1.." + Limit.MAX_CONNECT_TIMEOUT + "; also bounds every later wait for a node"
                    + " (see README, Timeouts)")
    Integer connectTimeout;

    @Option(names = "--retries", paramLabel = "N",
            description = "further connection attempts, with backoff, 0.." + Limit.MAX_RETRIES)
    Integer retries;
}
