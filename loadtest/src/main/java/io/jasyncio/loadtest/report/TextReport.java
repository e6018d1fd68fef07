package io.jasyncio.loadtest.report;

import io.jasyncio.loadtest.model.Durations;
import io.jasyncio.loadtest.threshold.ThresholdResult;
import io.jasyncio.loadtest.threshold.Verdict;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The final report as text: what was run, the totals, a table per step (and per scenario), the failures by
 * step and kind with the first message of each, the generator's own figures, the thresholds and the verdict.
 *
 * <p>Threading: stateless.
 */
public final class TextReport {
    private TextReport() {}

    /**
     * The report of a run.
     *
     * @param r the run's result
     * @param v its verdict
     * @return the text, lines ending in a newline
     */
    public static String render(RunResult r, Verdict v) {
        StringBuilder sb = new StringBuilder();
        RunResult.Model m = r.model();
        String model = m.type().equals("open")
                ? String.format(Locale.ROOT, "open model, %s arrivals/s%s, up to %,d connections%s", num(m.rate()),
                        m.poisson() ? " (Poisson)" : "", m.users(), m.stages().size() > 1 ? ", " + m.stages().size() + " stages" : "")
                : String.format(Locale.ROOT, "closed model, %,d %s%s", m.users(),
                        r.form().equals("scenarios") ? "virtual users" : "connections",
                        m.stages().size() > 1 ? ", " + m.stages().size() + " stages" : "");
        line(sb, "%s: %s, %s%s", r.form().equals("scenarios") ? "scenarios" : "target", r.target(), model,
                m.pipeline() > 1 ? ", pipelining " + m.pipeline() : "");
        if (r.form().equals("scenarios")) {
            RunResult.Step o = r.overall();
            line(sb, "%,d iterations in %s (%,d ok, %,d failed), %s iterations/s", o.requests(),
                    Durations.format(r.loadSeconds()), o.ok(), o.failed(), num(o.requests() / r.loadSeconds()));
            line(sb, "%,d requests (steps), %,d failed, %s/s", r.requests(), r.errors(), num(r.achievedRate()));
        } else {
            line(sb, "%,d requests in %s (%,d ok, %,d failed), %s/s achieved", r.requests(), Durations.format(r.loadSeconds()),
                    r.ok(), r.errors(), num(r.achievedRate()));
        }
        if (r.intended() >= 0) {
            line(sb, "arrivals: %,d intended (%s/s), %,d sent (%.2f%%); max in flight %,d", r.intended(),
                    num(r.intendedRate()), r.sent(), r.intended() == 0 ? 100.0 : 100.0 * r.sent() / r.intended(),
                    r.maxInFlight());
        }
        sb.append('\n');
        table(sb, r.form().equals("scenarios") ? "step" : "", r.steps(), r.intended() >= 0 && r.form().equals("requests"));
        if (!r.scenarios().isEmpty()) {
            sb.append('\n');
            table(sb, "scenario", r.scenarios(), r.intended() >= 0);
        }
        boolean anyErrors = r.steps().stream().anyMatch(s -> s.failed() > 0)
                || r.scenarios().stream().anyMatch(s -> s.failed() > 0);
        if (anyErrors) {
            sb.append('\n');
            line(sb, "failures by step and kind (first message of each):");
            for (RunResult.Step s : r.steps()) {
                for (Map.Entry<String, RunResult.Errors> e : s.errors().entrySet()) {
                    line(sb, "  %-16s %-16s %,9d  %s", fit(s.name(), 16), fit(e.getKey(), 16), e.getValue().count(),
                            fit(e.getValue().firstMessage(), 53));
                }
            }
        }
        sb.append('\n');
        RunResult.Generator g = r.generator();
        line(sb, "generator: %s CPU s, %s requests per CPU-second (%s engine%s)", fixed(g.cpuSeconds(), 2),
                num(g.requestsPerCpuSecond()), g.engine(), g.loops() > 1 ? ", " + g.loops() + " loops" : "");
        line(sb, "  loop thread busiest second %.0f%%, loop lag p99 %s max %s", g.maxLoopBusy() * 100,
                ms(r.loopLag().p99()), ms(r.loopLag().max()));
        if (r.scheduleLag() != null) {
            line(sb, "  schedule lag (how late it sent what it could send): p50 %s p99 %s max %s",
                    ms(r.scheduleLag().p50()), ms(r.scheduleLag().p99()), ms(r.scheduleLag().max()));
        }
        if (!v.thresholds().isEmpty()) {
            sb.append('\n');
            line(sb, "thresholds:");
            for (ThresholdResult t : v.thresholds()) {
                line(sb, "  %s  %-40s %s", t.passed() ? "pass" : "FAIL", t.threshold(), t.shown());
            }
        }
        sb.append('\n');
        if (v.reasons().isEmpty()) line(sb, "result: PASS");
        else {
            line(sb, "result: %s (exit %d):", v.word(), v.exitCode());
            for (String reason : v.reasons()) line(sb, "  %s", reason);
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, String what, List<RunResult.Step> rows, boolean uncorrected) {
        // 94 columns: p99.9, min and mean are in the JSON and HTML reports
        line(sb, "%-18s %10s %10s %9s %10s %10s %10s %10s", what.isEmpty() ? "step" : what, "requests", "ok",
                "failed", "p50", "p90", "p99", "max");
        for (RunResult.Step s : rows) {
            RunResult.Summary l = s.latency();
            line(sb, "%-18s %,10d %,10d %,9d %10s %10s %10s %10s", fit(s.name(), 18), s.requests(), s.ok(), s.failed(),
                    ms(l.p50()), ms(l.p90()), ms(l.p99()), ms(l.max()));
            if (uncorrected) {
                RunResult.Summary u = s.uncorrected();
                line(sb, "%-18s %10s %10s %9s %10s %10s %10s %10s", "  (from the send)", "", "", "", ms(u.p50()),
                        ms(u.p90()), ms(u.p99()), ms(u.max()));
            }
        }
    }

    /** {@code s} cut to {@code n} characters (the reports' files have it whole). */
    private static String fit(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }

    /** The report's width: a longer line goes on in lines indented by four spaces, broken at spaces. */
    static final int COLUMNS = 100;

    private static void line(StringBuilder sb, String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        String indent = "";
        while (indent.length() + s.length() > COLUMNS) {
            int room = COLUMNS - indent.length();
            int cut = s.lastIndexOf(' ', room);
            if (cut <= s.length() - s.stripLeading().length()) cut = room;   // one word wider than the line: cut it
            sb.append(indent).append(s, 0, cut).append('\n');
            s = s.substring(cut).stripLeading();
            indent = "    ";
        }
        sb.append(indent).append(s).append('\n');
    }

    static String ms(double v) {
        return Progress.ms(v);
    }

    private static String num(double v) {
        if (Double.isNaN(v)) return "-";
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%,.1f", v);
    }

    private static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
