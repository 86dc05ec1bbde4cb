package org.tlclb.sync.report;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The human report: one line per node and a summary, both rendered from the run's {@link RunVerdict}. */
public final class TextReport {
    private TextReport() {
    }

    public static void print(RunReport r, RunVerdict v, PrintWriter out, boolean verbose) {
        for (String w : r.warnings()) {
            out.println("warning: " + w);
        }
        int width = width(r);
        if (nothingStarted(r, v)) {
            // Declined or interrupted before commit: no node changed, and a line per node would
            // only say so again. A node that failed on its own is still named.
            for (NodeResult n : r.nodes()) {
                if (n.status() == NodeStatus.FAILED) {
                    out.println(line(n, width));
                }
            }
            out.println(consequence(r, v));
            out.flush();
            return;
        }
        boolean check = r.mode() == RunMode.CHECK;
        for (NodeResult n : r.nodes()) {
            out.println(check ? checkLine(n, width) : line(n, width));
            if (n.hook() != null && (verbose || !n.hook().ok())) {
                out.printf("%-" + width + "s   %s%n", "", hookLine(n.hook()));
            }
            for (String w : n.warnings()) {
                out.printf("%-" + width + "s   warning: %s%n", "", w);
            }
        }
        if (r.rollout() != null) {
            for (String step : r.rollout().steps()) {
                out.println((r.dryRun() ? "rollout would run: " : "rollout: ") + step);
            }
            if (r.rollout().stoppedAtBatch() != null) {
                out.println("rollout stopped at batch " + r.rollout().stoppedAtBatch() + " of " + r.rollout().batches()
                        + ": the nodes of later batches keep what they had");
            }
        }
        out.println(summary(r, v));
        String why = consequence(r, v);
        if (why != null) {
            out.println(why);
        }
        if (!r.behind().isEmpty()) {
            out.println(behindLine(r));
        }
        out.flush();
    }

    /** The nodes that do not hold the destination's latest generation now ('tlclb status' tells more). */
    static String behindLine(RunReport r) {
        return "behind: " + String.join(", ", r.behind()) + " (tlclb status shows since when; --catch-up brings"
                + " them in)";
    }

    /** The user said no, or stopped the run, before any node's commit began; or no node was contacted. */
    private static boolean nothingStarted(RunReport r, RunVerdict v) {
        return v.outcome() == RunVerdict.Outcome.DECLINED || v.outcome() == RunVerdict.Outcome.INTERRUPTED
                || r.stop() == RunStop.HELD_HERE;
    }

    /**
     * Under -q: only what went wrong, and what that meant for the cluster (no node changed, or
     * which did), on stderr.
     */
    public static void printProblems(RunReport r, RunVerdict v, PrintWriter err) {
        for (NodeResult n : r.nodes()) {
            if (n.status() == NodeStatus.FAILED || n.status() == NodeStatus.PARTIAL) {
                err.println(n.node() + ": " + (n.status() == NodeStatus.PARTIAL ? "commit incomplete: " : "")
                        + (n.error() != null ? n.error() : "failed"));
            } else if (n.status() == NodeStatus.HOOK_FAILED && n.hook() != null) {
                err.println(n.node() + ": " + hookLine(n.hook()));
            }
        }
        if (v.outcome() == RunVerdict.Outcome.DRIFT) {
            err.println("drift on " + String.join(", ", v.drifted()) + " (without -q: what differs)");
        }
        String why = consequence(r, v);
        if (why != null) {
            err.println(why);
        }
        if (!r.behind().isEmpty()) {
            err.println(behindLine(r));
        }
        err.flush();
    }

    private static String hookLine(HookResult h) {
        String tail = h.outputTail().isBlank() ? "" : ": " + h.outputTail().strip().replace("\n", " | ");
        return "post-sync '" + h.command() + "' " + (h.exitStatus() < 0 ? "did not finish" : "exited " + h.exitStatus())
                + tail;
    }

    static String summary(RunReport r, RunVerdict v) {
        List<NodeResult> targeted = r.targeted();
        int n = targeted.size();
        String nodes = n == 1 ? "node" : "nodes";
        if (r.mode() == RunMode.CHECK) {
            long inSync = targeted.stream().filter(x -> x.status() == NodeStatus.PLANNED && x.inSync()).count();
            return String.format(Locale.ROOT, "check: %d of %d %s in sync, %d drifted, %d not checked, in %.2f s",
                    inSync, n, nodes, v.drifted().size(), n - inSync - v.drifted().size(), r.seconds());
        }
        long ok = targeted.stream().filter(x -> x.status() == NodeStatus.OK || x.status() == NodeStatus.PLANNED).count();
        return String.format(Locale.ROOT, "%s: %d of %d %s %s, %d created, %d updated, %d deleted, %s in %.2f s",
                r.dryRun() ? "dry run" : "total", ok, n, nodes, r.dryRun() ? "planned" : "in sync",
                r.total(NodeResult::created), r.total(NodeResult::updated), r.total(NodeResult::deleted),
                bytes(r.total(NodeResult::bytes)), r.seconds());
    }

    /** What the outcome means for the cluster, when it is not plain success. */
    static String consequence(RunReport r, RunVerdict v) {
        return switch (v.outcome()) {
            case ABORTED -> "all-or-nothing: " + String.join(", ", v.failed())
                    + " failed before commit, so no node was changed (--partial-ok commits on the nodes that staged)";
            case ALL_FAILED -> "no node was changed";
            case DECLINED -> "declined: nothing was changed";
            case INTERRUPTED -> switch (r.mode()) {
                case PUSH -> "interrupted before commit: what was staged was removed, nothing was changed";
                case ROLLBACK -> "interrupted before restoring: nothing was changed";
                case CHECK -> "interrupted: the check did not finish";
                default -> "interrupted: nothing was changed";
            };
            case REFUSED -> "refused before anything was staged, so no node was changed: " + String.join(", ",
                    v.failed()) + " (see above)";
            case LOCKED -> r.stop() == RunStop.HELD_HERE
                    ? "another run on this machine holds the lock, so no node was contacted; try again when it ends"
                    : "another run is working on " + String.join(", ", v.failed())
                    + ", so no node was changed; try again when it ends";
            case INTERNAL_ERROR -> "internal error: " + (v.changed().isEmpty() ? "no node was changed"
                    : "changed before the error: " + String.join(", ", v.changed()));
            case PARTIAL -> v.changed().isEmpty() ? null : "changed: " + String.join(", ", v.changed())
                    + (v.failed().isEmpty() ? "" : "; not (fully) changed: " + String.join(", ", v.failed()));
            default -> null;
        };
    }

    /** tlclb check: "in sync", or "DRIFT" with what a push would change. */
    static String checkLine(NodeResult n, int width) {
        if (n.status() != NodeStatus.PLANNED) {
            return line(n, width);
        }
        if (n.inSync()) {
            return String.format("%-" + width + "s  in sync", n.node());
        }
        return String.format(Locale.ROOT, "%-" + width + "s  DRIFT    %d to create, %d to update, %d to delete%s%s",
                n.node(), n.created(), n.updated(), n.deleted(),
                n.leftovers() == 0 ? "" : ", " + n.leftovers() + " leftover temporary file(s) of an interrupted run",
                n.notCarried().isEmpty() ? "" : ", " + n.notCarried().size() + " not carried ("
                        + n.notCarried().get(0).display() + (n.notCarried().size() > 1 ? ", ..." : "") + ")");
    }

    static String line(NodeResult n, int width) {
        String status = switch (n.status()) {
            case OK -> "ok";
            case PLANNED -> "planned";
            case HOOK_FAILED -> "HOOK FAILED";
            case PARTIAL -> "PARTIAL";
            case FAILED -> "FAILED";
            case ABORTED -> "aborted";
            case ROLLED_BACK -> "ROLLED BACK";
            case SKIPPED -> "skipped";
        };
        StringBuilder sb = new StringBuilder(String.format("%-" + width + "s  %-8s", n.node(), status));
        if (n.status() == NodeStatus.FAILED || n.status() == NodeStatus.SKIPPED || n.status() == NodeStatus.ABORTED
                || n.status() == NodeStatus.ROLLED_BACK) {
            if (n.rollout() != null) {
                sb.append(" batch ").append(n.rollout().batch()).append(", ").append(n.rollout().state().label()
                        .replace('_', ' ')).append(n.error() != null ? ":" : "");
            }
            if (n.error() != null) {
                sb.append(' ').append(n.error().replace("\n", "\n" + " ".repeat(width + 12)));
            }
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, " created %d, updated %d, deleted %d, %s, %.2f s", n.created(),
                n.updated(), n.deleted(), bytes(n.bytes()), n.seconds()));
        if (n.note() != null) {
            sb.append(" (").append(n.note()).append(')');
        }
        if (n.rollout() != null) {
            sb.append(" (batch ").append(n.rollout().batch()).append(", ").append(n.rollout().state().label()
                    .replace('_', ' ')).append(')');
        }
        if (n.status() == NodeStatus.PARTIAL && n.error() != null) {
            sb.append("\n").append(" ".repeat(width + 12)).append(n.error().replace("\n", "\n" + " ".repeat(width + 12)));
        }
        return sb.toString();
    }

    private static int width(RunReport r) {
        return Math.max(8, r.nodes().stream().mapToInt(n -> n.node().length()).max().orElse(8));
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
