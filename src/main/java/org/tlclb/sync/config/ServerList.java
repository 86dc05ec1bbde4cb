package org.tlclb.sync.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code -w}/{@code -x} value: comma-separated items, where {@code @FILE} stands for the
 * items of FILE, one per line (blank lines and {@code #} comments ignored). Each item keeps where
 * it came from, so a bad one is reported at its file:line.
 */
final class ServerList {
    /** One item of a list and the place to blame for it. */
    record Item(String text, Where at) {}

    private ServerList() {}

    static List<Item> items(String value, String option) throws ConfigException {
        List<Item> out = new ArrayList<>();
        Where cli = new Where(option, 0);
        for (String part : value.split(",", -1)) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue; // "a,b," is a harmless slip, not worth failing a night's cron run over
            }
            if (item.startsWith("@")) {
                out.addAll(file(item.substring(1), option));
            } else {
                out.add(new Item(item, cli));
            }
        }
        return out;
    }

    private static List<Item> file(String name, String option) throws ConfigException {
        if (name.isEmpty()) {
            throw new ConfigException(option, 0, "'@' needs a file name (expected @FILE with one server per line)");
        }
        Path p;
        try {
            p = Path.of(name);
        } catch (InvalidPathException e) {
            throw new ConfigException(option, 0, "bad file name '@" + name + "' (" + e.getReason() + ")");
        }
        List<String> lines = ConfigText.lines(ConfigText.read(p, name, "a server list, one server per line"), name);
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Where at = new Where(name, i + 1);
            List<String> words = Tokenizer.words(lines.get(i), name, i + 1);
            if (words.size() > 1) {
                throw at.error("one server per line expected, got " + words.size() + " words");
            }
            if (!words.isEmpty()) {
                if (words.get(0).startsWith("@")) {
                    // Nesting would allow loops and buys nothing a flat file cannot say.
                    throw at.error("'" + words.get(0) + "': @FILE is not allowed inside a server list file");
                }
                out.add(new Item(words.get(0), at));
            }
        }
        return out;
    }
}
