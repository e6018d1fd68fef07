package io.jasyncio.loadtest.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one step (or the whole of an iteration) measured: the latency of its successes, twice — from the
 * intended start (coordinated-omission corrected, wrk2's method: in the open model a request that waited for
 * the generator or for a connection counts that wait) and from the actual send (the uncorrected view, which
 * equals the corrected one in the closed model) — and its failures by kind, with the first message of each.
 * Latencies go to this second's histograms; {@link #rollInterval} adds them into the cumulative ones.
 *
 * <p>Threading: the event loop's thread only.
 */
public final class StepMetrics {
    /** Kinds kept per step; further kinds are counted under {@code other}. */
    public static final int MAX_KINDS = 32;

    private final String name;
    private final Histogram latency = Latency.histogram();
    private final Histogram uncorrected = Latency.histogram();
    private final Histogram intervalLatency = Latency.histogram();
    private final Histogram intervalUncorrected = Latency.histogram();
    private final Map<String, Errors> errors = new LinkedHashMap<>();
    private long ok;
    private long failed;
    private long intervalOk;
    private long intervalFailed;

    /**
     * Failures of one kind: how many, and the first message.
     *
     * <p>Threading: as its step's: the event loop's thread only.
     */
    public static final class Errors {
        long count;
        final String firstMessage;

        Errors(String firstMessage) {
            this.firstMessage = firstMessage;
        }

        /**
         * How many failures of this kind.
         *
         * @return the count
         */
        public long count() {
            return count;
        }

        /**
         * The first failure's message (cut at 300 characters).
         *
         * @return the message, possibly empty
         */
        public String firstMessage() {
            return firstMessage;
        }
    }

    /**
     * Empty metrics for the step {@code name}.
     *
     * @param name the step's name
     */
    public StepMetrics(String name) {
        this.name = name;
    }

    /**
     * The step's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * A success that took {@code correctedNanos} from its intended start and {@code uncorrectedNanos} from its send.
     *
     * @param correctedNanos the latency from the intended start, in nanoseconds
     * @param uncorrectedNanos the latency from the actual send, in nanoseconds
     */
    public void ok(long correctedNanos, long uncorrectedNanos) {
        ok++;
        intervalOk++;
        intervalLatency.recordValue(Math.max(0, correctedNanos));
        intervalUncorrected.recordValue(Math.max(0, uncorrectedNanos));
    }

    /**
     * A failure of {@code kind} (see {@link ErrorKind}); {@code message} is kept if it is the kind's first.
     *
     * @param kind the failure's kind; past {@value #MAX_KINDS} kinds, counted as {@code other}
     * @param message what happened
     */
    public void failed(String kind, String message) {
        failed++;
        intervalFailed++;
        Errors e = errors.get(kind);
        if (e == null) {
            if (errors.size() >= MAX_KINDS) kind = "other";
            e = errors.computeIfAbsent(kind, k -> new Errors(message == null ? "" : shorten(message)));
        }
        e.count++;
    }

    private static String shorten(String message) {
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    /** Adds this second's latencies into the cumulative histograms and starts the next second. */
    public void rollInterval() {
        latency.add(intervalLatency);
        uncorrected.add(intervalUncorrected);
        intervalLatency.reset();
        intervalUncorrected.reset();
        intervalOk = 0;
        intervalFailed = 0;
    }

    /**
     * Adds what {@code other} (the same step, measured on another loop) recorded: its latencies, counts and
     * failures (a kind's first message is this one's if it has the kind, else the other's). Both must be closed
     * (after their last {@link #rollInterval}).
     *
     * @param other the same step's metrics from another loop
     */
    public void add(StepMetrics other) {
        latency.add(other.latency);
        uncorrected.add(other.uncorrected);
        ok += other.ok;
        failed += other.failed;
        other.errors.forEach((kind, e) -> {
            Errors mine = errors.get(kind);
            if (mine == null) {
                String k = errors.size() >= MAX_KINDS ? "other" : kind;
                mine = errors.computeIfAbsent(k, x -> new Errors(e.firstMessage));
            }
            mine.count += e.count;
        });
    }

    /** Forgets everything recorded (the end of a warm-up). */
    public void reset() {
        latency.reset();
        uncorrected.reset();
        intervalLatency.reset();
        intervalUncorrected.reset();
        errors.clear();
        ok = 0;
        failed = 0;
        intervalOk = 0;
        intervalFailed = 0;
    }

    /**
     * The successes' latency from the intended start, up to the last {@link #rollInterval}.
     *
     * @return the live histogram, in nanoseconds
     */
    public Histogram latency() {
        return latency;
    }

    /**
     * The successes' latency from the actual send, up to the last {@link #rollInterval}.
     *
     * @return the live histogram, in nanoseconds
     */
    public Histogram uncorrected() {
        return uncorrected;
    }

    /**
     * This second's successes' latency from the intended start (until the next {@link #rollInterval}).
     *
     * @return the live histogram, in nanoseconds
     */
    public Histogram intervalLatency() {
        return intervalLatency;
    }

    /**
     * This second's successes' latency from the actual send.
     *
     * @return the live histogram, in nanoseconds
     */
    public Histogram intervalUncorrected() {
        return intervalUncorrected;
    }

    /**
     * Successes so far.
     *
     * @return the count
     */
    public long ok() {
        return ok;
    }

    /**
     * Failures so far.
     *
     * @return the count
     */
    public long failed() {
        return failed;
    }

    /**
     * Attempts: successes and failures.
     *
     * @return the count
     */
    public long requests() {
        return ok + failed;
    }

    /**
     * Successes in the current second.
     *
     * @return the count
     */
    public long intervalOk() {
        return intervalOk;
    }

    /**
     * Failures in the current second.
     *
     * @return the count
     */
    public long intervalFailed() {
        return intervalFailed;
    }

    /**
     * Failures by kind, in the order the kinds first appeared.
     *
     * @return the live map (kind to failures)
     */
    public Map<String, Errors> errors() {
        return errors;
    }

    /**
     * Failures of {@code kind}.
     *
     * @param kind the kind's name
     * @return the count (0 if none)
     */
    public long failed(String kind) {
        Errors e = errors.get(kind);
        return e == null ? 0 : e.count;
    }
}
