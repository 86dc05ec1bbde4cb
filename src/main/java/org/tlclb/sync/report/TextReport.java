package org.tlclb.sync.report;

import java.io.PrintWriter;
import java.util.Locale;

/** The human report: one line per node and a total. */
public final class TextReport {
    private TextReport() {
    }

    public static void print(RunReport r, PrintWriter out, boolean verbose) {
        for (String w : r.warnings()) {
            out.println("warning: " + w);
        }
        int width = Math.max(8, r.nodes().stream().mapToInt(n -> n.node().length()).max().orElse(8));
        boolean check = "tlclb check".equals(r.command());
        for (NodeResult n : r.nodes()) {
            out.println(check ? checkLine(n, width) : line(n, width));
            if (n.hook() != null && (verbose || !n.hook().ok())) {
                out.printf("%-" + width + "s   post-sync '%s' exited %d%s%n", "", n.hook().command(),
                        n.hook().exitStatus(), n.hook().outputTail().isBlank() ? ""
                                : ": " + n.hook().outputTail().strip().replace("\n", " | "));
            }
            for (String w : n.warnings()) {
                out.printf("%-" + width + "s   warning: %s%n", "", w);
            }
        }
        long targeted = r.nodes().stream().filter(n -> n.status() != NodeStatus.SKIPPED).count();
        long ok = r.nodes().stream().filter(n -> n.status() == NodeStatus.OK || n.status() == NodeStatus.PLANNED).count();
        if (check) {
            long inSync = r.nodes().stream().filter(n -> n.status() == NodeStatus.PLANNED && n.changes() == 0).count();
            out.printf(Locale.ROOT, "check: %d of %d node%s in sync, %d drifted, %d not checked, in %.2f s%n", inSync,
                    targeted, targeted == 1 ? "" : "s", ok - inSync, targeted - ok, r.seconds());
            out.flush();
            return;
        }
        out.printf(Locale.ROOT, "%s: %d of %d node%s %s, %d created, %d updated, %d deleted, %s in %.2f s%n",
                r.dryRun() ? "dry run" : "total", ok, targeted, targeted == 1 ? "" : "s",
                r.dryRun() ? "planned" : "in sync", r.total(NodeResult::created), r.total(NodeResult::updated),
                r.total(NodeResult::deleted), bytes(r.total(NodeResult::bytes)), r.seconds());
        if (r.nodes().stream().anyMatch(n -> n.status() == NodeStatus.ABORTED)) {
            out.println("all-or-nothing: a node failed before commit, so no node was changed"
                    + " (--partial-ok commits on the nodes that staged)");
        }
        out.flush();
    }

    /** tlclb check: "in sync", or "DRIFT" with what a push would change. */
    static String checkLine(NodeResult n, int width) {
        if (n.status() != NodeStatus.PLANNED) {
            return line(n, width);
        }
        if (n.changes() == 0) {
            return String.format("%-" + width + "s  in sync", n.node());
        }
        return String.format(Locale.ROOT, "%-" + width + "s  DRIFT    %d to create, %d to update, %d to delete",
                n.node(), n.created(), n.updated(), n.deleted());
    }

    static String line(NodeResult n, int width) {
        String status = switch (n.status()) {
            case OK -> "ok";
            case PLANNED -> "planned";
            case HOOK_FAILED -> "HOOK FAILED";
            case FAILED -> "FAILED";
            case ABORTED -> "aborted";
            case SKIPPED -> "skipped";
        };
        StringBuilder sb = new StringBuilder(String.format("%-" + width + "s  %-8s", n.node(), status));
        if (n.status() == NodeStatus.FAILED || n.status() == NodeStatus.SKIPPED || n.status() == NodeStatus.ABORTED) {
            if (n.error() != null) {
                sb.append(' ').append(n.error().replace("\n", "\n" + " ".repeat(width + 12)));
            }
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, " created %d, updated %d, deleted %d, %s, %.2f s", n.created(),
                n.updated(), n.deleted(), bytes(n.bytes()), n.seconds()));
        if ("scp".equals(n.mode())) {
            sb.append(" (no SFTP on the node: full SCP copy, no deletes, not atomic)");
        }
        return sb.toString();
    }

    public static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
