package io.jasyncio.loadtest.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything a run measures: per step and per scenario {@link StepMetrics}, the "overall" metric thresholds and
 * the summary speak of (in the one-request form the request step itself; with scenarios every iteration),
 * the open model's arrivals (intended, sent) and schedule lag (actual send − intended send), the generator's
 * own loop lag, in-flight requests, and the {@link Timeline}. {@link #tick} closes each second.
 *
 * <p>Threading: the event loop's thread only.
 */
public final class Metrics {
    /** Steps (and scenarios) a run may name: a bound on memory, since each has its histograms. */
    public static final int MAX_STEPS = 64;

    private final Map<String, StepMetrics> steps = new LinkedHashMap<>();
    private final Map<String, StepMetrics> scenarios = new LinkedHashMap<>();
    private final boolean openModel;
    private StepMetrics overall;
    private final Histogram scheduleLag = Latency.histogram();
    private final Histogram loopLag = Latency.histogram();
    private Timeline timeline = new Timeline();
    private double origin;   // where the measured part of the run starts (after a warm-up), seconds
    private long measuredFromNanos = Long.MIN_VALUE;
    private long warmupEndNanos = Long.MAX_VALUE;
    private long sentAhead;   // sent, intended at or after the warm-up's end, before reset() ran
    private final Map<String, Long> intervalErrors = new LinkedHashMap<>();
    private final List<IntervalListener> intervalListeners = new ArrayList<>();
    private long intended;
    private long sent;
    private long intervalIntended;
    private long intervalSent;
    private long intervalScheduleLagMax;
    private int inFlight;
    private int maxInFlight;
    private int intervalMaxInFlight;
    private double lastTick;

    /** Where each counted arrival's intended and actual send time go (null: nowhere). */
    private ArrivalLog arrivalLog;

    /**
     * Sends each counted arrival's intended and actual send time (loop clock, ns) to {@code log}.
     *
     * @param log the log, or null for none
     */
    public void logArrivals(ArrivalLog log) {
        arrivalLog = log;
    }

    /**
     * Metrics of a run in the open model ({@code openModel}: arrivals have intended times) or the closed one.
     *
     * @param openModel true for the open model
     */
    public Metrics(boolean openModel) {
        this.openModel = openModel;
    }

    /**
     * Whether the run is in the open model.
     *
     * @return true for the open model
     */
    public boolean openModel() {
        return openModel;
    }

    /**
     * The step called {@code name}, made on first use.
     *
     * @param name the step's name
     * @return its metrics
     * @throws IllegalArgumentException the run already has {@value #MAX_STEPS} steps
     */
    public StepMetrics step(String name) {
        return named(steps, name, "steps");
    }

    /**
     * The scenario called {@code name}, made on first use.
     *
     * @param name the scenario's name
     * @return its metrics
     * @throws IllegalArgumentException the run already has {@value #MAX_STEPS} scenarios
     */
    public StepMetrics scenario(String name) {
        return named(scenarios, name, "scenarios");
    }

    private static StepMetrics named(Map<String, StepMetrics> map, String name, String what) {
        StepMetrics m = map.get(name);
        if (m == null) {
            if (map.size() >= MAX_STEPS) {
                throw new IllegalArgumentException("a run has at most " + MAX_STEPS + " " + what + "; '" + name
                        + "' would be one more");
            }
            m = new StepMetrics(name);
            map.put(name, m);
        }
        return m;
    }

    /**
     * Makes {@code m} the overall metric (the request step, or every iteration); set once, before the run.
     *
     * @param m the metric
     */
    public void overall(StepMetrics m) {
        this.overall = m;
    }

    /**
     * The overall metric (see {@link #overall(StepMetrics)}).
     *
     * @return the metric, or null before it is set
     */
    public StepMetrics overall() {
        return overall;
    }

    /**
     * Every step, in the order first used.
     *
     * @return a live view
     */
    public Collection<StepMetrics> steps() {
        return steps.values();
    }

    /**
     * Every scenario, in the order first used.
     *
     * @return a live view
     */
    public Collection<StepMetrics> scenarios() {
        return scenarios.values();
    }

    /**
     * A failure of {@code step}, counted also in this second's error timeline.
     *
     * @param step the step that failed
     * @param kind the failure's kind (see {@link ErrorKind})
     * @param message what happened; kept if it is the kind's first
     */
    public void failed(StepMetrics step, String kind, String message) {
        step.failed(kind, message);
        intervalErrors.merge(step.name() + ":" + kind, 1L, Long::sum);
    }

    /** An arrival of the open model became due. */
    public void arrivalDue() {
        intended++;
        intervalIntended++;
    }

    /**
     * {@code n} arrivals became due.
     *
     * @param n how many
     */
    public void arrivalsDue(long n) {
        intended += n;
        intervalIntended += n;
    }

    /**
     * A request or iteration intended at {@code intendedNanos} (loop clock) was started, {@code lagNanos} late by
     * the generator's fault (0 in the closed model). One intended before a warm-up ended is in flight but not
     * counted as sent (its arrival was not counted as due either).
     *
     * @param intendedNanos when it was meant to start, on the loop's clock (nanoseconds)
     * @param lagNanos how late it was started (its schedule lag), in nanoseconds
     */
    public void sent(long intendedNanos, long lagNanos) {
        sent(intendedNanos, lagNanos, intendedNanos + Math.max(0, lagNanos));
    }

    /**
     * {@link #sent(long, long)}, actually sent at {@code sentNanos} (what the arrival log records).
     *
     * @param intendedNanos when it was meant to start, on the loop's clock (nanoseconds)
     * @param lagNanos how late it was started, in nanoseconds
     * @param sentNanos when it was started, on the loop's clock (nanoseconds)
     */
    public void sent(long intendedNanos, long lagNanos, long sentNanos) {
        if (++inFlight > maxInFlight) maxInFlight = inFlight;
        if (intendedNanos < measuredFromNanos) return;
        if (intendedNanos >= warmupEndNanos && measuredFromNanos < warmupEndNanos) sentAhead++;
        sent++;
        intervalSent++;
        if (inFlight > intervalMaxInFlight) intervalMaxInFlight = inFlight;
        if (openModel) {
            long lag = Math.max(0, lagNanos);
            scheduleLag.recordValue(lag);
            if (arrivalLog != null && (intendedNanos >= warmupEndNanos || warmupEndNanos == Long.MAX_VALUE)) {
                arrivalLog.add(intendedNanos, sentNanos); // the measured ones: none of the warm-up's
            }
            if (lag > intervalScheduleLagMax) intervalScheduleLagMax = lag;
        }
    }

    /** A request or iteration that {@link #sent} counted has ended (however it ended). */
    public void finished() {
        inFlight--;
    }

    /**
     * The generator's loop ran a timer {@code lagNanos} late.
     *
     * @param lagNanos how late, in nanoseconds
     */
    public void loopLag(long lagNanos) {
        loopLag.recordValue(Math.max(0, lagNanos));
    }

    /**
     * Told of each closed second, before its histograms are added into the cumulative ones.
     *
     * <p>Threading: called on the loop thread that ticks these metrics.
     */
    public interface IntervalListener {
        /**
         * The interval from {@code startSeconds} to {@code endSeconds} (after the run's start) is closed.
         *
         * @param metrics these metrics
         * @param startSeconds the interval's start, in seconds after the run's start
         * @param endSeconds its end, in seconds after the run's start
         */
        void interval(Metrics metrics, double startSeconds, double endSeconds);
    }

    /**
     * Calls {@code listener} at each {@link #tick}, before the second's histograms roll.
     *
     * @param listener the listener
     */
    public void onInterval(IntervalListener listener) {
        intervalListeners.add(listener);
    }

    /**
     * Closes the second that ends at {@code secondsSinceStart}: a timeline point, then the histograms roll.
     *
     * @param secondsSinceStart the second's end, in seconds after the run's start (the warm-up included)
     */
    public void tick(double secondsSinceStart) {
        Histogram h = overall == null ? Latency.histogram() : overall.intervalLatency();
        if (secondsSinceStart > lastTick) timeline.add(new Timeline.Point(lastTick - origin, secondsSinceStart - lastTick, openModel ? intervalIntended : -1,
                intervalSent, overall == null ? 0 : overall.intervalOk(), overall == null ? 0 : overall.intervalFailed(),
                Math.max(intervalMaxInFlight, inFlight), Latency.percentileMs(h, 50), Latency.percentileMs(h, 90),
                Latency.percentileMs(h, 99), Latency.percentileMs(h, 100),
                openModel ? Latency.ms(intervalScheduleLagMax) : Double.NaN, intervalErrors));
        for (IntervalListener l : intervalListeners) l.interval(this, lastTick, secondsSinceStart);
        for (StepMetrics s : steps.values()) s.rollInterval();
        for (StepMetrics s : scenarios.values()) s.rollInterval();
        if (overall != null && !steps.containsValue(overall) && !scenarios.containsValue(overall)) overall.rollInterval();
        lastTick = secondsSinceStart;
        intervalIntended = 0;
        intervalSent = 0;
        intervalScheduleLagMax = 0;
        intervalMaxInFlight = inFlight;
        intervalErrors.clear();
    }

    /**
     * Says when the warm-up ends ({@code nanos}, the loop's clock): an arrival intended from then on that is sent
     * before {@link #reset} runs (the loop took an answer, and sent the next arrival, before the warm-up's timer)
     * stays counted as sent in the measured time, as its arrival is counted as due there.
     *
     * @param nanos the warm-up's end on the loop's clock, in nanoseconds
     */
    public void warmupEndsAt(long nanos) {
        warmupEndNanos = nanos;
    }

    /**
     * Forgets everything recorded so far (the end of a warm-up at {@code secondsSinceStart}; call right after a
     * {@link #tick}; {@code fromNanos} is that time on the loop's clock): what follows is measured from there.
     * Requests in flight stay counted as in flight.
     *
     * @param secondsSinceStart the warm-up's end, in seconds after the run's start
     * @param fromNanos the same time on the loop's clock, in nanoseconds
     */
    public void reset(double secondsSinceStart, long fromNanos) {
        measuredFromNanos = fromNanos;
        for (StepMetrics s : steps.values()) s.reset();
        for (StepMetrics s : scenarios.values()) s.reset();
        if (overall != null) overall.reset();
        scheduleLag.reset();
        loopLag.reset();
        timeline = new Timeline();
        intervalErrors.clear();
        intended = 0;
        sent = sentAhead;
        intervalIntended = 0;
        intervalSent = sentAhead;
        sentAhead = 0;
        intervalScheduleLagMax = 0;
        maxInFlight = inFlight;
        intervalMaxInFlight = inFlight;
        lastTick = secondsSinceStart;
        origin = secondsSinceStart;
    }

    /**
     * Adds what {@code other} (the same run's share measured on another loop, both finished) recorded: steps and
     * scenarios by name, the overall metric, arrivals, lags and the timeline; the most in flight is the sum of
     * the loops' most (an upper bound: their peaks need not coincide).
     *
     * @param other the other loop's metrics
     */
    public void add(Metrics other) {
        for (StepMetrics s : other.steps.values()) step(s.name()).add(s);
        for (StepMetrics s : other.scenarios.values()) scenario(s.name()).add(s);
        boolean overallIsStep = steps.containsValue(overall) || scenarios.containsValue(overall);
        if (overall != null && other.overall != null && !overallIsStep) overall.add(other.overall);
        scheduleLag.add(other.scheduleLag);
        loopLag.add(other.loopLag);
        timeline.add(other.timeline);
        intended += other.intended;
        sent += other.sent;
        maxInFlight += other.maxInFlight;
    }

    /**
     * Arrivals due in the measured time (open model).
     *
     * @return the count
     */
    public long intended() {
        return intended;
    }

    /**
     * Requests or iterations started in the measured time.
     *
     * @return the count
     */
    public long sent() {
        return sent;
    }

    /**
     * Requests or iterations outstanding now.
     *
     * @return the count
     */
    public int inFlight() {
        return inFlight;
    }

    /**
     * The most outstanding at once in the measured time.
     *
     * @return the count
     */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Requests or iterations started in the current second.
     *
     * @return the count
     */
    public long intervalSent() {
        return intervalSent;
    }

    /**
     * How late the open model's arrivals were started, in nanoseconds.
     *
     * @return the live histogram
     */
    public Histogram scheduleLag() {
        return scheduleLag;
    }

    /**
     * How late the generator's loop ran its lag timer, in nanoseconds.
     *
     * @return the live histogram
     */
    public Histogram loopLag() {
        return loopLag;
    }

    /**
     * The run second by second.
     *
     * @return the live timeline
     */
    public Timeline timeline() {
        return timeline;
    }

    /**
     * Failures of every step.
     *
     * @return the count
     */
    public long failed() {
        long n = 0;
        for (StepMetrics s : steps.values()) n += s.failed();
        return n;
    }

    /**
     * Attempts of every step.
     *
     * @return the count
     */
    public long requests() {
        long n = 0;
        for (StepMetrics s : steps.values()) n += s.requests();
        return n;
    }
}
