package io.jasyncio.examples;

import java.util.List;
import java.util.Locale;

/**
 * When each task of one execution model started and ended, in seconds from the model's start, and the
 * model's total; {@link #render} draws it as seed 001's text time line (ten columns per second, or per 2, 5,
 * 10, ... seconds when the model ran longer, so that the drawing stays under 100 columns). Immutable.
 */
public record Timeline(String model, List<Span> spans, double total) {
    /** One task's run: from {@code start} to {@code end} seconds. */
    public record Span(String task, double start, double end) {}

    private static final int COLUMNS_PER_TICK = 10;
    /** At most this many ticks on the axis (the seed's 3 s and 6 s models use 4 and 7). */
    private static final int MAX_TICKS = 8;

    public Timeline {
        spans = List.copyOf(spans);
    }

    /** The time line as text: a title, an axis, one bar per task, the total. */
    public String render() {
        double tick = secondsPerTick(total);
        int ticks = (int) Math.ceil(total / tick - 1e-9);
        StringBuilder out = new StringBuilder(model).append('\n').append("time →\n");
        StringBuilder labels = new StringBuilder("   ");
        StringBuilder ruler = new StringBuilder("   ");
        for (int i = 0; i <= ticks; i++) {
            String label = String.format(Locale.ROOT, "%.0fs", i * tick);
            labels.append(i < ticks ? label + " ".repeat(Math.max(1, COLUMNS_PER_TICK - label.length())) : label);
            ruler.append(i < ticks ? "│" + "-".repeat(COLUMNS_PER_TICK - 1) : "│");
        }
        out.append(labels).append('\n').append(ruler).append('\n');
        for (Span s : spans) {
            int from = column(s.start(), tick);
            int width = Math.max(1, column(s.end(), tick) - from);
            out.append(String.format(Locale.ROOT, "%-2s %s%s done at %.2f s%n",
                    s.task(), " ".repeat(from), "=".repeat(width), s.end()));
        }
        return out.append(String.format(Locale.ROOT, "total: %.2f s%n", total)).toString();
    }

    /** 1, 2, 5, 10, 20, 50, ... seconds: the first that draws {@code total} in at most {@link #MAX_TICKS} ticks. */
    private static double secondsPerTick(double total) {
        if (!(total < 1e12)) throw new IllegalArgumentException("cannot draw a time line of " + total + " s");
        for (double decade = 1; ; decade *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                if (total / (m * decade) <= MAX_TICKS) return m * decade;
            }
        }
    }

    private static int column(double seconds, double tick) {
        return (int) Math.round(seconds / tick * COLUMNS_PER_TICK);
    }
}
