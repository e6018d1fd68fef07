package io.jasyncio.loadtest.report;

import io.jasyncio.loadtest.metrics.Latency;
import io.jasyncio.loadtest.metrics.Metrics;
import io.jasyncio.loadtest.metrics.StepMetrics;
import java.io.PrintStream;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The live progress line: elapsed time, the last second's rate, in-flight requests, the last second's p50 and
 * p99, errors so far (the two commonest kinds) and the generator's loop lag. On a terminal it rewrites one
 * line in place; elsewhere it prints a line each time (and the command line shows it only on a terminal
 * unless asked).
 *
 * <p>Threading: the event loop's thread only.
 */
public final class Progress implements Metrics.IntervalListener {
    private final PrintStream out;
    private final boolean terminal;
    private final Histogram lastSecond = Latency.histogram();
    private double lastRate;
    private boolean printed;
    private final String label;

    /**
     * A progress line to {@code out}, each line starting with {@code label} (with several loops: which one it shows).
     *
     * @param out where the line goes
     * @param terminal true to rewrite one line in place, false to print a line each time
     * @param label the start of each line
     */
    public Progress(PrintStream out, boolean terminal, String label) {
        this.out = out;
        this.label = label;
        this.terminal = terminal;
    }

    @Override
    public void interval(Metrics metrics, double startSeconds, double endSeconds) {
        StepMetrics o = metrics.overall();
        if (o == null) return;
        lastSecond.reset();
        lastSecond.add(o.intervalLatency());
        double dt = endSeconds - startSeconds;
        lastRate = dt > 0 ? (o.intervalOk() + o.intervalFailed()) / dt : 0;
    }

    /**
     * Prints the line for {@code elapsed} of {@code total} seconds.
     *
     * @param metrics the run's metrics
     * @param elapsed seconds since the start
     * @param total the run's length, in seconds
     */
    public void show(Metrics metrics, double elapsed, double total) {
        StringBuilder sb = new StringBuilder(label);
        long errors = 0;
        long requests = 0;
        java.util.Map<String, Long> kinds = new java.util.HashMap<>();
        for (StepMetrics s : metrics.steps()) {
            errors += s.failed();
            requests += s.requests();
            s.errors().forEach((k, v) -> kinds.merge(k, v.count(), Long::sum));
        }
        sb.append(String.format(Locale.ROOT, "%6.1fs/%.0fs %,10.0f req/s  in-flight %,d  p50 %s  p99 %s  errors %,d",
                elapsed, total, lastRate, metrics.inFlight(), ms(Latency.percentileMs(lastSecond, 50)),
                ms(Latency.percentileMs(lastSecond, 99)), errors));
        if (errors > 0) {
            sb.append(String.format(Locale.ROOT, " (%.2f%%", 100.0 * errors / Math.max(1, requests)));
            kinds.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(2)
                    .forEach(e -> sb.append(", ").append(e.getKey()).append(' ').append(e.getValue()));
            sb.append(')');
        }
        if (metrics.loopLag().getTotalCount() > 0) {
            sb.append("  loop lag max ").append(ms(Latency.ms(metrics.loopLag().getMaxValue())));
        }
        if (terminal) {
            out.print("\r\033[K" + sb);
        } else {
            out.println(sb);
        }
        out.flush();
        printed = true;
    }

    /** Ends the line (on a terminal). */
    public void end() {
        if (terminal && printed) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    static String ms(double v) {
        if (Double.isNaN(v)) return "-";
        if (v < 1) return String.format(Locale.ROOT, "%.0fus", v * 1e3);
        if (v < 100) return String.format(Locale.ROOT, "%.2fms", v);
        if (v < 10_000) return String.format(Locale.ROOT, "%.0fms", v);
        return String.format(Locale.ROOT, "%.1fs", v / 1e3);
    }
}
