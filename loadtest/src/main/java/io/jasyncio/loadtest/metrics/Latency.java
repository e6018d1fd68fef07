package io.jasyncio.loadtest.metrics;

import org.HdrHistogram.Histogram;

/**
 * How the load tester keeps latencies: HdrHistograms of nanoseconds with 3 significant digits (a recorded
 * value is off by at most 0.1% of itself), auto-resizing, so their memory depends on the range of latencies
 * seen (≈ 170 KB up to 1 s), never on how many were recorded.
 *
 * <p>Threading: stateless.
 */
public final class Latency {
    private Latency() {}

    /** Significant decimal digits kept by every histogram. */
    public static final int DIGITS = 3;

    /**
     * A new empty histogram.
     *
     * @return a histogram of nanoseconds, {@value #DIGITS} significant digits, auto-resizing
     */
    public static Histogram histogram() {
        Histogram h = new Histogram(DIGITS);
        h.setAutoResize(true);
        return h;
    }

    /**
     * Nanoseconds as milliseconds.
     *
     * @param nanos a duration in nanoseconds
     * @return the same in milliseconds
     */
    public static double ms(long nanos) {
        return nanos / 1e6;
    }

    /**
     * The value at {@code percentile} (0–100) of {@code h} in milliseconds, NaN when it is empty. Nearest rank,
     * as HdrHistogram computes it: the highest value equivalent to the recorded one at that rank.
     *
     * @param h a histogram of nanoseconds
     * @param percentile 0 to 100 (100: the maximum)
     * @return the value in milliseconds, or NaN
     */
    public static double percentileMs(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) return Double.NaN;
        return percentile >= 100 ? ms(h.getMaxValue()) : ms(h.getValueAtPercentile(percentile));
    }
}
