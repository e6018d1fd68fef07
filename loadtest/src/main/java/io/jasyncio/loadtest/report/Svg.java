package io.jasyncio.loadtest.report;

import java.util.List;
import java.util.Locale;

/**
 * Small inline SVG charts for the HTML report (no script, no network): line charts with a linear or
 * logarithmic y axis, and stacked bars.
 *
 * <p>Threading: stateless.
 */
final class Svg {
    private Svg() {}

    static final int W = 860;
    static final int H = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 150;
    private static final int TOP = 14;
    private static final int BOTTOM = 36;
    static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"};

    /** A named series of (x, y) points; NaN y values are gaps. */
    record Series(String name, double[] x, double[] y, boolean dashed) {}

    /** A line chart; {@code logY} puts y on a log scale (values ≤ 0 dropped); {@code xLabels} maps x to text. */
    static String lines(String xTitle, String yTitle, List<Series> series, boolean logY, java.util.function.DoubleFunction<String> xLabel) {
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double y = s.y()[i];
                if (Double.isNaN(y) || (logY && y <= 0)) continue;
                minX = Math.min(minX, s.x()[i]);
                maxX = Math.max(maxX, s.x()[i]);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
        StringBuilder sb = open();
        if (minX == Double.POSITIVE_INFINITY) return sb.append(text(W / 2.0, H / 2.0, "no data", "middle")).append("</svg>").toString();
        if (maxX == minX) maxX = minX + 1;
        if (logY) {
            minY = Math.pow(10, Math.floor(Math.log10(minY)));
            maxY = Math.pow(10, Math.ceil(Math.log10(maxY)));
            if (maxY == minY) maxY = minY * 10;
        } else {
            minY = 0;
            maxY = niceCeil(maxY <= 0 ? 1 : maxY);
        }
        final double x0 = minX, x1 = maxX, y0 = minY, y1 = maxY;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT);
        java.util.function.DoubleUnaryOperator py = y -> logY
                ? H - BOTTOM - (Math.log10(y) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) * (H - TOP - BOTTOM)
                : H - BOTTOM - (y - y0) / (y1 - y0) * (H - TOP - BOTTOM);
        // grid and y labels
        if (logY) {
            for (double v = y0; v <= y1 * 1.0001; v *= 10) gridY(sb, py.applyAsDouble(v), label(v));
        } else {
            for (int k = 0; k <= 4; k++) {
                double v = y0 + (y1 - y0) * k / 4;
                gridY(sb, py.applyAsDouble(v), label(v));
            }
        }
        for (int k = 0; k <= 5; k++) {
            double v = x0 + (x1 - x0) * k / 5;
            double x = px.applyAsDouble(v);
            sb.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>", x, TOP, x, H - BOTTOM));
            sb.append(text(x, H - BOTTOM + 14, xLabel.apply(v), "middle"));
        }
        sb.append(text(LEFT + (W - LEFT - RIGHT) / 2.0, H - 4, xTitle, "middle"));
        sb.append(String.format(Locale.ROOT, "<text x='12' y='%d' font-size='11' transform='rotate(-90 12 %d)' text-anchor='middle'>%s</text>",
                (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, esc(yTitle)));
        int k = 0;
        for (Series s : series) {
            String color = COLORS[k % COLORS.length];
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < s.x().length; i++) {
                double y = s.y()[i];
                if (Double.isNaN(y) || (logY && y <= 0)) {
                    pen = false;
                    continue;
                }
                path.append(pen ? 'L' : 'M').append(String.format(Locale.ROOT, "%.1f %.1f ", px.applyAsDouble(s.x()[i]), py.applyAsDouble(y)));
                pen = true;
            }
            sb.append("<path fill='none' stroke='").append(color).append("' stroke-width='1.6'")
                    .append(s.dashed() ? " stroke-dasharray='5 3'" : "").append(" d='").append(path).append("'/>");
            double ly = TOP + 10 + 16 * k;
            sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='%s' stroke-width='2'%s/>",
                    W - RIGHT + 10, ly - 4, W - RIGHT + 30, ly - 4, color, s.dashed() ? " stroke-dasharray='5 3'" : ""));
            sb.append(text(W - RIGHT + 34, ly, s.name(), "start"));
            k++;
        }
        return sb.append("</svg>").toString();
    }

    /** Stacked bars: one bar per x value, one colour per series (counts). */
    static String stacked(String xTitle, String yTitle, double[] x, double width, List<String> names, List<double[]> values,
            java.util.function.DoubleFunction<String> xLabel) {
        StringBuilder sb = open();
        if (x.length == 0 || names.isEmpty()) return sb.append(text(W / 2.0, H / 2.0, "none", "middle")).append("</svg>").toString();
        double x0 = x[0], x1 = x[x.length - 1] + width;
        double maxY = 0;
        for (int i = 0; i < x.length; i++) {
            double sum = 0;
            for (double[] v : values) sum += v[i];
            maxY = Math.max(maxY, sum);
        }
        maxY = niceCeil(maxY <= 0 ? 1 : maxY);
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        for (int k = 0; k <= 4; k++) gridY(sb, H - BOTTOM - plotH * k / 4, label(maxY * k / 4));
        for (int k = 0; k <= 5; k++) {
            double v = x0 + (x1 - x0) * k / 5;
            sb.append(text(LEFT + (v - x0) / (x1 - x0) * plotW, H - BOTTOM + 14, xLabel.apply(v), "middle"));
        }
        sb.append(text(LEFT + plotW / 2, H - 4, xTitle, "middle"));
        sb.append(String.format(Locale.ROOT, "<text x='12' y='%d' font-size='11' transform='rotate(-90 12 %d)' text-anchor='middle'>%s</text>",
                (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, esc(yTitle)));
        for (int i = 0; i < x.length; i++) {
            double base = 0;
            double bx = LEFT + (x[i] - x0) / (x1 - x0) * plotW;
            double bw = Math.max(1, width / (x1 - x0) * plotW - 1);
            for (int k = 0; k < values.size(); k++) {
                double v = values.get(k)[i];
                if (v <= 0) continue;
                double h = v / maxY * plotH;
                sb.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>%s: %s</title></rect>",
                        bx, H - BOTTOM - (base + v) / maxY * plotH, bw, h, COLORS[k % COLORS.length], esc(names.get(k)), label(v)));
                base += v;
            }
        }
        for (int k = 0; k < names.size(); k++) {
            double ly = TOP + 10 + 16 * k;
            sb.append(String.format(Locale.ROOT, "<rect x='%d' y='%.1f' width='12' height='10' fill='%s'/>", W - RIGHT + 10, ly - 9,
                    COLORS[k % COLORS.length]));
            sb.append(text(W - RIGHT + 26, ly, names.get(k), "start"));
        }
        return sb.append("</svg>").toString();
    }

    private static StringBuilder open() {
        return new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d' font-family='sans-serif' font-size='11'>"
                        + "<rect width='%d' height='%d' fill='white'/>", W, H, W, H, W, H));
    }

    private static void gridY(StringBuilder sb, double y, String label) {
        sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>", LEFT, y, W - RIGHT, y));
        sb.append(text(LEFT - 4, y + 4, label, "end"));
    }

    static String text(double x, double y, String s, String anchor) {
        return String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' text-anchor='%s'>%s</text>", x, y, anchor, esc(s));
    }

    static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }

    static String label(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e6) return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        if (a >= 1e4) return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        if (a >= 1) return String.format(Locale.ROOT, "%.4g", v);
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
    }
}
