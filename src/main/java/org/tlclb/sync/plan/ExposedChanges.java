package org.tlclb.sync.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.NotCarried;

/**
 * A plan without what it would change in directories others than root and the login may change,
 * for a node that offers no safe way to reach them (no shell that can hold a directory open):
 * those entries are left as they are, and each is named, so the node is not called in sync.
 */
public final class ExposedChanges {
    private static final String WHY = "its directory can be changed by users other than root and the login, and the"
            + " node has no shell (with /proc) through which to change it safely; left as it is";

    private ExposedChanges() {
    }

    /**
     * @param openDirs the node's open directories, with the plan's new directories made in them
     * @param out      where each entry left as it is goes
     */
    public static NodePlan without(NodePlan plan, Set<String> openDirs, List<NotCarried> out) {
        List<Change> kept = new ArrayList<>();
        for (Change c : plan.changes()) {
            if (exposed(c.path(), openDirs)) {
                out.add(new NotCarried(c.path(), c instanceof Change.Delete ? "not deleted: " + WHY : WHY));
            } else {
                kept.add(c);
            }
        }
        List<String> temps = new ArrayList<>();
        for (String t : plan.staleTemps()) {
            String path = t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
            if (!exposed(path, openDirs)) {
                temps.add(t);
            }
        }
        return new NodePlan(kept, temps, plan.warnings());
    }

    private static boolean exposed(String rel, Set<String> openDirs) {
        return !rel.isEmpty() && openDirs.contains(Entry.parentOf(rel));
    }
}
