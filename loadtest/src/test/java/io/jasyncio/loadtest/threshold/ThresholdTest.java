package io.jasyncio.loadtest.threshold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.loadtest.metrics.StepMetrics;
import io.jasyncio.loadtest.report.RunResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** G7: the threshold grammar and what each form checks. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ThresholdTest {
    /** A run of 1000 queries (10..1000 ms) and 100 start_tasks of which 2 timed out and 1 was refused. */
    private static RunResult run(boolean valid) {
        StepMetrics query = new StepMetrics("query");
        for (int i = 1; i <= 1000; i++) query.ok(i * 1_000_000L, i * 1_000_000L);
        query.rollInterval();
        StepMetrics start = new StepMetrics("start_task");
        for (int i = 0; i < 97; i++) start.ok(5_000_000L, 5_000_000L);
        start.failed("timeout", "no answer within 5s");
        start.failed("timeout", "no answer within 5s");
        start.failed("connect_refused", "refused");
        start.rollInterval();
        RunResult.Step q = RunResult.Step.of(query), s = RunResult.Step.of(start);
        return new RunResult("t", "scenarios", new RunResult.Model("closed", 1, Double.NaN, false, List.of(), 1, 10), "now",
                10, 10, 1100, 1097, 3, -1, 1100, 110, Double.NaN, 1, q, List.of(q, s), List.of(), null,
                RunResult.Summary.of(query.latency()), new RunResult.Generator(1, 1, 1, 0.1, 0, "vthread", 1), List.of(), valid,
                valid ? List.of() : List.of("the generator sent late"), null);
    }

    private static boolean check(String t) {
        return Threshold.parse(t).check(run(true)).passed();
    }

    @Test
    void latencyThresholdsInEveryUnit() {
        assertTrue(check("p99<1s"));        // p99 of the overall (query) = 990 ms
        assertFalse(check("p99<990ms"));
        assertTrue(check("p99<=990.5ms"));
        assertTrue(check("p(99.9) < 1000.5"));
        assertTrue(check("p50>=500ms"));
        assertTrue(check("max<1.01s"));
        assertTrue(check("min<=1ms"));
        assertTrue(check("mean<600000us"));
        assertTrue(check("p99{step=start_task}<6ms"));
        assertFalse(check("p99{step=nope}<6ms"));
        assertEquals("no step 'nope' in this run", Threshold.parse("p99{step=nope}<6ms").check(run(true)).shown());
    }

    @Test
    void errorAndRequestThresholdsByStepAndKind() {
        assertTrue(check("errors.count==3"));
        assertTrue(check("errors.rate<0.003"));      // 3 of 1100
        assertTrue(check("errors.rate<1%"));
        assertFalse(check("errors{step=start_task}.rate<0.03"));  // 3 of 100
        assertTrue(check("errors{step=start_task,kind=timeout}.rate<=0.02"));
        assertFalse(check("errors{step=start_task,kind=timeout}.rate<0.001"));
        assertTrue(check("errors{kind=connect_refused}.count<2"));
        assertTrue(check("requests.count>=1100"));
        assertTrue(check("requests{step=query}.rate==100"));
        assertTrue(check("errors{step=query}.count!=1"));
    }

    @Test
    void badThresholdsSayWhatIsWrong() {
        for (String bad : List.of("", "p99", "p99<", "p0<1s", "p101<1s", "latency<1s", "p99<1h", "errors<1", "errors.mean<1",
                "p99.rate<1", "p99{kind=timeout}<1s", "p99{where=x}<1s", "errors.count<5%", "p99{step=a,scenario=b}<1s",
                "errors{step=}.rate<1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Threshold.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("threshold '" + bad + "': "), e.getMessage());
        }
    }

    @Test
    void theVerdictsExitCodes() {
        assertEquals(Verdict.PASS, Verdict.of(run(true), List.of(Threshold.parse("p99<1s"))).exitCode());
        assertEquals(Verdict.FAILED, Verdict.of(run(true), List.of(Threshold.parse("p99<1ms"))).exitCode());
        Verdict invalid = Verdict.of(run(false), List.of(Threshold.parse("p99<1ms")));
        assertEquals(Verdict.INVALID, invalid.exitCode(), "an invalid run is INVALID whatever the thresholds");
        assertTrue(invalid.reasons().containsAll(List.of("the generator sent late", "1 of 1 threshold(s) failed")));
        assertEquals("INVALID", invalid.word());
        Map.of();
    }
}
