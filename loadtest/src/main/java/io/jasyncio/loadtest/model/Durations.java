package io.jasyncio.loadtest.model;

import java.util.Locale;

/**
 * Durations as the command line writes them: a number with a unit, {@code 250ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, {@code 1m30s}; a bare number is seconds.
 *
 * <p>Threading: stateless.
 */
public final class Durations {
    private Durations() {}

    /**
     * {@code text} in seconds; an {@link IllegalArgumentException} naming the problem if it is not a duration.
     *
     * @param text the duration, e.g. {@code 30s}
     * @return the seconds
     * @throws IllegalArgumentException it is not a duration
     */
    public static double parseSeconds(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) throw new IllegalArgumentException("a duration is missing (e.g. 30s, 250ms, 2m)");
        double total = 0;
        int i = 0;
        boolean any = false;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            if (start == i) throw bad(text);
            double value;
            try {
                value = Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw bad(text);
            }
            int u = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
            String unit = s.substring(u, i);
            double factor = switch (unit) {
                case "", "s" -> 1;
                case "ms" -> 1e-3;
                case "us", "µs" -> 1e-6;
                case "m" -> 60;
                case "h" -> 3600;
                default -> throw bad(text);
            };
            if (unit.isEmpty() && i < s.length()) throw bad(text);
            total += value * factor;
            any = true;
        }
        if (!any || !Double.isFinite(total)) throw bad(text);
        return total;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: write a number and a unit, e.g. 30s, "
                + "250ms, 2m, 1h, 1m30s");
    }

    /**
     * Seconds as the shortest of these forms: {@code 250ms}, {@code 30s}, {@code 2.5s}.
     *
     * @param seconds a duration in seconds
     * @return the short form
     */
    public static String format(double seconds) {
        if (seconds < 1) return String.format(Locale.ROOT, "%.0fms", seconds * 1e3);
        if (seconds == Math.rint(seconds)) return String.format(Locale.ROOT, "%.0fs", seconds);
        return String.format(Locale.ROOT, "%.1fs", seconds);
    }
}
