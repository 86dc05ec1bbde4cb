package org.tlclb.sync.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.client.config.hosts.HostConfigEntry;

/**
 * What ~/.ssh/config says about one host alias: HostName, Port, User, IdentityFile. Values are null (or an empty
 * list) when no Host entry sets them, so that command-line and tlclb settings can take precedence as the CLI decides.
 * Parsing and Host pattern matching are MINA's (HostConfigEntry), which follows ssh_config: for each keyword the
 * first matching entry that sets it wins; IdentityFile values accumulate.
 */
public record HostConfig(String hostName, Integer port, String user, List<Path> identityFiles) {

    public HostConfig {
        identityFiles = List.copyOf(identityFiles);
    }

    /** Empty values when the file does not exist or no Host entry matches the alias. */
    public static HostConfig resolve(Path sshConfigFile, String alias) {
        if (sshConfigFile == null || !Files.isRegularFile(sshConfigFile)) {
            return new HostConfig(null, null, null, List.of());
        }
        List<HostConfigEntry> entries;
        try {
            entries = HostConfigEntry.readHostConfigEntries(sshConfigFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ssh config " + sshConfigFile, e);
        }
        List<HostConfigEntry> matches = HostConfigEntry.findMatchingEntries(alias, entries);
        if (matches.isEmpty()) {
            return new HostConfig(null, null, null, List.of());
        }
        HostConfigEntry merged = new HostConfigEntry();
        for (HostConfigEntry m : matches) {
            merged.collate(m);
        }
        String hostName = blankToNull(merged.getHostName());
        Integer port = merged.getPort() > 0 ? merged.getPort() : null;
        String user = blankToNull(merged.getUsername());
        List<Path> ids = new ArrayList<>();
        for (String id : merged.getIdentities()) {
            try {
                // Expands ~ and the %h %p %r %u tokens as ssh does.
                ids.add(Paths.get(HostConfigEntry.resolveIdentityFilePath(id,
                        hostName != null ? hostName : alias, port != null ? port : 22, user)));
            } catch (IOException e) {
                throw new UncheckedIOException("bad IdentityFile " + id + " in " + sshConfigFile, e);
            }
        }
        return new HostConfig(hostName, port, user, ids);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
