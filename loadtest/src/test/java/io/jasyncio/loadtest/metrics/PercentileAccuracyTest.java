package io.jasyncio.loadtest.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.loadtest.report.RunResult;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** G4: percentiles within 0.1% of the exact ones from the raw values; memory independent of the count. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PercentileAccuracyTest {
    /** The exact nearest-rank percentile of sorted values. */
    private static long exact(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static StepMetrics recorded(long[] raw) {
        StepMetrics m = new StepMetrics("x");
        for (long v : raw) m.ok(v, v);
        m.rollInterval();
        return m;
    }

    private static void assertAccurate(long[] raw) {
        StepMetrics m = recorded(raw);
        long[] sorted = raw.clone();
        Arrays.sort(sorted);
        for (double p : new double[] {50, 75, 90, 95, 99, 99.9, 99.99}) {
            double got = m.latency().getValueAtPercentile(p);
            long want = exact(sorted, p);
            assertTrue(Math.abs(got - want) <= 0.001 * want, "p" + p + ": " + got + " vs exact " + want);
        }
        long max = sorted[sorted.length - 1];
        assertEquals(max, m.latency().getMaxValue(), 0.001 * max);
    }

    @Test
    void logNormalLatenciesFromMicrosecondsToSeconds() {
        SplittableRandom r = new SplittableRandom(1);
        long[] raw = new long[1_000_000];
        for (int i = 0; i < raw.length; i++) raw[i] = (long) Math.exp(13 + 1.5 * r.nextGaussian()); // median ~0.44 ms, tail to s
        assertAccurate(raw);
    }

    @Test
    void theBimodalCaseOfGatling4715() {
        // 94% near 2 ms, 6% at 1502 ms: p95 must be 1502 ms, not a value between the modes
        long[] raw = new long[10_000];
        for (int i = 0; i < raw.length; i++) raw[i] = i < 9_400 ? 2_000_000L + i : 1_502_000_000L;
        assertAccurate(raw);
        StepMetrics m = recorded(raw);
        assertEquals(1502, Latency.percentileMs(m.latency(), 95), 1.502);
        assertEquals(1502, RunResult.Summary.of(m.latency()).p99(), 1.502);
    }

    @Test
    void subMillisecondValuesKeepTheirPrecision() {
        // Locust rounds sub-millisecond response times; 37 us stays 37 us here (within 0.1%)
        long[] raw = new long[1000];
        for (int i = 0; i < raw.length; i++) raw[i] = 37_000 + i % 3;
        assertAccurate(raw);
        assertEquals(0.037, Latency.percentileMs(recorded(raw).latency(), 50), 0.00004);
    }

    @Test
    void memoryDoesNotGrowWithTheCount() {
        // JMeter keeps a 20k-sample window to bound memory; a histogram needs none
        StepMetrics m = new StepMetrics("x");
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 100_000; i++) m.ok(1_000_000 + r.nextLong(1_000_000_000), 0);
        m.rollInterval();
        int after100k = m.latency().getEstimatedFootprintInBytes();
        for (int i = 0; i < 5_000_000; i++) m.ok(1_000_000 + r.nextLong(1_000_000_000), 0);
        m.rollInterval();
        assertEquals(after100k, m.latency().getEstimatedFootprintInBytes());
        assertTrue(after100k < 400_000, "bytes: " + after100k);
    }

    @Test
    void theTimelineStaysBoundedWhateverTheRunLength() {
        Timeline t = new Timeline();
        for (int s = 0; s < 36_000; s++) {
            t.add(new Timeline.Point(s, 1, 10, 10, 9, 1, 3, 1, 2, 3, 4, 0.1, Map.of("request:timeout", 1L)));
        }
        List<Timeline.Point> p = t.points();
        assertTrue(p.size() <= Timeline.MAX_POINTS, "points: " + p.size());
        assertEquals(36_000L * 9, p.stream().mapToLong(Timeline.Point::ok).sum(), "counts add up when merged");
        assertEquals(36_000L, p.stream().mapToLong(x -> x.errors().get("request:timeout")).sum());
        assertEquals(36_000, p.get(p.size() - 1).startSeconds() + p.get(p.size() - 1).seconds(), 1e-9);
    }
}
