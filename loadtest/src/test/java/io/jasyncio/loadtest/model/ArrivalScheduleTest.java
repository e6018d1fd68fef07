package io.jasyncio.loadtest.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** G2's schedule side: the arrivals the open model intends, exactly, for constant, ramping and Poisson rates. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ArrivalScheduleTest {
    private static List<Double> times(LoadModel.Open m) {
        ArrivalSchedule s = m.schedule();
        List<Double> out = new ArrayList<>();
        double t;
        while ((t = s.peek()) != Double.POSITIVE_INFINITY) {
            out.add(t);
            s.advance();
        }
        return out;
    }

    @Test
    void aConstantRateIsEvenlySpacedAndExact() {
        List<Double> t = times(LoadModel.Open.constant(1000, 60, 1));
        assertEquals(60_000, t.size());
        for (int i = 0; i < t.size(); i++) assertEquals(i / 1000.0, t.get(i), 1e-9);
        assertEquals(10_000 * 60, times(LoadModel.Open.constant(10_000, 60, 1)).size());
    }

    @Test
    void aRampDeliversItsIntegralWithinHalfAPercentEverySecond() {
        // 0 -> 50k/s in 60 s (the check of k6-docs #1565): cumulative count vs the integral
        LoadModel.Open m = new LoadModel.Open(0, List.of(new Stage(60, 50_000)), false, 0, 1);
        List<Double> t = times(m);
        assertEquals(1_500_000, t.size(), 1);
        RateCurve c = RateCurve.of(0, m.stages());
        int i = 0;
        for (int sec = 1; sec <= 60; sec++) {
            while (i < t.size() && t.get(i) < sec) i++;
            double expect = c.cumulative(sec);
            assertTrue(Math.abs(i - expect) <= Math.max(1, 0.005 * expect), sec + " s: " + i + " vs " + expect);
        }
        for (int k = 1; k < t.size(); k++) assertTrue(t.get(k) >= t.get(k - 1));
    }

    @Test
    void stagesUpAndDown() {
        LoadModel.Open m = new LoadModel.Open(100, List.of(new Stage(10, 100), new Stage(10, 300), new Stage(10, 0)), false, 0, 1);
        // 1000 + 2000 + 1500 arrivals
        assertEquals(4500, times(m).size(), 1);
        assertEquals(4500, m.expectedArrivals(), 1e-6);
    }

    @Test
    void poissonGapsAreExponentialByAKolmogorovSmirnovTest() {
        List<Double> t = times(new LoadModel.Open(1000, List.of(new Stage(100, 1000)), true, 42, 1));
        assertEquals(100_000, t.size(), 1500); // ±~4.7 sigma
        double[] gaps = new double[t.size() - 1];
        for (int i = 1; i < t.size(); i++) gaps[i - 1] = t.get(i) - t.get(i - 1);
        Arrays.sort(gaps);
        double d = 0;
        int n = gaps.length;
        for (int i = 0; i < n; i++) {
            double cdf = 1 - Math.exp(-1000 * gaps[i]);
            d = Math.max(d, Math.max(Math.abs(cdf - (double) i / n), Math.abs((double) (i + 1) / n - cdf)));
        }
        double critical = 1.628 / Math.sqrt(n); // alpha = 0.01
        assertTrue(d < critical, "KS statistic " + d + " >= " + critical);
        // same seed, same schedule
        assertEquals(t, times(new LoadModel.Open(1000, List.of(new Stage(100, 1000)), true, 42, 1)));
    }

    @Test
    void durationsAndStagesParse() {
        assertEquals(30, Durations.parseSeconds("30s"));
        assertEquals(0.25, Durations.parseSeconds("250ms"));
        assertEquals(90, Durations.parseSeconds("1m30s"));
        assertEquals(7200, Durations.parseSeconds("2h"));
        assertEquals(5, Durations.parseSeconds("5"));
        for (String bad : List.of("", "s", "5x", "1.2.3s", "-5s", "5 s")) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parseSeconds(bad), bad);
        }
        assertEquals(List.of(new Stage(10, 100), new Stage(30, 100), new Stage(10, 0)), Stage.parseList("10s:100, 30s:100,10s:0"));
        assertThrows(IllegalArgumentException.class, () -> Stage.parseList("10s"));
        assertThrows(IllegalArgumentException.class, () -> Stage.parseList("0s:10"));
    }
}
