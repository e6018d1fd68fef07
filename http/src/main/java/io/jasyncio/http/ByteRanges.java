package io.jasyncio.http;

/**
 * The {@code Range} header of a request for a file (RFC 9110 section 14): {@code bytes=0-99}, {@code bytes=100-},
 * {@code bytes=-100} (the last 100).
 *
 * <p>Threading: stateless.
 */
final class ByteRanges {
    private ByteRanges() {}

    /** Returned by {@link #single} when no range overlaps the file: answer 416. */
    static final long[] UNSATISFIABLE = new long[0];

    /**
     * The one range of {@code header} within a file of {@code size} bytes, as {first, last} (inclusive), clipped to
     * the file; {@link #UNSATISFIABLE} when it starts past the end (or asks for a suffix of 0 bytes); null when
     * the whole file is to be sent: no header, a malformed one (RFC 9110: ignore it), a unit other than bytes, or
     * several ranges (the whole file is the simple answer a server may give; no multipart/byteranges).
     */
    static long[] single(String header, long size) {
        if (header == null) return null;
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) return null;
        String spec = h.substring(6).trim();
        if (spec.indexOf(',') >= 0 || spec.length() > 40) return null;
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        long first = number(spec.substring(0, dash).trim());
        long last = number(spec.substring(dash + 1).trim());
        String a = spec.substring(0, dash).trim(), b = spec.substring(dash + 1).trim();
        if (a.isEmpty()) { // suffix: the last n bytes
            if (last < 0) return null;
            if (last == 0 || size == 0) return UNSATISFIABLE;
            return new long[] {Math.max(0, size - last), size - 1};
        }
        if (first < 0 || (!b.isEmpty() && (last < 0 || last < first))) return null;
        if (first >= size) return UNSATISFIABLE;
        long end = b.isEmpty() ? size - 1 : Math.min(last, size - 1);
        return new long[] {first, end};
    }

    /** A non-negative decimal of at most 18 digits, or -1. */
    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18) return -1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
        return Long.parseLong(s);
    }
}
