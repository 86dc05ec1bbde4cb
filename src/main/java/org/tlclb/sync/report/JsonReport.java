package org.tlclb.sync.report;

import java.io.IOException;
import java.io.Writer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/** The run report as JSON; the schema is documented in the README ("JSON report"). */
public final class JsonReport {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonReport() {
    }

    public static void write(RunReport r, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("run_id", r.runId());
            g.writeStringField("command", r.command());
            g.writeStringField("start", r.start().toString());
            g.writeStringField("end", r.end().toString());
            g.writeNumberField("seconds", r.seconds());
            g.writeBooleanField("dry_run", r.dryRun());
            g.writeNumberField("exit_code", r.exitCode());
            g.writeArrayFieldStart("sources");
            for (String s : r.sources()) {
                g.writeString(s);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("nodes");
            for (NodeResult n : r.nodes()) {
                g.writeStartObject();
                g.writeStringField("node", n.node());
                g.writeStringField("status", n.status().name().toLowerCase());
                g.writeStringField("mode", n.mode());
                g.writeStringField("error", n.error());
                g.writeNumberField("created", n.created());
                g.writeNumberField("updated", n.updated());
                g.writeNumberField("deleted", n.deleted());
                g.writeNumberField("bytes", n.bytes());
                g.writeNumberField("seconds", n.seconds());
                g.writeArrayFieldStart("warnings");
                for (String w : n.warnings()) {
                    g.writeString(w);
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
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("warnings");
            for (String w : r.warnings()) {
                g.writeString(w);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }
}
