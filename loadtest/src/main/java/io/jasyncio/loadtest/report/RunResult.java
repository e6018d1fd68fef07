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
 *
 * @param target the workload's name (the URL, or the scenarios' names)
 * @param form {@code requests} (one request repeated) or {@code scenarios}
 * @param model the load model as run
 * @param startedAt when the measured part began (after the warm-up), ISO-8601 UTC
 * @param loadSeconds seconds of load measured (shorter than asked when the run was aborted)
 * @param elapsedSeconds seconds from start to the last answer (the drain included)
 * @param requests attempts of every step
 * @param ok attempts that succeeded
 * @param errors attempts that failed
 * @param intended arrivals the open model's schedule asked for in the measured part; -1 in the closed model
 * @param sent arrivals actually sent (open model; fewer than {@code intended} when no connection was free)
 * @param achievedRate {@code requests} per second of {@code loadSeconds}
 * @param intendedRate {@code intended} per second of {@code loadSeconds}; NaN in the closed model
 * @param maxInFlight the most requests (or iterations) outstanding at once
 * @param overall the one request's step, or every scenario iteration
 * @param steps each named step (in the one-request form, the one request)
 * @param scenarios each scenario's iterations
 * @param scheduleLag how late arrivals were sent after their intended time, in milliseconds; null in the closed model
 * @param loopLag how late the generator's 10 ms timer
 *     ran, in milliseconds (the loop's responsiveness)
 * @param generator the generator's own CPU cost
 * @param timeline the run second by second
 * @param valid true if nothing made the figures the generator's rather than the target's
 * @param invalidReasons why not, one sentence each (empty when valid)
 * @param aborted why the run was ended early, or null
 */
public record RunResult(String target, String form, Model model, String startedAt, double loadSeconds,
        double elapsedSeconds, long requests, long ok, long errors, long intended, long sent, double achievedRate,
        double intendedRate, int maxInFlight, Step overall, List<Step> steps, List<Step> scenarios,
        Summary scheduleLag, Summary loopLag, Generator generator, List<Timeline.Point> timeline, boolean valid,
        List<String> invalidReasons, String aborted) {

    /** Copies the lists. */
    public RunResult {
        steps = List.copyOf(steps);
        scenarios = List.copyOf(scenarios);
        timeline = List.copyOf(timeline);
        invalidReasons = List.copyOf(invalidReasons);
    }

    /**
     * The load model as run: {@code closed} or {@code open}.
     *
     * <p>Threading: immutable.
     *
     * @param type {@code open} or {@code closed}
     * @param users the closed model's most users, or the open model's connections (most at once)
     * @param rate the open model's starting rate, per second; NaN in the closed model
     * @param poisson whether arrivals were spaced as a Poisson process (open model)
     * @param stages the ramp stages
     * @param pipeline requests outstanding per connection (1: none pipelined)
     * @param timeoutSeconds seconds one request may take
     */
    public record Model(String type, int users, double rate, boolean poisson, List<Stage> stages, int pipeline,
            double timeoutSeconds) {
        /** Copies the stages. */
        public Model {
            stages = List.copyOf(stages);
        }
    }

    /**
     * Failures of one kind: how many and the first message.
     *
     * <p>Threading: immutable.
     *
     * @param count how many
     * @param firstMessage the first one's message
     */
    public record Errors(long count, String firstMessage) {}

    /**
     * Percentiles in milliseconds (NaN when nothing was recorded).
     *
     * <p>Threading: immutable.
     *
     * @param count how many values were recorded
     * @param min the lowest, in milliseconds
     * @param mean the mean, in milliseconds
     * @param p50 the median, in milliseconds
     * @param p90 the 90th percentile, in milliseconds
     * @param p99 the 99th percentile, in milliseconds
     * @param p999 the 99.9th percentile, in milliseconds
     * @param max the highest, in milliseconds
     */
    public record Summary(long count, double min, double mean, double p50, double p90, double p99, double p999, double max) {
        /**
         * The summary of a histogram of nanoseconds.
         *
         * @param h the histogram (values in nanoseconds)
         * @return its summary; every figure NaN when it is empty
         */
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
     *
     * <p>Threading: immutable (its histogram is a copy nobody writes to: read it, do not record into it).
     *
     * @param name the step's, scenario's or metric's name
     * @param requests attempts
     * @param ok successes
     * @param failed failures
     * @param errors failures by kind ({@link io.jasyncio.loadtest.metrics.ErrorKind}'s names, or a check's), in order
     *     of first occurrence
     * @param latency the successes' latency from the intended start, in milliseconds
     * @param uncorrected the successes' latency from the send, in milliseconds
     * @param histogram the corrected latencies, in nanoseconds
     */
    public record Step(String name, long requests, long ok, long failed, Map<String, Errors> errors, Summary latency,
            Summary uncorrected, Histogram histogram) {
        /** Copies the errors. */
        public Step {
            errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        }

        /**
         * The step of a step's metrics, copied.
         *
         * @param m the metrics
         * @return the step
         */
        public static Step of(StepMetrics m) {
            Map<String, Errors> e = new LinkedHashMap<>();
            m.errors().forEach((k, v) -> e.put(k, new Errors(v.count(), v.firstMessage())));
            return new Step(m.name(), m.requests(), m.ok(), m.failed(), e, Summary.of(m.latency()),
                    Summary.of(m.uncorrected()), m.latency().copy());
        }

        /**
         * Failures of {@code kind}.
         *
         * @param kind the kind's name
         * @return how many (0 if none)
         */
        public long failed(String kind) {
            Errors x = errors.get(kind);
            return x == null ? 0 : x.count();
        }

        /**
         * The latency at {@code percentile} (0–100) in milliseconds, NaN without successes.
         *
         * @param percentile 0 to 100
         * @return the latency in milliseconds, or NaN
         */
        public double percentileMs(double percentile) {
            return Latency.percentileMs(histogram, percentile);
        }
    }

    /**
     * The generator's own cost: process CPU seconds, the loop thread's CPU seconds, requests per process
     * CPU-second, the loop thread's highest one-second CPU share and its longest stretch over the limit; with
     * several {@code loops}, the loop threads' CPU seconds added up, and the busiest loop's share and stretch.
     *
     * <p>Threading: immutable.
     *
     * @param cpuSeconds the process's CPU seconds (user and system) over the run; NaN if the JVM cannot tell
     * @param loopCpuSeconds the loop threads' CPU seconds, added up
     * @param requestsPerCpuSecond {@code overall}'s attempts per process CPU-second
     * @param maxLoopBusy the busiest loop thread's highest one-second CPU share, 0 to 1
     * @param saturatedSeconds the longest stretch, in seconds, a loop thread stayed over {@code --max-busy}
     * @param engine the coroutine engine the loops ran ({@code vthread} or {@code portable})
     * @param loops how many loop threads generated load
     */
    public record Generator(double cpuSeconds, double loopCpuSeconds, double requestsPerCpuSecond, double maxLoopBusy,
            double saturatedSeconds, String engine, int loops) {}

    /**
     * The step called {@code name}, or null.
     *
     * @param name the step's name
     * @return the step
     */
    public Step step(String name) {
        for (Step s : steps) if (s.name().equals(name)) return s;
        return null;
    }

    /**
     * The scenario called {@code name}, or null.
     *
     * @param name the scenario's name
     * @return the scenario's iterations
     */
    public Step scenario(String name) {
        for (Step s : scenarios) if (s.name().equals(name)) return s;
        return null;
    }
}
