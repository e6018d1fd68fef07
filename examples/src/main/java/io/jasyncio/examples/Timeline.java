package io.jasyncio.examples;

import java.util.List;
import java.util.Locale;

/**
 * When each task of one execution model started and ended, in seconds from the model's start, and the
 * model's total; {@link #render} draws it as seed 001's text time line (ten columns per second). Immutable.
 */
public record Timeline(String model, List<Span> spans, double total) {
    /** One task's run: from {@code start} to {@code end} seconds. */
    public record Span(String task, double start, double end) {}

    private static final int COLUMNS_PER_SECOND = 10;

    public Timeline {
        spans = List.copyOf(spans);
    }

    /** The time line as text: a title, an axis, one bar per task, the total. */
    public String render() {
        int seconds = (int) Math.ceil(total - 1e-9);
        StringBuilder out = new StringBuilder(model).append('\n').append("time →\n");
        StringBuilder labels = new StringBuilder("   ");
        StringBuilder ruler = new StringBuilder("   ");
        for (int s = 0; s <= seconds; s++) {
            String label = s + "s";
            labels.append(s < seconds ? label + " ".repeat(COLUMNS_PER_SECOND - label.length()) : label);
            ruler.append(s < seconds ? "│" + "-".repeat(COLUMNS_PER_SECOND - 1) : "│");
        }
        out.append(labels).append('\n').append(ruler).append('\n');
        for (Span s : spans) {
            int from = column(s.start());
            int width = Math.max(1, column(s.end()) - from);
            out.append(String.format(Locale.ROOT, "%-2s %s%s done at %.2f s%n",
                    s.task(), " ".repeat(from), "=".repeat(width), s.end()));
        }
        return out.append(String.format(Locale.ROOT, "total: %.2f s%n", total)).toString();
    }

    private static int column(double seconds) {
        return (int) Math.round(seconds * COLUMNS_PER_SECOND);
    }
}
