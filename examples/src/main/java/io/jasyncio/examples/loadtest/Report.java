package io.jasyncio.examples.loadtest;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link LoadTest} measured: per step, how many requests ended in each {@link Outcome}, and the
 * latency percentiles of the successful ones; {@code firstErrors} keeps the first message seen per failure
 * kind, so that a failure can be acted on. Every request made is counted exactly once.
 *
 * <p>Threading: immutable.
 */
public record Report(String target, int users, double elapsedSeconds, List<StepReport> steps,
        Map<Outcome, String> firstErrors) {

    public Report {
        steps = List.copyOf(steps);
        firstErrors = Map.copyOf(firstErrors);
    }

    /** One step's counts, and the latency percentiles (seconds) of its successes; NaN when none succeeded. */
    public record StepReport(Step step, Map<Outcome, Long> counts, double p50, double p90, double p99, double max) {
        public StepReport {
            EnumMap<Outcome, Long> all = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) all.put(o, counts.getOrDefault(o, 0L));
            counts = java.util.Collections.unmodifiableMap(all);
        }

        /** Requests made in this step. */
        public long requests() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        public long count(Outcome o) {
            return counts.get(o);
        }
    }

    /** The report of {@code step}. */
    public StepReport step(Step step) {
        return steps.stream().filter(s -> s.step() == step).findFirst().orElseThrow();
    }

    /** Requests made, every step together. */
    public long requests() {
        return steps.stream().mapToLong(StepReport::requests).sum();
    }

    /** Requests that ended in {@code o}, every step together. */
    public long count(Outcome o) {
        return steps.stream().mapToLong(s -> s.count(o)).sum();
    }

    /** Requests per second of the run's (loop) time. */
    public double requestsPerSecond() {
        return elapsedSeconds > 0 ? requests() / elapsedSeconds : 0;
    }

    /** The report as text: a table per step, the failures by kind, their first messages. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d users against %s: %d requests in %.2f s, %.1f requests/s%n",
                users, target, requests(), elapsedSeconds, requestsPerSecond()));
        sb.append(String.format(Locale.ROOT, "%-16s %8s %8s %8s %10s %10s %10s %10s%n",
                "step", "requests", "ok", "failed", "p50 ms", "p90 ms", "p99 ms", "max ms"));
        for (StepReport s : steps) {
            sb.append(String.format(Locale.ROOT, "%-16s %8d %8d %8d %10.2f %10.2f %10.2f %10.2f%n",
                    s.step().name().toLowerCase(Locale.ROOT), s.requests(), s.count(Outcome.OK),
                    s.requests() - s.count(Outcome.OK), s.p50() * 1e3, s.p90() * 1e3, s.p99() * 1e3, s.max() * 1e3));
        }
        for (Outcome o : Outcome.values()) {
            if (o == Outcome.OK || count(o) == 0) continue;
            sb.append(String.format(Locale.ROOT, "failed: %-50s %8d   first: %s%n", o.label(), count(o),
                    firstErrors.getOrDefault(o, "")));
        }
        return sb.toString();
    }
}
