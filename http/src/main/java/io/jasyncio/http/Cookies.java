package io.jasyncio.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a request's {@code Cookie} fields, leniently as browsers and aiohttp do: {@code name=value} pairs
 * separated by {@code ;}, blanks trimmed, surrounding double quotes taken off a value; a pair without {@code =}
 * or with an empty or non-token name is skipped rather than failing the request; the first of two pairs with the
 * same name wins (RFC 6265 section 5.4 sends the most specific path first). At most {@link #MAX_COOKIES} are
 * read; the fields' total size is already bounded by the request parser's header limit.
 *
 * <p>Threading: stateless.
 */
final class Cookies {
    /** Cookies read from one request; the rest are ignored (browsers keep at most 180 per domain). */
    static final int MAX_COOKIES = 200;

    private Cookies() {}

    static Map<String, String> parse(Iterable<String> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String field : fields) {
            int start = 0, n = field.length();
            while (start < n && out.size() < MAX_COOKIES) {
                int end = field.indexOf(';', start);
                if (end < 0) end = n;
                int eq = field.indexOf('=', start);
                if (eq > start && eq < end) {
                    String name = field.substring(start, eq).trim();
                    String value = field.substring(eq + 1, end).trim();
                    if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                        value = value.substring(1, value.length() - 1);
                    }
                    if (isToken(name)) out.putIfAbsent(name, value);
                }
                start = end + 1;
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            if (!RequestParser.isTokenChar(s.charAt(i))) return false;
        }
        return true;
    }
}
