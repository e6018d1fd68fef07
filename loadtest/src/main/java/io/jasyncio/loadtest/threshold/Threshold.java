package io.jasyncio.loadtest.threshold;

import io.jasyncio.loadtest.report.RunResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pass/fail condition on a run, written as k6 writes thresholds. The grammar:
 * <pre>
 * threshold := metric [ "{" tag "=" value ("," tag "=" value)* "}" ] [ "." aggregate ] op number [unit]
 * metric    := "p" N | "p(" N ")"        latency percentile N (0 &lt; N &lt;= 100), e.g. p99, p(99.9)
 *            | "min" | "mean" | "max"    latency
 *            | "errors"                  failures; aggregate "rate" (share of the requests, 0–1) or "count"
 *            | "requests"                attempts; aggregate "count" or "rate" (per second of the run)
 * tag       := "step" | "scenario" | "kind"    (kind only for errors)
 * op        := "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "==" | "!="
 * unit      := latency: "us" | "ms" (the default) | "s" | "m";  errors.rate: "%" allowed
 * </pre>
 * Examples: {@code p99<250ms}, {@code p(99.9)<1s}, {@code max{step=query}<2s},
 * {@code errors{step=start_task,kind=timeout}.rate<0.001}, {@code errors.rate<1%}, {@code requests.rate>=900}.
 * Without a tag a latency speaks of the overall metric (the request in the one-request form, the whole
 * iteration with scenarios), and errors and requests of every step together (the JSON's {@code errors} and
 * {@code requests}). Latencies are the corrected ones (from the
 * intended start in the open model). A threshold whose value cannot be known (no such step, no success to
 * take a percentile of, no request to divide by) fails.
 *
 * <p>Threading: immutable.
 */
public final class Threshold {
    private static final Pattern FORM = Pattern.compile(
            "^(?<metric>p\\((?<pp>[0-9]+(?:\\.[0-9]+)?)\\)|p(?<p>[0-9]+(?:\\.[0-9]+)?)|min|mean|max|errors|requests)"
                    + "(?:\\{(?<tags>[^}]*)\\})?(?:\\.(?<agg>[a-z]+))?\\s*(?<op><=|>=|==|!=|<|>)\\s*"
                    + "(?<value>[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\\s*(?<unit>[a-z%]*)$");

    enum Metric { PERCENTILE, MIN, MEAN, MAX, ERRORS, REQUESTS }

    private final String text;
    private final Metric metric;
    private final double percentile;
    private final Map<String, String> tags;
    private final String aggregate;
    private final String op;
    private final double limit;      // in ms for latencies, a share for rates, else as written
    private final String unit;
    private final boolean abortOnFail;
    private final double delayAbortSeconds;

    private Threshold(String text, Metric metric, double percentile, Map<String, String> tags, String aggregate,
            String op, double limit, String unit, boolean abortOnFail, double delayAbortSeconds) {
        this.abortOnFail = abortOnFail;
        this.delayAbortSeconds = delayAbortSeconds;
        this.text = text;
        this.metric = metric;
        this.percentile = percentile;
        this.tags = tags;
        this.aggregate = aggregate;
        this.op = op;
        this.limit = limit;
        this.unit = unit;
    }

    /**
     * Parses {@code text}; an {@link IllegalArgumentException} that says what is wrong and shows the grammar. After
     * the expression, k6's options may follow, each after a {@code ;}: {@code abortOnFail} (the run ends as soon
     * as the threshold fails, checked once a second) and {@code delayAbortEval=TIME} (not checked before TIME of
     * measured load), e.g. {@code p99<250ms;abortOnFail;delayAbortEval=10s}.
     *
     * @param text the threshold, as on the command line
     * @return the threshold
     * @throws IllegalArgumentException the text does not follow the grammar
     */
    public static Threshold parse(String text) {
        String all = text == null ? "" : text.strip();
        String[] parts = all.split(";", -1);
        boolean abort = false;
        double delay = 0;
        boolean delayGiven = false;
        for (int i = 1; i < parts.length; i++) {
            String o = parts[i].strip();
            if (o.equals("abortOnFail")) {
                abort = true;
            } else if (o.startsWith("delayAbortEval=")) {
                try {
                    delay = io.jasyncio.loadtest.model.Durations.parseSeconds(o.substring("delayAbortEval=".length()));
                } catch (IllegalArgumentException e) {
                    throw bad(text, "delayAbortEval takes a time (10s, 500ms): " + e.getMessage());
                }
                delayGiven = true;
            } else {
                throw bad(text, "after ';' come abortOnFail and delayAbortEval=TIME, not '" + o + "'");
            }
        }
        if (delayGiven && !abort) throw bad(text, "delayAbortEval goes with abortOnFail");
        Threshold parsed = parseExpression(text, parts[0].strip());
        return new Threshold(all, parsed.metric, parsed.percentile, parsed.tags, parsed.aggregate, parsed.op, parsed.limit,
                parsed.unit, abort, delay);
    }

    private static Threshold parseExpression(String text, String t) {
        Matcher m = FORM.matcher(t);
        if (!m.matches()) throw bad(text, "it does not read as METRIC[{TAGS}][.AGGREGATE] OP NUMBER[UNIT]");
        String name = m.group("metric");
        Metric metric;
        double p = Double.NaN;
        if (m.group("pp") != null || m.group("p") != null) {
            metric = Metric.PERCENTILE;
            p = Double.parseDouble(m.group("pp") != null ? m.group("pp") : m.group("p"));
            if (!(p > 0 && p <= 100)) throw bad(text, "a percentile is above 0 and at most 100");
        } else {
            metric = Metric.valueOf(name.toUpperCase(Locale.ROOT));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        if (m.group("tags") != null) {
            for (String pair : m.group("tags").split(",")) {
                int eq = pair.indexOf('=');
                if (eq < 1) throw bad(text, "a tag is NAME=VALUE, got '" + pair.strip() + "'");
                String k = pair.substring(0, eq).strip();
                String v = pair.substring(eq + 1).strip();
                if (!k.equals("step") && !k.equals("scenario") && !k.equals("kind")) {
                    throw bad(text, "the tags are step, scenario and kind, not '" + k + "'");
                }
                if (k.equals("kind") && metric != Metric.ERRORS) throw bad(text, "only errors have a kind");
                if (v.isEmpty() || tags.put(k, v) != null) throw bad(text, "tag '" + k + "' is empty or given twice");
            }
            if (tags.containsKey("step") && tags.containsKey("scenario")) throw bad(text, "give a step or a scenario, not both");
        }
        String agg = m.group("agg");
        boolean counting = metric == Metric.ERRORS || metric == Metric.REQUESTS;
        if (counting) {
            if (agg == null || (!agg.equals("rate") && !agg.equals("count"))) {
                throw bad(text, name + " needs .rate or .count (e.g. " + name + ".rate<0.01)");
            }
        } else if (agg != null) {
            throw bad(text, "a latency takes no '." + agg + "'");
        }
        double value = Double.parseDouble(m.group("value"));
        String unit = m.group("unit");
        double limit;
        if (!counting) {
            limit = switch (unit) {
                case "", "ms" -> value;
                case "us" -> value / 1e3;
                case "s" -> value * 1e3;
                case "m" -> value * 60e3;
                default -> throw bad(text, "a latency's unit is us, ms, s or m, not '" + unit + "'");
            };
        } else if (unit.equals("%") && metric == Metric.ERRORS && agg.equals("rate")) {
            limit = value / 100;
        } else if (unit.isEmpty()) {
            limit = value;
        } else {
            throw bad(text, "'" + unit + "' is no unit for " + name + "." + agg);
        }
        return new Threshold(t, metric, p, tags, agg, m.group("op"), limit, unit, false, 0);
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("threshold '" + text + "': " + why + ". Examples: p99<250ms, p(99.9)<1s, "
                + "max{step=query}<2s, errors{step=start_task,kind=timeout}.rate<0.001, errors.rate<1%, requests.rate>=900");
    }

    /**
     * The threshold as written.
     *
     * @return the text
     */
    public String text() {
        return text;
    }

    /**
     * Whether a failure of this threshold ends the run at once (k6's {@code abortOnFail}).
     *
     * @return true with {@code abortOnFail}
     */
    public boolean abortOnFail() {
        return abortOnFail;
    }

    /**
     * Seconds of measured load before an aborting threshold is first checked (k6's {@code delayAbortEval}).
     *
     * @return seconds (0: from the start)
     */
    public double delayAbortSeconds() {
        return delayAbortSeconds;
    }

    /**
     * The result of checking the threshold on {@code r}.
     *
     * @param r the run's result
     * @return the result: passed, the value seen and how it is shown
     */
    public ThresholdResult check(RunResult r) {
        String step = tags.get("step");
        String scenario = tags.get("scenario");
        RunResult.Step scope = step != null ? r.step(step) : scenario != null ? r.scenario(scenario) : r.overall();
        if (scope == null) {
            return new ThresholdResult(text, false, Double.NaN, "no " + (step != null ? "step '" + step : "scenario '" + scenario)
                    + "' in this run");
        }
        double actual;
        String shown;
        switch (metric) {
            case PERCENTILE, MIN, MEAN, MAX -> {
                RunResult.Summary s = scope.latency();
                actual = switch (metric) {
                    case PERCENTILE -> scope.percentileMs(percentile);
                    case MIN -> s.min();
                    case MEAN -> s.mean();
                    default -> s.max();
                };
                shown = Double.isNaN(actual) ? "no successful request to measure" : String.format(Locale.ROOT, "%.3f ms", actual);
            }
            case ERRORS -> {
                // errors of every step unless a step or scenario is named
                long failed;
                long requests;
                String kind = tags.get("kind");
                if (step == null && scenario == null) {
                    failed = 0;
                    requests = 0;
                    for (RunResult.Step st : r.steps()) {
                        failed += kind == null ? st.failed() : st.failed(kind);
                        requests += st.requests();
                    }
                } else {
                    failed = kind == null ? scope.failed() : scope.failed(kind);
                    requests = scope.requests();
                }
                if (aggregate.equals("count")) {
                    actual = failed;
                    shown = String.format(Locale.ROOT, "%,d", failed);
                } else {
                    actual = requests == 0 ? Double.NaN : (double) failed / requests;
                    shown = requests == 0 ? "no request to divide by"
                            : String.format(Locale.ROOT, "%.6f (%,d of %,d)", actual, failed, requests);
                }
            }
            case REQUESTS -> {
                long n = 0;
                if (step == null && scenario == null) {
                    for (RunResult.Step st : r.steps()) n += st.requests();
                } else {
                    n = scope.requests();
                }
                if (aggregate.equals("count")) {
                    actual = n;
                    shown = String.format(Locale.ROOT, "%,d", n);
                } else {
                    actual = n / r.loadSeconds();
                    shown = String.format(Locale.ROOT, "%.1f/s", actual);
                }
            }
            default -> throw new IllegalStateException(metric.name());
        }
        boolean pass = !Double.isNaN(actual) && switch (op) {
            case "<" -> actual < limit;
            case "<=" -> actual <= limit;
            case ">" -> actual > limit;
            case ">=" -> actual >= limit;
            case "==" -> actual == limit;
            default -> actual != limit;
        };
        return new ThresholdResult(text, pass, actual, shown);
    }

    @Override
    public String toString() {
        return text;
    }
}
