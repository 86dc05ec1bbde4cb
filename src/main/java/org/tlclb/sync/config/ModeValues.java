package org.tlclb.sync.config;

import java.util.EnumMap;
import java.util.Map;

/**
 * A sync.conf setting that takes an optional mode word ({@code Drain config "..."}): the value said
 * for one mode wins over the one said for both, whichever line comes first.
 */
final class ModeValues<T> {
    private T both;
    private final Map<HookTarget, T> one = new EnumMap<>(HookTarget.class);

    /** @param target the mode word's mode, or null for both */
    void put(HookTarget target, T value) {
        if (target == null) {
            both = value;
        } else {
            one.put(target, value);
        }
    }

    T get(HookTarget target) {
        return one.getOrDefault(target, both);
    }
}
