package io.jasyncio.loadtest.report;

import static io.jasyncio.loadtest.TestServers.onVirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.jasyncio.Asyncio;
import io.jasyncio.http.Response;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.TestServers;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.engine.LoadRun;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.model.Stage;
import io.jasyncio.loadtest.scenario.WeightedScenario;
import io.jasyncio.loadtest.target.HttpTarget;
import io.jasyncio.loadtest.threshold.Threshold;
import io.jasyncio.loadtest.threshold.Verdict;
import io.jasyncio.loadtest.workflow.Faults;
import io.jasyncio.loadtest.workflow.WorkflowScenario;
import io.jasyncio.loadtest.workflow.WorkflowService;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** G9: the JSON report against its JSON Schema, the HTML report offline, the hlog read back by HdrHistogram. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReportsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An open-model run (2 s at 200/s, Poisson) of a handler that sleeps 5 ms, with an hlog. */
    private static RunResult openRun(Path hlog) {
        return onVirtualClock(() -> {
            try (TestServers.Http http = new TestServers.Http(app -> app.router().addGet("/", r -> {
                Asyncio.sleep(0.005);
                return Response.text("ok");
            }))) {
                LoadModel model = new LoadModel.Open(200, List.of(new Stage(2, 200)), true, 3, 20);
                return LoadRun.runInLoop(Plan.of(new Workload.Requests(new HttpTarget(http.url("/"), "GET", List.of(), null), 1),
                        model).withHlog(hlog));
            }
        });
    }

    /**
     * A scenario run with faults (so the error tables and timeline have content). Slow steps are likely (0.3): the
     * faults are drawn from one seeded sequence in the order requests arrive, which the scheduling may change, and
     * at 0.05 about 2% of orders gave no start_task timeout at all.
     */
    private static RunResult scenarioRun() {
        return onVirtualClock(() -> {
            WorkflowService.quietInjectedFaults(Asyncio.getRunningLoop());
            try (WorkflowService s = WorkflowService.start(0, 100, 1, 0.01, new Faults(0.05, 0.05, 0.05, 0.05, 0.3, 10, 5))) {
                return LoadRun.runInLoop(Plan.of(Workload.Scenarios.of(
                        List.of(new WeightedScenario(new WorkflowScenario(2, 5, 3, 0), 1)), s.url()).withIterationsPerUser(10),
                        LoadModel.Closed.constant(10, 600)));
            }
        });
    }

    private static Schema schema() throws Exception {
        try (InputStream in = JsonReport.class.getResourceAsStream("result.schema.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
    }

    private static void assertValid(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        var errors = schema().validate(node);
        assertTrue(errors.isEmpty(), errors + "\n" + json);
    }

    @Test
    void theJsonReportFollowsItsSchemaAndHoldsTheNamesScriptsRelyOn(@TempDir Path dir) throws Exception {
        RunResult open = openRun(dir.resolve("x.hlog"));
        Verdict v = Verdict.of(open, List.of(Threshold.parse("p99<10s"), Threshold.parse("errors.rate<0.5")));
        String json = JsonReport.render(open, v);
        assertValid(json);
        JsonNode n = JSON.readTree(json);
        assertEquals(1, n.get("schemaVersion").asInt());
        assertEquals(open.requests(), n.get("requests").asLong());
        assertEquals(0, n.get("errors").asLong());
        assertTrue(n.get("valid").asBoolean());
        assertEquals(open.achievedRate(), n.get("achievedRate").asDouble(), 1e-9);
        JsonNode lat = n.get("steps").get(0).get("latencyMs");
        for (String k : List.of("p50", "p90", "p99", "max")) assertTrue(lat.get(k).asDouble() >= 5, k + " " + lat);
        assertEquals(open.intended(), n.get("intended").asLong());
        assertEquals(2, n.get("thresholds").size());

        RunResult sc = scenarioRun();
        String scJson = JsonReport.render(sc, Verdict.of(sc, List.of(Threshold.parse("errors{step=start_task,kind=timeout}.rate<0.001"))));
        assertValid(scJson);
        JsonNode s = JSON.readTree(scJson);
        assertEquals("scenarios", s.get("form").asText());
        assertEquals(1, s.get("exitCode").asInt(), "the timeouts injected fail the threshold");
        assertTrue(s.get("steps").size() == 3 && s.get("scenarios").size() == 1);

        // a schema that can fail: a report without a required name does not pass
        var broken = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
        broken.remove("achievedRate");
        assertFalse(schema().validate(broken).isEmpty());
    }

    @Test
    void theHtmlReportIsOneFileThatLoadsNothing() {
        RunResult r = scenarioRun();
        String html = HtmlReport.render(r, Verdict.of(r, List.of(Threshold.parse("p99<1s"))));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        for (String network : List.of("<link", "src=", "@import", "url(", "<img", "<iframe", "fetch(", "XMLHttpRequest")) {
            assertFalse(html.contains(network), "the report refers to something outside it: " + network);
        }
        for (String section : List.of("Latency over time", "Percentile spectrum", "Intended vs achieved rate", "funnel",
                "Errors over time", "Thresholds", "query", "run_single_task", "start_task")) {
            assertTrue(html.contains(section), section);
        }
        assertTrue(html.split("<svg").length - 1 >= 5, "five charts");
        assertTrue(html.length() < 2_000_000, "bounded size");
    }

    @Test
    void theHlogReadsBackThroughHdrHistogramsOwnReader(@TempDir Path dir) throws Exception {
        Path hlog = dir.resolve("run.hlog");
        RunResult r = openRun(hlog);
        Map<String, Histogram> byTag = new HashMap<>();
        int intervals = 0;
        try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile())) {
            EncodableHistogram e;
            while ((e = reader.nextIntervalHistogram()) != null) {
                intervals++;
                Histogram h = (Histogram) e;
                byTag.computeIfAbsent(h.getTag(), t -> new Histogram(3)).add(h);
            }
        }
        assertTrue(intervals >= 2, "one interval per second and tag: " + intervals);
        Histogram request = byTag.get("request");
        assertEquals(r.step("request").ok(), request.getTotalCount());
        assertEquals(r.step("request").histogram().getValueAtPercentile(99), request.getValueAtPercentile(99));
        assertEquals(r.step("request").histogram().getMaxValue(), request.getMaxValue());
        assertEquals(r.step("request").ok(), byTag.get("request.uncorrected").getTotalCount());
        assertTrue(Files.readString(hlog).contains("Histogram log format version"));
    }
}
