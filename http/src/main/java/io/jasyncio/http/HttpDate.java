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

    private HttpDate() {}

    static String now() {
        long s = System.currentTimeMillis() / 1000;
        Stamp st = last;
        if (st.second != s) last = st = new Stamp(s, FORMAT.format(Instant.ofEpochSecond(s)));
        return st.text;
    }
}
