package org.tlclb.sync.ssh.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.tlclb.sync.config.ProcessUser;

/**
 * Reads configuration files into their directives, once per file. User files (the user's config and every
 * included file) must be owned by this user or root and not writable by group or others, as ssh demands: such a
 * file can make the run connect anywhere.
 */
final class ConfigSource {
    private static final int GROUP_OR_OTHER_WRITE = 0022;

    private final Map<Path, List<ConfigLine>> parsed = new ConcurrentHashMap<>();

    /** The file's directives; empty when it does not exist (ssh skips a missing file). */
    List<ConfigLine> lines(Path file, boolean checkPermissions) throws SshConfigException {
        List<ConfigLine> cached = parsed.get(file);
        if (cached != null) {
            return cached;
        }
        List<String> text;
        try {
            if (checkPermissions && Files.exists(file)) {
                checkPermissions(file);
            }
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new SshConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<ConfigLine> out = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            ConfigSyntax.parse(file, i + 1, text.get(i)).ifPresent(out::add);
        }
        List<ConfigLine> result = List.copyOf(out);
        parsed.put(file, result);
        return result;
    }

    private static void checkPermissions(Path file) throws IOException, SshConfigException {
        long owner = ((Number) Files.getAttribute(file, "unix:uid")).longValue();
        int mode = ((Number) Files.getAttribute(file, "unix:mode")).intValue();
        if ((owner != 0 && owner != ProcessUser.uid()) || (mode & GROUP_OR_OTHER_WRITE) != 0) {
            throw new SshConfigException("Bad owner or permissions on " + file + " (ssh refuses it too): it must"
                    + " belong to you or root and not be writable by others (chmod go-w " + file + ")");
        }
    }
}
