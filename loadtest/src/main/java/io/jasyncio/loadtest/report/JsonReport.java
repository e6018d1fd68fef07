package io.jasyncio.loadtest.report;

import io.jasyncio.loadtest.metrics.Timeline;
import io.jasyncio.loadtest.model.Stage;
import io.jasyncio.loadtest.threshold.ThresholdResult;
import io.jasyncio.loadtest.threshold.Verdict;
import java.util.Map;

/**
 * The run as JSON, for scripts and CI. Schema version {@value #SCHEMA_VERSION}, described by the JSON Schema
 * {@code result.schema.json} beside this class. Top level: {@code schemaVersion}, {@code tool}, {@code target},
 * {@code form}, {@code model}, {@code startedAt}, {@code durationSeconds}, {@code requests}, {@code ok},
 * {@code errors}, {@code achievedRate}, {@code intended}/{@code sent}/{@code intendedRate} (open model), {@code valid},
 * {@code invalidReasons}, {@code exitCode}, {@code result}, {@code thresholds}, {@code overall}, {@code steps},
 * {@code scenarios}, {@code scheduleLagMs}, {@code loopLagMs}, {@code generator}, {@code timeline}. Each step has
 * {@code latencyMs} {@code {p50, p90, p99, p999, max, min, mean}} (from the intended start) and
 * {@code uncorrectedLatencyMs}, and {@code errorsByKind} with the count and first message of each kind.
 * Values that cannot be known (a percentile without successes) are null.
 *
 * <p>Threading: stateless.
 */
public final class JsonReport {
    /** The version of the JSON's layout; it changes when a field changes meaning or goes away. */
    public static final int SCHEMA_VERSION = 1;

    private JsonReport() {}

    /**
     * The report of a run.
     *
     * @param r the run's result
     * @param v its verdict
     * @return the JSON text (one object)
     */
    public static String render(RunResult r, Verdict v) {
        Json j = new Json().beginObject();
        j.field("schemaVersion", SCHEMA_VERSION).field("tool", "jasyncio-loadtest").field("target", r.target())
                .field("form", r.form());
        RunResult.Model m = r.model();
        j.key("model").beginObject().field("type", m.type()).field("users", m.users()).field("rate", m.rate())
                .field("poisson", m.poisson()).field("pipeline", m.pipeline()).field("timeoutSeconds", m.timeoutSeconds());
        j.key("stages").beginArray();
        for (Stage s : m.stages()) j.beginObject().field("seconds", s.seconds()).field("target", s.target()).endObject();
        j.endArray().endObject();
        j.field("startedAt", r.startedAt()).field("durationSeconds", r.loadSeconds())
                .field("elapsedSeconds", r.elapsedSeconds());
        j.field("requests", r.requests()).field("ok", r.ok()).field("errors", r.errors())
                .field("achievedRate", r.achievedRate());
        if (r.intended() >= 0) {
            j.field("intended", r.intended()).field("sent", r.sent()).field("intendedRate", r.intendedRate());
        }
        j.field("maxInFlight", r.maxInFlight());
        j.field("valid", r.valid());
        j.key("invalidReasons").beginArray();
        for (String s : r.invalidReasons()) j.value(s);
        j.endArray();
        j.field("aborted", r.aborted());
        j.field("exitCode", v.exitCode()).field("result", v.word());
        j.key("reasons").beginArray();
        for (String s : v.reasons()) j.value(s);
        j.endArray();
        j.key("thresholds").beginArray();
        for (ThresholdResult t : v.thresholds()) {
            j.beginObject().field("threshold", t.threshold()).field("passed", t.passed()).field("actual", t.actual())
                    .field("shown", t.shown()).endObject();
        }
        j.endArray();
        j.key("overall");
        step(j, r.overall());
        j.key("steps").beginArray();
        for (RunResult.Step s : r.steps()) step(j, s);
        j.endArray();
        j.key("scenarios").beginArray();
        for (RunResult.Step s : r.scenarios()) step(j, s);
        j.endArray();
        if (r.scheduleLag() != null) {
            j.key("scheduleLagMs");
            summary(j, r.scheduleLag());
        }
        j.key("loopLagMs");
        summary(j, r.loopLag());
        RunResult.Generator g = r.generator();
        j.key("generator").beginObject().field("cpuSeconds", g.cpuSeconds()).field("loopCpuSeconds", g.loopCpuSeconds())
                .field("requestsPerCpuSecond", g.requestsPerCpuSecond()).field("maxLoopBusy", g.maxLoopBusy())
                .field("saturatedSeconds", g.saturatedSeconds()).field("engine", g.engine()).field("loops", g.loops()).endObject();
        j.key("timeline").beginArray();
        for (Timeline.Point p : r.timeline()) {
            j.beginObject().field("t", p.startSeconds()).field("seconds", p.seconds());
            if (p.intended() >= 0) j.field("intended", p.intended());
            j.field("sent", p.sent()).field("ok", p.ok()).field("failed", p.failed()).field("inFlight", p.inFlight())
                    .field("p50", p.p50()).field("p90", p.p90()).field("p99", p.p99()).field("max", p.max());
            if (!Double.isNaN(p.scheduleLagMaxMs())) j.field("scheduleLagMaxMs", p.scheduleLagMaxMs());
            if (!p.errors().isEmpty()) {
                j.key("errors").beginObject();
                for (Map.Entry<String, Long> e : p.errors().entrySet()) j.field(e.getKey(), e.getValue());
                j.endObject();
            }
            j.endObject();
        }
        j.endArray();
        return j.endObject().toString();
    }

    private static void step(Json j, RunResult.Step s) {
        j.beginObject().field("name", s.name()).field("requests", s.requests()).field("ok", s.ok())
                .field("failed", s.failed());
        j.key("latencyMs");
        summary(j, s.latency());
        j.key("uncorrectedLatencyMs");
        summary(j, s.uncorrected());
        j.key("errorsByKind").beginObject();
        for (Map.Entry<String, RunResult.Errors> e : s.errors().entrySet()) {
            j.key(e.getKey()).beginObject().field("count", e.getValue().count())
                    .field("firstMessage", e.getValue().firstMessage()).endObject();
        }
        j.endObject().endObject();
    }

    private static void summary(Json j, RunResult.Summary s) {
        j.beginObject().field("count", s.count()).field("p50", s.p50()).field("p90", s.p90()).field("p99", s.p99())
                .field("p999", s.p999()).field("max", s.max()).field("min", s.min()).field("mean", s.mean()).endObject();
    }
}
