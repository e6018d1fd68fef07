package io.jasyncio.loadtest.report;

import io.jasyncio.loadtest.metrics.Latency;
import io.jasyncio.loadtest.metrics.StepMetrics;
import io.jasyncio.loadtest.metrics.Timeline;
import io.jasyncio.loadtest.model.Stage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a run measured, complete and fixed: the input of every report, of the thresholds and of the verdict.
 * Latencies are in milliseconds; rates per second. {@code requests}, {@code ok} and {@code errors} count every
 * step's attempts, and {@code achievedRate} is {@code requests} per second of load; {@code overall} is the
 * request step in the one-request form, or every iteration with scenarios. In the closed model {@code intended} is
 * -1 and the intended rate and schedule lag are absent. {@code aborted} says why the run was ended early (a
 * threshold with {@code abortOnFail} failed), null when it ran its course.
 *
 * <p>Threading: immutable (the histograms are copies nobody writes to).
 */
public record RunResult(String target, String form, Model model, String startedAt, double loadSeconds,
        double elapsedSeconds, long requests, long ok, long errors, long intended, long sent, double achievedRate,
        double intendedRate, int maxInFlight, Step overall, List<Step> steps, List<Step> scenarios,
        Summary scheduleLag, Summary loopLag, Generator generator, List<Timeline.Point> timeline, boolean valid,
        List<String> invalidReasons, String aborted) {

    public RunResult {
        steps = List.copyOf(steps);
        scenarios = List.copyOf(scenarios);
        timeline = List.copyOf(timeline);
        invalidReasons = List.copyOf(invalidReasons);
    }

    /** The load model as run: {@code closed} or {@code open}. */
    public record Model(String type, int users, double rate, boolean poisson, List<Stage> stages, int pipeline,
            double timeoutSeconds) {
        public Model {
            stages = List.copyOf(stages);
        }
    }

    /** Failures of one kind: how many and the first message. */
    public record Errors(long count, String firstMessage) {}

    /** Percentiles in milliseconds (NaN when nothing was recorded). */
    public record Summary(long count, double min, double mean, double p50, double p90, double p99, double p999, double max) {
        public static Summary of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Summary(h.getTotalCount(), Latency.ms(h.getMinValue()), h.getMean() / 1e6,
                    Latency.percentileMs(h, 50), Latency.percentileMs(h, 90), Latency.percentileMs(h, 99),
                    Latency.percentileMs(h, 99.9), Latency.percentileMs(h, 100));
        }
    }

    /**
     * A step, a scenario or the overall metric: attempts, successes, failures by kind, and the successes'
     * latency from the intended start ({@code latency}, coordinated-omission corrected) and from the send
     * ({@code uncorrected}); {@code histogram} is the corrected one, for percentiles not in the summary.
     */
    public record Step(String name, long requests, long ok, long failed, Map<String, Errors> errors, Summary latency,
            Summary uncorrected, Histogram histogram) {
        public Step {
            errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        }

        public static Step of(StepMetrics m) {
            Map<String, Errors> e = new LinkedHashMap<>();
            m.errors().forEach((k, v) -> e.put(k, new Errors(v.count(), v.firstMessage())));
            return new Step(m.name(), m.requests(), m.ok(), m.failed(), e, Summary.of(m.latency()),
                    Summary.of(m.uncorrected()), m.latency().copy());
        }

        /** Failures of {@code kind}. */
        public long failed(String kind) {
            Errors x = errors.get(kind);
            return x == null ? 0 : x.count();
        }

        /** The latency at {@code percentile} (0–100) in milliseconds, NaN without successes. */
        public double percentileMs(double percentile) {
            return Latency.percentileMs(histogram, percentile);
        }
    }

    /**
     * The generator's own cost: process CPU seconds, the loop thread's CPU seconds, requests per process
     * CPU-second, the loop thread's highest one-second CPU share and its longest stretch over the limit; with
     * several {@code loops}, the loop threads' CPU seconds added up, and the busiest loop's share and stretch.
     */
    public record Generator(double cpuSeconds, double loopCpuSeconds, double requestsPerCpuSecond, double maxLoopBusy,
            double saturatedSeconds, String engine, int loops) {}

    /** The step called {@code name}, or null. */
    public Step step(String name) {
        for (Step s : steps) if (s.name().equals(name)) return s;
        return null;
    }

    /** The scenario called {@code name}, or null. */
    public Step scenario(String name) {
        for (Step s : scenarios) if (s.name().equals(name)) return s;
        return null;
    }
}
