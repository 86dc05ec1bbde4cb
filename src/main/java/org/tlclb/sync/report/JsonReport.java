package org.tlclb.sync.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.tlclb.sync.scan.Names;
import org.tlclb.sync.scan.NotCarried;

/** The run report as JSON; the schema is documented in the README ("JSON report"). */
public final class JsonReport {
    private static final JsonFactory FACTORY = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private JsonReport() {
    }

    /** Writes the report and a newline; the writer stays open (it may be stdout). */
    public static void write(RunReport r, RunVerdict v, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("run_id", r.runId());
            g.writeStringField("command", r.command());
            g.writeStringField("start", r.start().toString());
            g.writeStringField("end", r.end().toString());
            g.writeNumberField("seconds", r.seconds());
            g.writeBooleanField("dry_run", r.dryRun());
            g.writeNumberField("exit_code", v.exitCode().code());
            g.writeStringField("outcome", v.outcome().name().toLowerCase(Locale.ROOT));
            strings(g, "changed", v.changed());
            strings(g, "sources", r.sources());
            g.writeArrayFieldStart("nodes");
            for (NodeResult n : r.nodes()) {
                node(g, n, r);
            }
            g.writeEndArray();
            strings(g, "warnings", r.warnings());
            g.writeStringField("generation", r.generation());
            strings(g, "behind", r.behind());
            if (r.rollout() == null) {
                g.writeNullField("rollout");
            } else {
                g.writeObjectFieldStart("rollout");
                g.writeNumberField("batch_size", r.rollout().batchSize());
                g.writeNumberField("batches", r.rollout().batches());
                if (r.rollout().stoppedAtBatch() == null) {
                    g.writeNullField("stopped_at_batch");
                } else {
                    g.writeNumberField("stopped_at_batch", r.rollout().stoppedAtBatch());
                }
                strings(g, "steps", r.rollout().steps());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    /**
     * Writes the report to a file by way of a new temporary file in the same directory, renamed over
     * the target: a symlink planted at the target's name is replaced, never written through, and a
     * reader never sees half a report.
     */
    public static void writeFile(RunReport r, RunVerdict v, Path file) throws IOException {
        JsonFiles.replace(file, w -> write(r, v, w));
    }

    private static void node(JsonGenerator g, NodeResult n, RunReport r) throws IOException {
        g.writeStartObject();
        g.writeStringField("node", n.node());
        g.writeStringField("status", n.status().label());
        // what the node holds after a push that committed every entry there (else null: tlclb status
        // tells what it holds), and whether it is behind the destination's latest generation now
        boolean holds = r.mode() == RunMode.PUSH && (n.status() == NodeStatus.OK || n.status() == NodeStatus.HOOK_FAILED);
        g.writeStringField("generation", holds ? r.generation() : null);
        g.writeBooleanField("behind", r.behind().contains(n.node()));
        g.writeStringField("mode", n.mode());
        g.writeStringField("error", n.error() == null ? null : Names.jsonSafe(n.error()));
        g.writeNumberField("created", n.created());
        g.writeNumberField("updated", n.updated());
        g.writeNumberField("deleted", n.deleted());
        g.writeNumberField("leftovers", n.leftovers());
        g.writeNumberField("bytes", n.bytes());
        g.writeNumberField("seconds", n.seconds());
        g.writeStringField("note", n.note());
        strings(g, "destinations", n.destinations());
        strings(g, "warnings", n.warnings());
        g.writeArrayFieldStart("not_carried");
        for (NotCarried m : n.notCarried()) {
            g.writeStartObject();
            g.writeStringField("path", Names.jsonSafe(m.path()));
            g.writeStringField("why", m.why());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (n.hook() == null) {
            g.writeNullField("hook");
        } else {
            g.writeObjectFieldStart("hook");
            g.writeStringField("command", n.hook().command());
            g.writeNumberField("exit_status", n.hook().exitStatus());
            g.writeStringField("output_tail", n.hook().outputTail());
            g.writeEndObject();
        }
        if (n.rollout() == null) {
            g.writeNullField("rollout");
        } else {
            g.writeObjectFieldStart("rollout");
            g.writeNumberField("batch", n.rollout().batch());
            g.writeStringField("state", n.rollout().state().label());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    static void strings(JsonGenerator g, String field, Iterable<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String s : values) {
            g.writeString(Names.jsonSafe(s));
        }
        g.writeEndArray();
    }
}
