package org.tlclb.sync.config;

import java.time.Duration;
import java.util.function.Function;

/**
 * One tunable of the engine: a typed value with its default and documentation, which an admin can
 * override with a system property ({@code TLCLB_JAVA_OPTS=-Dtlclb.hook-timeout=600s}). Modelled on
 * MINA SSHD's {@code Property}: no bare numbers in the code that waits or buffers.
 *
 * @param name         the system property, {@code tlclb.<name>}
 * @param defaultValue the value when the property is not set (or does not parse)
 * @param doc          what the value bounds or sizes
 */
public record Tunable<T>(String name, T defaultValue, String doc, Function<String, T> parser) {

    public static Tunable<Duration> duration(String name, Duration defaultValue, String doc) {
        return new Tunable<>(name, defaultValue, doc, Tunable::parseDuration);
    }

    public static Tunable<Integer> integer(String name, int defaultValue, String doc) {
        return new Tunable<>(name, defaultValue, doc, Integer::valueOf);
    }

    /** The property's value, or the default when it is not set or not valid. */
    public T get() {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return parser.apply(v.strip());
        } catch (RuntimeException e) {
            return defaultValue;
        }
    }

    /** "90s", "5m", "2h" or a plain number of seconds. */
    static Duration parseDuration(String v) {
        char unit = v.charAt(v.length() - 1);
        if (Character.isDigit(unit)) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }
}
