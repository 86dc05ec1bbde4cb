package org.tlclb.sync.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.tlclb.sync.state.ClusterStatus;
import org.tlclb.sync.state.DestinationRecord;
import org.tlclb.sync.state.NodeRecord;

class StatusReportTest {
    private static final String G1 = "1".repeat(64);
    private static final String G2 = "2".repeat(64);
    private static final Instant T1 = Instant.parse("2026-12-06T02:00:00.250Z");
    private static final Instant T2 = Instant.parse("2026-12-07T02:00:00Z");

    private static ClusterStatus status(List<String> asked) {
        DestinationRecord r = new DestinationRecord("/var/www/html", G2, "run2", T2, List.of(
                new NodeRecord("node1", G2, T2, "run2", null, null, null, 0),
                new NodeRecord("node3", G1, T1, "run1", T2, "connection refused", T2, 2)));
        return ClusterStatus.of(Path.of("/var/lib/tlclb/x.tsv"), r, asked);
    }

    @Test
    void oneLinePerNodeAndASummaryTheExitCodeAgreesWith() {
        ClusterStatus s = status(List.of("node1", "node3", "node4"));
        StringWriter out = new StringWriter();
        StatusReport.print(s, new PrintWriter(out));
        assertThat(out.toString()).isEqualTo("/var/www/html: generation 222222222222, committed 2026-12-07T02:00:00Z"
                + " by run run2\n"
                + "  node1  current (run run2, 2026-12-07T02:00:00Z)\n"
                + "  node3  behind since 2026-12-07T02:00:00Z, 2 runs missed; last in sync 2026-12-06T02:00:00Z;"
                + " last error 2026-12-07T02:00:00Z: connection refused\n"
                + "  node4  never pushed\n"
                + "1 of 3 nodes current, 1 behind, 1 never pushed (a push with --catch-up sends to those alone)\n");
        assertThat(StatusReport.exitCode(s)).isEqualTo(ExitCode.NOTHING_CHANGED);
        assertThat(StatusReport.exitCode(status(List.of("node1", "node3")))).isEqualTo(ExitCode.PARTIAL);
        assertThat(StatusReport.exitCode(status(List.of("node1")))).isEqualTo(ExitCode.OK);
    }

    @Test
    void theJsonCarriesEveryNodesRecord() throws Exception {
        StringWriter out = new StringWriter();
        StatusReport.writeJson(status(List.of()), out);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.get("exit_code").asInt()).isEqualTo(1);
        assertThat(doc.get("generation").asText()).isEqualTo(G2);
        assertThat(doc.get("behind")).extracting(JsonNode::asText).containsExactly("node3");
        assertThat(doc.get("never_pushed")).isEmpty();
        JsonNode node3 = doc.get("nodes").get(1);
        assertThat(node3.get("standing").asText()).isEqualTo("behind");
        assertThat(node3.get("runs_missed").asInt()).isEqualTo(2);
        assertThat(node3.get("last_success").asText()).isEqualTo("2026-12-06T02:00:00.250Z");
        assertThat(node3.get("failure").asText()).isEqualTo("connection refused");
    }
}
