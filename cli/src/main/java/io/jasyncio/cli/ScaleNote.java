package io.jasyncio.cli;

import java.util.Locale;

/**
 * The one line a demo prints when {@code --scale} changes time: the times shown are the seeds' seconds (the
 * durations the seeds talk about), and how they relate to real time. Stateless; any thread.
 */
final class ScaleNote {
    private ScaleNote() {}

    /** "Times are the seeds' seconds (run at scale 0.1: real time ÷ 10)."; null at scale 1. */
    static String of(double scale) {
        if (scale == 1) return null;
        String factor = scale < 1 ? "÷ " + number(1 / scale) : "× " + number(scale);
        return "Times are the seeds' seconds (run at scale " + number(scale) + ": real time " + factor + ").";
    }

    /** Prints the note, if any, on a line of its own. */
    static void print(double scale) {
        String note = of(scale);
        if (note != null) System.out.println(note);
    }

    private static String number(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
