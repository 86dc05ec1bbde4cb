package org.tlclb.sync.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import org.tlclb.sync.scan.Generation;
import org.tlclb.sync.state.ClusterStatus;
import org.tlclb.sync.state.ClusterStatus.Live;
import org.tlclb.sync.state.DestinationRecord;
import org.tlclb.sync.state.NodeRecord;
import org.tlclb.sync.state.NodeRecord.Standing;

/**
 * {@code tlclb status} rendered: its exit code (0 every node current, 1 some behind, 3 one never
 * pushed), the text (one line per node and a summary) and the JSON.
 */
public final class StatusReport {
    private static final JsonFactory FACTORY = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private StatusReport() {
    }

    /** With --live, a node not checked counts as never reached, a tree that differs as behind. */
    public static ExitCode exitCode(ClusterStatus s) {
        if (!s.named(Standing.NEVER).isEmpty() || !s.live(Live.Finding.NOT_CHECKED).isEmpty()) {
            return ExitCode.NOTHING_CHANGED;
        }
        return s.named(Standing.BEHIND).isEmpty() && s.live(Live.Finding.DIFFERS).isEmpty() ? ExitCode.OK
                : ExitCode.PARTIAL;
    }

    public static void print(ClusterStatus s, PrintWriter out) {
        DestinationRecord r = s.record();
        out.println(r.key() + ": " + (r.latest() == null ? "no push recorded (" + s.file() + ")"
                : "generation " + shortId(r.latest()) + ", committed " + time(r.latestTime()) + " by run "
                + r.latestRun()));
        int width = s.rows().stream().mapToInt(x -> x.node().node().length()).max().orElse(0);
        for (ClusterStatus.Row row : s.rows()) {
            out.println("  " + pad(row.node().node(), width) + "  " + line(row));
        }
        out.println(summary(s));
        out.flush();
    }

    private static String line(ClusterStatus.Row row) {
        NodeRecord n = row.node();
        String what = switch (row.standing()) {
            case CURRENT -> "current (run " + n.lastRun() + ", " + time(n.lastSuccess()) + ")";
            case BEHIND -> "behind since " + time(n.behindSince()) + ", " + n.runsMissed()
                    + (n.runsMissed() == 1 ? " run" : " runs") + " missed"
                    + (n.lastSuccess() == null ? "" : "; last in sync " + time(n.lastSuccess()));
            case NEVER -> "never pushed";
        };
        String line = n.failure() == null ? what : what + "; last error " + time(n.lastFailure()) + ": " + n.failure();
        return row.live() == null ? line : line + "; " + live(row);
    }

    /** What the check found now, said against what the record claims. */
    private static String live(ClusterStatus.Row row) {
        Live l = row.live();
        return switch (l.finding()) {
            case IN_SYNC -> "live: the tree is the source's";
            case DIFFERS -> "live: " + (row.standing() == Standing.CURRENT ? "the record says current, but the tree"
                    + " differs" : "the tree differs") + " from the source (" + l.changes()
                    + (l.changes() == 1 ? " entry" : " entries") + " to change)";
            case NOT_CHECKED -> "live: not checked (" + l.error() + ")";
        };
    }

    static String summary(ClusterStatus s) {
        int current = s.named(Standing.CURRENT).size();
        String line = current + " of " + s.rows().size() + (s.rows().size() == 1 ? " node" : " nodes") + " current";
        int behind = s.named(Standing.BEHIND).size();
        int never = s.named(Standing.NEVER).size();
        if (behind > 0) {
            line += ", " + behind + " behind";
        }
        if (never > 0) {
            line += ", " + never + " never pushed";
        }
        if (behind + never > 0) {
            line += " (a push with --catch-up sends to those alone)";
        }
        int differs = s.live(Live.Finding.DIFFERS).size();
        int unchecked = s.live(Live.Finding.NOT_CHECKED).size();
        if (differs > 0 || unchecked > 0) {
            line += "; live: " + differs + " differ from the source" + (unchecked > 0 ? ", " + unchecked
                    + " not checked" : "");
        }
        return line;
    }

    public static void writeJson(ClusterStatus s, Writer out) throws IOException {
        DestinationRecord r = s.record();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("destination", r.key());
            g.writeStringField("state_file", s.file().toString());
            g.writeNumberField("exit_code", exitCode(s).code());
            g.writeStringField("generation", r.latest());
            g.writeStringField("run_id", r.latestRun());
            g.writeStringField("time", iso(r.latestTime()));
            JsonReport.strings(g, "current", s.named(Standing.CURRENT));
            JsonReport.strings(g, "behind", s.named(Standing.BEHIND));
            JsonReport.strings(g, "never_pushed", s.named(Standing.NEVER));
            g.writeArrayFieldStart("nodes");
            for (ClusterStatus.Row row : s.rows()) {
                NodeRecord n = row.node();
                g.writeStartObject();
                g.writeStringField("node", n.node());
                g.writeStringField("standing", row.standing().name().toLowerCase(Locale.ROOT));
                g.writeStringField("generation", n.generation());
                g.writeStringField("last_success", iso(n.lastSuccess()));
                g.writeStringField("last_run", n.lastRun());
                g.writeStringField("last_failure", iso(n.lastFailure()));
                g.writeStringField("failure", n.failure());
                g.writeStringField("behind_since", iso(n.behindSince()));
                g.writeNumberField("runs_missed", n.runsMissed());
                if (row.live() != null) {
                    g.writeObjectFieldStart("live");
                    g.writeStringField("finding", row.live().finding().name().toLowerCase(Locale.ROOT));
                    g.writeNumberField("changes", row.live().changes());
                    g.writeStringField("error", row.live().error());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static String shortId(String generation) {
        return generation.matches("[0-9a-f]{64}") ? new Generation(generation).shortId() : generation;
    }

    private static String time(Instant t) {
        return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
