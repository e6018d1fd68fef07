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
 *
 * @param exitCode the exit code: {@link #PASS}, {@link #FAILED}, {@link #INVALID} or {@link #USAGE}
 * @param thresholds each threshold's result, in the order given
 * @param reasons why it did not pass, one sentence each (empty when it passed)
 */
public record Verdict(int exitCode, List<ThresholdResult> thresholds, List<String> reasons) {
    /** Exit code: every threshold passed, and the run is valid. */
    public static final int PASS = 0;
    /** Exit code: a threshold failed, the run was aborted, or every request failed. */
    public static final int FAILED = 1;
    /** Exit code: the run is invalid (its figures are the generator's). */
    public static final int INVALID = 2;
    /** Exit code: the command line or plan was wrong; nothing ran. */
    public static final int USAGE = 3;

    /** Copies the lists. */
    public Verdict {
        thresholds = List.copyOf(thresholds);
        reasons = List.copyOf(reasons);
    }

    /**
     * Checks {@code thresholds} on {@code r} and decides.
     *
     * @param r the run's result
     * @param thresholds the thresholds to check
     * @return the verdict
     */
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

    /**
     * Whether the run passed.
     *
     * @return true if the exit code is {@link #PASS}
     */
    public boolean passed() {
        return exitCode == PASS;
    }

    /**
     * The outcome in one word: PASS, FAILED or INVALID.
     *
     * @return the word
     */
    public String word() {
        return switch (exitCode) {
            case PASS -> "PASS";
            case FAILED -> "FAILED";
            case INVALID -> "INVALID";
            default -> "USAGE";
        };
    }
}
