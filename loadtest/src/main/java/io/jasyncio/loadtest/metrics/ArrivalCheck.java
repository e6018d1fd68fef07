package io.jasyncio.loadtest.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether an open model's Poisson arrivals are Poisson: a one-sample Kolmogorov–Smirnov test of the gaps between
 * consecutive arrivals of an {@link ArrivalLog} against the exponential distribution of the asked rate (fully
 * specified, so the classic test applies). Both columns are tested: the intended times (the schedule: load
 * tester's goal G2 asks for p ≥ α = 0.01 over 100,000 arrivals) and the actual send times (for information: the
 * loop's timer jitter, tens of microseconds, is visible to a test this sensitive at thousands per second).
 * For a constant rate only: a ramp's gaps are not identically distributed.
 *
 * <p>Threading: immutable results; the static methods keep no state.
 *
 * @param n how many gaps were tested
 * @param statistic the KS statistic D
 * @param pValue the probability of a D at least this large if the gaps were exponential
 */
public record ArrivalCheck(int n, double statistic, double pValue) {
    /** The most arrivals one check reads (8 bytes each in memory). */
    public static final int MAX_ARRIVALS = 50_000_000;

    /**
     * Whether the gaps pass at significance {@code alpha} (the exponential is not rejected).
     *
     * @param alpha the significance level, e.g. 0.01
     * @return true if {@code pValue >= alpha}
     */
    public boolean passes(double alpha) {
        return pValue >= alpha;
    }

    /**
     * The KS statistic D = sup |F_n(x) − F(x)| of {@code gaps} (seconds; sorted here, in place) against the
     * exponential distribution with mean 1/{@code rate}.
     *
     * @param gaps the gaps, in seconds (sorted in place)
     * @param rate the asked rate, arrivals per second
     * @return D, between 0 and 1
     * @throws IllegalArgumentException no gaps, or a rate that is not above 0
     */
    public static double statistic(double[] gaps, double rate) {
        if (gaps.length == 0) throw new IllegalArgumentException("no gaps to test");
        if (!(rate > 0)) throw new IllegalArgumentException("the rate must be above 0, got " + rate);
        Arrays.sort(gaps);
        int n = gaps.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = gaps[i] <= 0 ? 0 : -Math.expm1(-rate * gaps[i]);
            d = Math.max(d, Math.max((i + 1) / (double) n - f, f - i / (double) n));
        }
        return d;
    }

    /**
     * The probability that D is at least {@code d} for {@code n} samples of the distribution tested: Kolmogorov's
     * limiting distribution with Stephens' small-sample correction (Numerical Recipes' {@code probks}).
     *
     * @param d the KS statistic
     * @param n the number of samples
     * @return the p-value, between 0 and 1
     */
    public static double pValue(double d, int n) {
        double sqrtN = Math.sqrt(n);
        double lambda = (sqrtN + 0.12 + 0.11 / sqrtN) * d;
        if (lambda < 0.2) return 1; // the series converges slowly there; the sum is 1 to double precision
        double sum = 0, sign = 1, previous = 0;
        for (int k = 1; k <= 100; k++) {
            double term = sign * Math.exp(-2 * k * k * lambda * lambda);
            sum += term;
            if (Math.abs(term) <= 1e-10 * Math.abs(previous) || Math.abs(term) <= 1e-300) break;
            previous = term;
            sign = -sign;
        }
        return Math.max(0, Math.min(1, 2 * sum));
    }

    /**
     * The test of the gaps of {@code gaps} (seconds; sorted in place) against the exponential of {@code rate}.
     *
     * @param gaps the gaps, in seconds (sorted in place)
     * @param rate the asked rate, arrivals per second
     * @return the test's result
     */
    public static ArrivalCheck of(double[] gaps, double rate) {
        double d = statistic(gaps, rate);
        return new ArrivalCheck(gaps.length, d, pValue(d, gaps.length));
    }

    /**
     * The gaps (seconds) between consecutive times of each column of an arrival log, each column sorted first:
     * [0] intended, [1] sent. An {@link IllegalArgumentException} names a line that is not two integers.
     *
     * @param log a file written by {@link ArrivalLog}
     * @return the intended gaps and the sent gaps, in seconds
     * @throws IOException the file cannot be read
     */
    public static double[][] gaps(Path log) throws IOException {
        long[] intended = new long[1024], sent = new long[1024];
        int n = 0;
        long lines = 0;
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = in.readLine()) != null) {
                lines++;
                String[] f = line.strip().split(" +");
                if (f.length == 1 && f[0].isEmpty()) continue;
                if (n == MAX_ARRIVALS) throw new IllegalArgumentException(log + " has more than " + MAX_ARRIVALS + " arrivals");
                if (n == intended.length) {
                    intended = Arrays.copyOf(intended, n * 2);
                    sent = Arrays.copyOf(sent, n * 2);
                }
                try {
                    if (f.length != 2) throw new NumberFormatException();
                    intended[n] = Long.parseLong(f[0]);
                    sent[n] = Long.parseLong(f[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(log + " line " + lines + " is not 'intendedNanos sentNanos': '" + line + "'");
                }
                n++;
            }
        }
        return new double[][] {diffs(intended, n), diffs(sent, n)};
    }

    private static double[] diffs(long[] times, int n) {
        Arrays.sort(times, 0, n);
        double[] d = new double[Math.max(0, n - 1)];
        for (int i = 1; i < n; i++) d[i - 1] = (times[i] - times[i - 1]) / 1e9;
        return d;
    }
}
