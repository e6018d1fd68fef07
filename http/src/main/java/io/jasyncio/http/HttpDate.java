package io.jasyncio.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header's value (RFC 9110's IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37 GMT}), formatted
 * at most once per second.
 *
 * <p>Threading: safe from any thread; loops on several threads share the cached value.
 */
final class HttpDate {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record Stamp(long second, String text) {}

    private static volatile Stamp last = new Stamp(-1, "");
    /** The last {@link #format}ted time: a static file's Last-Modified is the same on every request. */
    private static volatile Stamp lastFormatted = new Stamp(Long.MIN_VALUE, "");

    private HttpDate() {}

    static String now() {
        long s = System.currentTimeMillis() / 1000;
        Stamp st = last;
        if (st.second != s) last = st = new Stamp(s, FORMAT.format(Instant.ofEpochSecond(s)));
        return st.text;
    }

    /** {@code t}, to the second, as an IMF-fixdate ({@code Last-Modified}). */
    static String format(Instant t) {
        long s = t.getEpochSecond();
        Stamp st = lastFormatted;
        if (st.second != s) lastFormatted = st = new Stamp(s, FORMAT.format(Instant.ofEpochSecond(s)));
        return st.text;
    }

    /**
     * The seconds since the epoch of an HTTP date ({@code If-Modified-Since}), or -1 when it is not one: RFC 9110
     * section 13.1.3 says to ignore a conditional whose date is invalid. IMF-fixdate and RFC 850's and asctime's
     * obsolete forms are accepted.
     */
    static long parseSeconds(String value) {
        if (value == null) return -1;
        String v = value.trim();
        for (DateTimeFormatter f : PARSERS) {
            try {
                return java.time.ZonedDateTime.parse(v, f).toEpochSecond();
            } catch (java.time.format.DateTimeParseException e) {
                // try the next form
            }
        }
        return -1;
    }

    private static final DateTimeFormatter[] PARSERS = {
        DateTimeFormatter.RFC_1123_DATE_TIME,
        DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC),
        DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC),
    };
}
