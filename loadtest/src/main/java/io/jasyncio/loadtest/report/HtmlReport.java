package io.jasyncio.loadtest.report;

import io.jasyncio.loadtest.metrics.Timeline;
import io.jasyncio.loadtest.threshold.ThresholdResult;
import io.jasyncio.loadtest.threshold.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The run as one self-contained HTML file: it loads nothing from the network (inline CSS and SVG; the JSON
 * report is embedded as data, not fetched). It shows the verdict and why, the totals, latency over time
 * (p50/p90/p99/max per second), the percentile spectrum (corrected and uncorrected, HdrHistogram's "nines"
 * axis), intended vs achieved rate, the per-step funnel, the error timeline by step and kind, the tables of
 * steps, failures (with the first message of each kind), thresholds and the generator's own figures. Its size
 * is bounded: the timeline has at most {@link Timeline#MAX_POINTS} points.
 *
 * <p>Threading: stateless.
 */
public final class HtmlReport {
    private HtmlReport() {}

    /**
     * The report of a run.
     *
     * @param r the run's result
     * @param v its verdict
     * @return the HTML document
     */
    public static String render(RunResult r, Verdict v) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>loadtest: ").append(Svg.esc(r.target()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}"
                        + "h1{font-size:20px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse;font-size:13px}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td.l,th.l{text-align:left}"
                        + ".pass{color:#2ca02c;font-weight:bold}.fail{color:#d62728;font-weight:bold}"
                        + ".note{color:#666;font-size:12px}</style></head><body>\n");
        sb.append("<h1>jasyncio loadtest: ").append(Svg.esc(r.target())).append("</h1>\n");
        String cls = v.passed() ? "pass" : "fail";
        sb.append("<p>Result: <span class='").append(cls).append("'>").append(v.word()).append("</span> (exit ")
                .append(v.exitCode()).append(")");
        for (String why : v.reasons()) sb.append("<br>").append(Svg.esc(why));
        sb.append("</p>\n");
        RunResult.Model m = r.model();
        sb.append("<table>");
        row(sb, "model", m.type() + (m.type().equals("open") ? String.format(Locale.ROOT, ", %.1f/s%s, up to %d connections",
                m.rate(), m.poisson() ? " Poisson" : "", m.users()) : String.format(Locale.ROOT, ", %d users/connections", m.users()))
                + (m.stages().size() > 1 ? ", " + m.stages().size() + " stages" : "") + (m.pipeline() > 1 ? ", pipelining " + m.pipeline() : ""));
        row(sb, "started", r.startedAt());
        row(sb, "duration", String.format(Locale.ROOT, "%.1f s (+%.1f s to drain)", r.loadSeconds(), r.elapsedSeconds() - r.loadSeconds()));
        row(sb, "requests", String.format(Locale.ROOT, "%,d (%,d ok, %,d failed)", r.requests(), r.ok(), r.errors()));
        row(sb, "achieved rate", String.format(Locale.ROOT, "%,.1f/s", r.achievedRate()));
        if (r.intended() >= 0) {
            row(sb, "intended", String.format(Locale.ROOT, "%,d arrivals (%,.1f/s), %,d sent", r.intended(), r.intendedRate(), r.sent()));
        }
        RunResult.Generator g = r.generator();
        row(sb, "generator", String.format(Locale.ROOT, "%.2f CPU s, %,.0f requests per CPU-second, busiest second %.0f%%, "
                + "loop lag p99 %s, %s engine", g.cpuSeconds(), g.requestsPerCpuSecond(), g.maxLoopBusy() * 100,
                Progress.ms(r.loopLag().p99()), g.engine()));
        if (r.scheduleLag() != null) {
            row(sb, "schedule lag", "p50 " + Progress.ms(r.scheduleLag().p50()) + ", p99 " + Progress.ms(r.scheduleLag().p99())
                    + ", max " + Progress.ms(r.scheduleLag().max()));
        }
        sb.append("</table>\n");

        List<Timeline.Point> tl = r.timeline();
        double[] t = new double[tl.size()];
        for (int i = 0; i < t.length; i++) t[i] = tl.get(i).startSeconds() + tl.get(i).seconds();
        sb.append("<h2>Latency over time (").append(r.form().equals("scenarios") ? "iterations" : "requests")
                .append(", from the intended start)</h2>\n");
        sb.append(Svg.lines("seconds", "ms", List.of(
                new Svg.Series("p50", t, col(tl, Timeline.Point::p50), false),
                new Svg.Series("p90", t, col(tl, Timeline.Point::p90), false),
                new Svg.Series("p99", t, col(tl, Timeline.Point::p99), false),
                new Svg.Series("max", t, col(tl, Timeline.Point::max), true)), true, x -> String.format(Locale.ROOT, "%.0f", x)));

        sb.append("<h2>Percentile spectrum</h2>\n<p class='note'>x: percentile on HdrHistogram's scale (1 − 1/10ⁿ); "
                + "corrected: from the intended start; uncorrected: from the send.</p>\n");
        List<Svg.Series> spectrum = new ArrayList<>();
        spectrum.add(spectrum("overall", r.overall().histogram(), false));
        for (RunResult.Step s : r.steps()) {
            if (spectrum.size() >= 8) break;
            if (!s.name().equals(r.overall().name())) spectrum.add(spectrum(s.name(), s.histogram(), true));
        }
        sb.append(Svg.lines("percentile", "ms", spectrum, true, HtmlReport::nines));
        sb.append("<table><tr><th class='l'>percentile</th><th>corrected</th><th>uncorrected</th></tr>");
        for (double p : new double[] {50, 75, 90, 99, 99.9, 99.99, 100}) {
            sb.append("<tr><td class='l'>").append(p == 100 ? "max" : "p" + trim(p)).append("</td><td>")
                    .append(Progress.ms(r.overall().percentileMs(p))).append("</td><td>")
                    .append(p == 50 ? Progress.ms(r.overall().uncorrected().p50()) : p == 90 ? Progress.ms(r.overall().uncorrected().p90())
                            : p == 99 ? Progress.ms(r.overall().uncorrected().p99()) : p == 99.9 ? Progress.ms(r.overall().uncorrected().p999())
                            : p == 100 ? Progress.ms(r.overall().uncorrected().max()) : "")
                    .append("</td></tr>");
        }
        sb.append("</table>\n");

        sb.append("<h2>Intended vs achieved rate</h2>\n");
        List<Svg.Series> rates = new ArrayList<>();
        if (r.intended() >= 0) rates.add(new Svg.Series("intended/s", t, perSecond(tl, Timeline.Point::intended), true));
        rates.add(new Svg.Series("sent/s", t, perSecond(tl, Timeline.Point::sent), false));
        rates.add(new Svg.Series("ok/s", t, perSecond(tl, Timeline.Point::ok), false));
        rates.add(new Svg.Series("failed/s", t, perSecond(tl, Timeline.Point::failed), false));
        sb.append(Svg.lines("seconds", "per second", rates, false, x -> String.format(Locale.ROOT, "%.0f", x)));

        sb.append("<h2>Steps: funnel and latency (ms)</h2>\n");
        sb.append(funnel(r.steps()));
        stepTable(sb, r.steps());
        if (!r.scenarios().isEmpty()) {
            sb.append("<h2>Scenarios (whole iterations, from the intended start)</h2>\n");
            stepTable(sb, r.scenarios());
        }

        sb.append("<h2>Errors over time, by step and kind</h2>\n");
        Map<String, double[]> byKind = new LinkedHashMap<>();
        for (int i = 0; i < tl.size(); i++) {
            for (Map.Entry<String, Long> e : tl.get(i).errors().entrySet()) {
                byKind.computeIfAbsent(e.getKey(), k -> new double[tl.size()])[i] = e.getValue();
            }
        }
        double[] starts = new double[tl.size()];
        for (int i = 0; i < starts.length; i++) starts[i] = tl.get(i).startSeconds();
        double width = tl.isEmpty() ? 1 : tl.get(0).seconds();
        sb.append(Svg.stacked("seconds", "failures", starts, width <= 0 ? 1 : width, new ArrayList<>(byKind.keySet()),
                new ArrayList<>(byKind.values()), x -> String.format(Locale.ROOT, "%.0f", x)));
        sb.append("<table><tr><th class='l'>step</th><th class='l'>kind</th><th>count</th><th class='l'>first message</th></tr>");
        for (RunResult.Step s : r.steps()) {
            for (Map.Entry<String, RunResult.Errors> e : s.errors().entrySet()) {
                sb.append("<tr><td class='l'>").append(Svg.esc(s.name())).append("</td><td class='l'>").append(Svg.esc(e.getKey()))
                        .append("</td><td>").append(String.format(Locale.ROOT, "%,d", e.getValue().count())).append("</td><td class='l'>")
                        .append(Svg.esc(e.getValue().firstMessage())).append("</td></tr>");
            }
        }
        sb.append("</table>\n");

        if (!v.thresholds().isEmpty()) {
            sb.append("<h2>Thresholds</h2>\n<table><tr><th class='l'>threshold</th><th class='l'>result</th><th class='l'>value</th></tr>");
            for (ThresholdResult x : v.thresholds()) {
                sb.append("<tr><td class='l'>").append(Svg.esc(x.threshold())).append("</td><td class='l ")
                        .append(x.passed() ? "pass" : "fail").append("'>").append(x.passed() ? "pass" : "FAIL")
                        .append("</td><td class='l'>").append(Svg.esc(x.shown())).append("</td></tr>");
            }
            sb.append("</table>\n");
        }
        sb.append("<h2>Data</h2>\n<p class='note'>The JSON report of this run, embedded.</p>\n")
                .append("<script type='application/json' id='result'>").append(JsonReport.render(r, v)).append("</script>\n");
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("<tr><th class='l'>").append(Svg.esc(k)).append("</th><td class='l'>").append(Svg.esc(v)).append("</td></tr>");
    }

    private static void stepTable(StringBuilder sb, List<RunResult.Step> steps) {
        sb.append("<table><tr><th class='l'>name</th><th>requests</th><th>ok</th><th>failed</th><th>p50</th><th>p90</th>"
                + "<th>p99</th><th>p99.9</th><th>max</th></tr>");
        for (RunResult.Step s : steps) {
            RunResult.Summary l = s.latency();
            sb.append(String.format(Locale.ROOT, "<tr><td class='l'>%s</td><td>%,d</td><td>%,d</td><td>%,d</td><td>%s</td>"
                    + "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", Svg.esc(s.name()), s.requests(), s.ok(), s.failed(),
                    Progress.ms(l.p50()), Progress.ms(l.p90()), Progress.ms(l.p99()), Progress.ms(l.p999()), Progress.ms(l.max())));
        }
        sb.append("</table>\n");
    }

    /** Horizontal bars: each step's attempts, ok in green and failed in red, in the order the steps ran. */
    private static String funnel(List<RunResult.Step> steps) {
        int rowH = 24;
        int h = Math.max(1, steps.size()) * rowH + 10;
        long max = 1;
        for (RunResult.Step s : steps) max = Math.max(max, s.requests());
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='11'>", Svg.W, h));
        int y = 5;
        int left = 140;
        double scale = (Svg.W - left - 180) / (double) max;
        for (RunResult.Step s : steps) {
            double okW = s.ok() * scale;
            double failW = s.failed() * scale;
            sb.append(Svg.text(left - 6, y + 15, s.name(), "end"));
            sb.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%.1f' height='18' fill='#2ca02c'/>", left, y, okW));
            sb.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='%.1f' height='18' fill='#d62728'/>", left + okW, y, failW));
            sb.append(Svg.text(left + okW + failW + 6, y + 14, String.format(Locale.ROOT, "%,d ok, %,d failed", s.ok(), s.failed()), "start"));
            y += rowH;
        }
        return sb.append("</svg>\n").toString();
    }

    private static Svg.Series spectrum(String name, Histogram h, boolean dashed) {
        double[] ps = new double[60];
        double[] xs = new double[ps.length];
        double[] ys = new double[ps.length];
        for (int i = 0; i < ps.length; i++) {
            double nines = i * 5.0 / (ps.length - 1); // 0 .. 5 nines (99.999%)
            double p = 100 * (1 - Math.pow(10, -nines));
            xs[i] = nines;
            ys[i] = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1e6;
        }
        return new Svg.Series(name, xs, ys, dashed);
    }

    private static String nines(double n) {
        double p = 100 * (1 - Math.pow(10, -n));
        return trim(Math.floor(p * 1000) / 1000) + "%";
    }

    private static String trim(double p) {
        String s = String.format(Locale.ROOT, "%.3f", p);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static double[] col(List<Timeline.Point> tl, java.util.function.ToDoubleFunction<Timeline.Point> f) {
        double[] out = new double[tl.size()];
        for (int i = 0; i < out.length; i++) out[i] = f.applyAsDouble(tl.get(i));
        return out;
    }

    private static double[] perSecond(List<Timeline.Point> tl, java.util.function.ToDoubleFunction<Timeline.Point> f) {
        double[] out = new double[tl.size()];
        for (int i = 0; i < out.length; i++) {
            double s = tl.get(i).seconds();
            out[i] = s > 0 ? f.applyAsDouble(tl.get(i)) / s : Double.NaN;
        }
        return out;
    }
}
