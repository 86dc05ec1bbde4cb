package org.tlclb.sync.state;

import java.util.Collection;
import java.util.TreeSet;

/** The name a destination's record goes by: its paths on the nodes, sorted, joined by " + ". */
public final class StateKey {
    private StateKey() {
    }

    public static String of(Collection<String> dests) {
        return String.join(" + ", new TreeSet<>(dests));
    }
}
