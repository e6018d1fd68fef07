package io.jasyncio.loadtest.model;

import java.util.List;

/**
 * A piecewise-linear curve over time (a rate or a user count) and its integral, with the integral's inverse:
 * the time by which {@code n} arrivals are due.
 *
 * <p>Threading: immutable.
 */
public final class RateCurve {
    private final double[] starts;   // segment i starts at starts[i] seconds
    private final double[] lengths;
    private final double[] from;
    private final double[] to;
    private final double[] cumulativeAtStart;

    private RateCurve(double start, List<Stage> stages) {
        int n = stages.size();
        starts = new double[n];
        lengths = new double[n];
        from = new double[n];
        to = new double[n];
        cumulativeAtStart = new double[n + 1];
        double t = 0;
        double v = start;
        for (int i = 0; i < n; i++) {
            Stage s = stages.get(i);
            starts[i] = t;
            lengths[i] = s.seconds();
            from[i] = v;
            to[i] = s.target();
            cumulativeAtStart[i + 1] = cumulativeAtStart[i] + (from[i] + to[i]) / 2 * lengths[i];
            t += s.seconds();
            v = s.target();
        }
    }

    /**
     * The curve starting at {@code start} and following {@code stages}.
     *
     * @param start the value at time 0
     * @param stages the segments, each reaching its target at its end
     * @return the curve
     */
    public static RateCurve of(double start, List<Stage> stages) {
        return new RateCurve(start, stages);
    }

    /**
     * The curve's end, in seconds.
     *
     * @return the sum of the stages' durations
     */
    public double end() {
        int n = starts.length;
        return n == 0 ? 0 : starts[n - 1] + lengths[n - 1];
    }

    /**
     * The value at {@code t} seconds (the last target after the end).
     *
     * @param t seconds after the start
     * @return the value
     */
    public double valueAt(double t) {
        for (int i = 0; i < starts.length; i++) {
            if (t < starts[i] + lengths[i]) {
                double f = Math.max(0, t - starts[i]) / lengths[i];
                return from[i] + (to[i] - from[i]) * f;
            }
        }
        return to.length == 0 ? 0 : to[to.length - 1];
    }

    /**
     * The integral from 0 to {@code t} (arrivals due by {@code t}), up to the end.
     *
     * @param t seconds after the start
     * @return the integral (e.g. arrivals due by then)
     */
    public double cumulative(double t) {
        for (int i = 0; i < starts.length; i++) {
            double tau = t - starts[i];
            if (tau < lengths[i]) {
                tau = Math.max(0, tau);
                return cumulativeAtStart[i] + from[i] * tau + (to[i] - from[i]) * tau * tau / (2 * lengths[i]);
            }
        }
        return cumulativeAtStart[starts.length];
    }

    /**
     * The time (seconds) at which the integral reaches {@code n}, or +∞ if it never does before the end.
     *
     * @param n the integral's value (e.g. an arrival's number)
     * @return the time in seconds, or {@code Double.POSITIVE_INFINITY}
     */
    public double timeOf(double n) {
        if (n < 0) return 0;
        for (int i = 0; i < starts.length; i++) {
            if (n < cumulativeAtStart[i + 1]) {
                double need = n - cumulativeAtStart[i];
                double a = (to[i] - from[i]) / (2 * lengths[i]);
                double b = from[i];
                // a τ² + b τ = need, in the form that is stable whatever the sign of a
                double disc = b * b + 4 * a * need;
                double tau = need == 0 ? 0 : 2 * need / (b + Math.sqrt(Math.max(0, disc)));
                return starts[i] + Math.min(Math.max(tau, 0), lengths[i]);
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
