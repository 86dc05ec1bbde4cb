package org.tlclb.sync.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many of a push's nodes must have staged for it to commit ({@code MinNodes N|P%},
 * {@code --min-nodes}): every node (the default, all-or-nothing), a count, or a share of the run's
 * nodes rounded up. {@code --partial-ok} is a count of 1. A count above the run's nodes (a {@code
 * -w} subset) asks for all of them.
 *
 * @param value   the count, or the percentage
 * @param percent whether {@code value} is a percentage
 */
public record MinNodes(int value, boolean percent) {
    /** Every node of the run: all-or-nothing. */
    public static final MinNodes ALL = new MinNodes(100, true);
    /** --partial-ok: commit wherever staging went through. */
    public static final MinNodes ONE = new MinNodes(1, false);
    /** The form an error quotes. */
    public static final String USAGE = "N (1 or more) or P% (1% to 100%)";
    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(%?)");

    public MinNodes {
        if (value < 1 || percent && value > 100) {
            throw new IllegalArgumentException("not a MinNodes value: " + value + (percent ? "%" : ""));
        }
    }

    /** "3" or "75%"; empty when the text is neither (the caller names where it was written). */
    public static Optional<MinNodes> parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        int v = Integer.parseInt(m.group(1));
        boolean p = !m.group(2).isEmpty();
        if (v < 1 || p && v > 100) {
            return Optional.empty();
        }
        return Optional.of(new MinNodes(v, p));
    }

    /** The nodes that must have staged, of {@code nodes} the run works on. */
    public int required(int nodes) {
        int n = percent ? (int) Math.ceil(nodes * (value / 100.0)) : value;
        return Math.max(1, Math.min(n, nodes));
    }

    public boolean all() {
        return percent && value == 100;
    }

    @Override
    public String toString() {
        return value + (percent ? "%" : "");
    }
}
