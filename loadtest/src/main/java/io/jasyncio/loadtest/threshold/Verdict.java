package io.jasyncio.loadtest.threshold;

import io.jasyncio.loadtest.report.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's outcome as an exit code, for CI: {@value #PASS} every threshold passed; {@value #FAILED} a threshold
 * failed (or, marked {@code abortOnFail}, ended the run early), or every request (iteration) failed, which never
 * passes; {@value #INVALID} the run is invalid (its
 * numbers are the generator's, see {@link RunResult#invalidReasons()}), whatever the thresholds say;
 * {@value #USAGE} the command line or plan was wrong (decided before any run).
 *
 * <p>Threading: immutable.
 */
public record Verdict(int exitCode, List<ThresholdResult> thresholds, List<String> reasons) {
    public static final int PASS = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;
    public static final int USAGE = 3;

    public Verdict {
        thresholds = List.copyOf(thresholds);
        reasons = List.copyOf(reasons);
    }

    /** Checks {@code thresholds} on {@code r} and decides. */
    public static Verdict of(RunResult r, List<Threshold> thresholds) {
        List<ThresholdResult> results = new ArrayList<>();
        for (Threshold t : thresholds) results.add(t.check(r));
        List<String> reasons = new ArrayList<>();
        int code = PASS;
        if (!r.valid()) {
            code = INVALID;
            reasons.addAll(r.invalidReasons());
        }
        if (r.aborted() != null) {
            if (code == PASS) code = FAILED;
            reasons.add(r.aborted());
        }
        long failedThresholds = results.stream().filter(x -> !x.passed()).count();
        if (failedThresholds > 0) {
            if (code == PASS) code = FAILED;
            reasons.add(failedThresholds + " of " + results.size() + " threshold(s) failed");
        }
        RunResult.Step o = r.overall();
        if (o.requests() > 0 && o.ok() == 0) {
            if (code == PASS) code = FAILED;
            reasons.add(String.format(Locale.ROOT, "every %s failed (%,d of %,d)",
                    r.form().equals("scenarios") ? "iteration" : "request", o.failed(), o.requests()));
        }
        return new Verdict(code, results, reasons);
    }

    /** Whether the run passed. */
    public boolean passed() {
        return exitCode == PASS;
    }

    /** The outcome in one word: PASS, FAILED or INVALID. */
    public String word() {
        return switch (exitCode) {
            case PASS -> "PASS";
            case FAILED -> "FAILED";
            case INVALID -> "INVALID";
            default -> "USAGE";
        };
    }
}
