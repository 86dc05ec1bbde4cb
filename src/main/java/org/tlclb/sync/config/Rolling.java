package org.tlclb.sync.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The batch size of a rolling push ({@code Rolling N|P%}, {@code --rolling}): a count of nodes, or a
 * share of the run's nodes rounded up; never less than one node, never more than all of them. The
 * same form as {@link MinNodes}.
 *
 * @param value   the count, or the percentage
 * @param percent whether {@code value} is a percentage
 */
public record Rolling(int value, boolean percent) {
    /** The form an error quotes. */
    public static final String USAGE = "N (1 or more) or P% (1% to 100%)";
    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(%?)");

    public Rolling {
        if (value < 1 || percent && value > 100) {
            throw new IllegalArgumentException("not a Rolling value: " + value + (percent ? "%" : ""));
        }
    }

    /** "1" or "25%"; empty when the text is neither, or out of range (the caller names where it was written). */
    public static Optional<Rolling> parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        int v = Integer.parseInt(m.group(1));
        boolean p = !m.group(2).isEmpty();
        if (v < 1 || p && v > 100) {
            return Optional.empty();
        }
        return Optional.of(new Rolling(v, p));
    }

    /** The nodes committed at once, of {@code nodes} the rollout commits. */
    public int batchSize(int nodes) {
        int n = percent ? (int) Math.ceil(nodes * (value / 100.0)) : value;
        return Math.max(1, Math.min(n, Math.max(1, nodes)));
    }

    @Override
    public String toString() {
        return value + (percent ? "%" : "");
    }
}
