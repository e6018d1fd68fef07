package io.jasyncio.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code Range} header of a request for a file (RFC 9110 section 14): {@code bytes=0-99}, {@code bytes=100-},
 * {@code bytes=-100} (the last 100), or several of them separated by commas ({@code bytes=0-99,200-299}), answered
 * with {@code multipart/byteranges}.
 *
 * <p>What a hostile range set can cost is bounded, as nginx and Apache bound it (RFC 9110 section 14.2 lets a
 * server ignore such a set): more than {@link #MAX_RANGES} ranges, or ranges that together ask for more bytes than
 * the file has (overlaps: the "Apache Killer" of CVE-2011-3192, nginx's own rule), are ignored and the whole file
 * is sent. Ranges that overlap or touch are coalesced (RFC 9110 allows it; Apache does it); they are then sent in
 * ascending order, else in the client's order. Ranges starting past the end are dropped; if none is left, 416.
 * aiohttp refuses every range set of more than one range with 416; nginx and Apache answer them, so does this.
 *
 * <p>Threading: stateless.
 */
final class ByteRanges {
    private ByteRanges() {}

    /** More ranges than this in one header: the header is ignored (nginx's {@code max_ranges}; Apache's is 200). */
    static final int MAX_RANGES = 64;

    /** Returned by {@link #parse} when no range overlaps the file: answer 416. */
    static final long[][] UNSATISFIABLE = new long[0][];

    /**
     * The ranges of {@code header} within a file of {@code size} bytes, each as {first, last} (inclusive) clipped
     * to the file, in the order they are to be sent (at least one); {@link #UNSATISFIABLE} when every range starts
     * past the end (or asks for a suffix of 0 bytes); null when the whole file is to be sent: no header, a
     * malformed one (RFC 9110: ignore it), a unit other than bytes, or a range set refused as hostile (see above).
     */
    static long[][] parse(String header, long size) {
        if (header == null) return null;
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) return null;
        List<long[]> ranges = new ArrayList<>();
        int from = 6, n = 0;
        while (from <= h.length()) {
            int comma = h.indexOf(',', from);
            int to = comma < 0 ? h.length() : comma;
            if (++n > MAX_RANGES) return null; // counted before parsing: 10,000 ranges cost at most 65 parses
            String spec = h.substring(from, to).trim();
            from = to + 1;
            if (spec.isEmpty()) { // RFC 9110's list rule: empty elements are allowed and ignored
                n--;
                if (comma < 0) break;
                continue;
            }
            long[] r = one(spec, size);
            if (r == null) return null; // one malformed range: the whole header is ignored
            if (r != NONE) ranges.add(r);
            if (comma < 0) break;
        }
        if (n == 0) return null;
        if (ranges.isEmpty()) return UNSATISFIABLE;
        long total = 0;
        for (long[] r : ranges) total += r[1] - r[0] + 1; // each at most size: no overflow for MAX_RANGES of them
        if (total > size) return null; // asks for more than the file: overlaps, nginx's defence
        return coalesce(ranges);
    }

    /** A range that lies wholly past the end of the file (unsatisfiable, dropped). */
    private static final long[] NONE = new long[0];

    /** One range-spec: {first, last} clipped, {@link #NONE} when past the end, null when malformed. */
    private static long[] one(String spec, long size) {
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        String a = spec.substring(0, dash).trim(), b = spec.substring(dash + 1).trim();
        long first = number(a), last = number(b);
        if (a.isEmpty()) { // suffix: the last n bytes
            if (last < 0) return null;
            if (last == 0 || size == 0) return NONE;
            return new long[] {Math.max(0, size - last), size - 1};
        }
        if (first < 0 || (!b.isEmpty() && (last < 0 || last < first))) return null;
        if (first >= size) return NONE;
        return new long[] {first, b.isEmpty() ? size - 1 : Math.min(last, size - 1)};
    }

    /** The ranges as given if none overlaps or touches another; else sorted, those that do merged into one. */
    private static long[][] coalesce(List<long[]> ranges) {
        long[][] sorted = ranges.toArray(new long[0][]);
        Arrays.sort(sorted, Comparator.comparingLong((long[] r) -> r[0]));
        boolean merge = false;
        for (int i = 1; i < sorted.length && !merge; i++) merge = sorted[i][0] <= sorted[i - 1][1] + 1;
        if (!merge) return ranges.toArray(new long[0][]);
        List<long[]> out = new ArrayList<>();
        long[] cur = sorted[0].clone();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i][0] <= cur[1] + 1) {
                cur[1] = Math.max(cur[1], sorted[i][1]);
            } else {
                out.add(cur);
                cur = sorted[i].clone();
            }
        }
        out.add(cur);
        return out.toArray(new long[0][]);
    }

    /** A non-negative decimal of at most 18 digits, or -1. */
    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18) return -1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
        return Long.parseLong(s);
    }
}
