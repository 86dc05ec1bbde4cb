package org.tlclb.sync.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** -c: the sync.conf to read; every command that talks to the cluster takes it. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = {"the sync.conf to read", "(default: /etc/clusterserver/sync.conf)"})
    Path file;
}
