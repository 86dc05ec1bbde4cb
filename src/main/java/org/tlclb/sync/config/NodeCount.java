package org.tlclb.sync.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of a run's nodes as sync.conf and the options write it, {@code N} or {@code P%}
 * ({@code MinNodes}, {@code Rolling}): a count, or a share of the nodes rounded up; in use never less
 * than one node and never more than all of them.
 *
 * @param value   the count, or the percentage
 * @param percent whether {@code value} is a percentage
 */
public record NodeCount(int value, boolean percent) {
    /** The form an error quotes. */
    public static final String USAGE = "N (1 or more) or P% (1% to 100%)";
    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(%?)");

    public NodeCount {
        if (value < 1 || percent && value > 100) {
            throw new IllegalArgumentException("not a node count: " + value + (percent ? "%" : ""));
        }
    }

    /** "3" or "75%"; empty when the text is neither, or out of range (the caller names where it was written). */
    public static Optional<NodeCount> parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        int v = Integer.parseInt(m.group(1));
        boolean p = !m.group(2).isEmpty();
        if (v < 1 || p && v > 100) {
            return Optional.empty();
        }
        return Optional.of(new NodeCount(v, p));
    }

    /** How many of {@code nodes} this is: the share rounded up, at least one, at most all. */
    public int of(int nodes) {
        int n = percent ? (int) Math.ceil(nodes * (value / 100.0)) : value;
        return Math.max(1, Math.min(n, Math.max(1, nodes)));
    }

    @Override
    public String toString() {
        return value + (percent ? "%" : "");
    }
}
