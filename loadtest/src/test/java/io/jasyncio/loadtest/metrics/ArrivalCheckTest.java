package io.jasyncio.loadtest.metrics;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.loadtest.cli.LoadTestCli;
import io.jasyncio.loadtest.model.ArrivalSchedule;
import io.jasyncio.loadtest.model.LoadModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** G2's Poisson check: the KS statistic and p-value on known samples, the open model's schedule, the log's command. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArrivalCheckTest {

    @Test
    void statisticOfAHandWorkedSample() {
        // F(x) = 1 - e^-x at 0.1, 0.5, 2.0: 0.09516, 0.39347, 0.86466; D = max(1/3-0.09516, 2/3-0.39347, ...) = 0.27320
        assertEquals(0.273197, ArrivalCheck.statistic(new double[] {2.0, 0.1, 0.5}, 1), 1e-6);
        assertEquals(-Math.expm1(-1), ArrivalCheck.statistic(new double[] {1.0}, 1), 1e-12); // one sample: max(1 - F(1), F(1))
    }

    @Test
    void theExponentialsOwnQuantilesAreHalfAStepAway() {
        int n = 1000;
        double rate = 250;
        double[] q = new double[n];
        for (int i = 0; i < n; i++) q[i] = -Math.log1p(-(i + 0.5) / n) / rate;
        assertEquals(0.5 / n, ArrivalCheck.statistic(q, rate), 1e-12);
    }

    @Test
    void pValuesOfKolmogorovsDistribution() {
        int n = 1_000_000; // Stephens' correction is negligible here: the limiting distribution's known quantiles
        assertEquals(0.05, ArrivalCheck.pValue(1.3581 / Math.sqrt(n), n), 1e-3);
        assertEquals(0.01, ArrivalCheck.pValue(1.6276 / Math.sqrt(n), n), 1e-4);
        assertEquals(1, ArrivalCheck.pValue(0, n));
        assertTrue(ArrivalCheck.pValue(0.5, n) < 1e-100);
    }

    @Test
    void exponentialSamplesPassAndOthersAreRejected() {
        int n = 100_000;
        double rate = 1000;
        SplittableRandom r = new SplittableRandom(42);
        double[] exp = new double[n], uniform = new double[n], wrongRate = new double[n];
        for (int i = 0; i < n; i++) {
            exp[i] = -Math.log(1 - r.nextDouble()) / rate;
            uniform[i] = r.nextDouble() * 2 / rate; // the same mean, not exponential
            wrongRate[i] = -Math.log(1 - r.nextDouble()) / (rate * 1.02);
        }
        assertTrue(ArrivalCheck.of(exp, rate).passes(0.01), "exponential gaps rejected");
        assertFalse(ArrivalCheck.of(uniform, rate).passes(0.01), "uniform gaps passed");
        assertFalse(ArrivalCheck.of(wrongRate, rate).passes(0.01), "gaps of a 2% higher rate passed");
    }

    private static double[] scheduleGaps(LoadModel.Open m, int n) {
        ArrivalSchedule s = m.schedule();
        double[] g = new double[n];
        double last = s.peek();
        for (int i = 0; i < n; i++) {
            s.advance();
            double t = s.peek();
            g[i] = t - last;
            last = t;
        }
        return g;
    }

    @Test
    void theOpenModelsPoissonScheduleIsPoissonAndTheEvenOneIsNot() {
        // G2: over 100k arrivals at 1,000/s, the intended gaps pass the KS test at alpha = 0.01
        for (long seed = 1; seed <= 3; seed++) {
            LoadModel.Open poisson = new LoadModel.Open(1000, java.util.List.of(new io.jasyncio.loadtest.model.Stage(200, 1000)), true, seed, 1);
            ArrivalCheck c = ArrivalCheck.of(scheduleGaps(poisson, 100_000), 1000);
            assertTrue(c.passes(0.01), "seed " + seed + ": " + c);
        }
        LoadModel.Open even = LoadModel.Open.constant(1000, 200, 1);
        assertFalse(ArrivalCheck.of(scheduleGaps(even, 100_000), 1000).passes(0.01));
    }

    @Test
    void theArrivalsCommandReadsALogAndItsExitCodeSaysTheVerdict(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("arrivals.log");
        SplittableRandom r = new SplittableRandom(7);
        try (ArrivalLog a = ArrivalLog.open(log)) {
            long t = 5_000_000_000L;
            for (int i = 0; i < 20_000; i++) {
                t += (long) (-Math.log(1 - r.nextDouble()) / 2000 * 1e9);
                a.add(t, t + 20_000 + r.nextInt(50_000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        assertEquals(0, LoadTestCli.arrivals(log, 2000, 0.01, print(out), print(err)), err.toString());
        assertTrue(out.toString().startsWith("arrivals 20000 "), out.toString());
        assertTrue(out.toString().contains("PASS"), out.toString());
        assertEquals(1, LoadTestCli.arrivals(log, 3000, 0.01, print(out), print(err)), "the wrong rate must be rejected");

        Files.writeString(log, "1 2\n3 x\n");
        err.reset();
        assertEquals(3, LoadTestCli.arrivals(log, 2000, 0.01, print(out), print(err)));
        assertTrue(err.toString().contains("line 2"), err.toString());
        assertEquals(3, LoadTestCli.arrivals(dir.resolve("missing.log"), 2000, 0.01, print(out), print(err)));
        assertEquals(3, LoadTestCli.arrivals(log, 0, 0.01, print(out), print(err)));
    }

    private static PrintStream print(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }
}
