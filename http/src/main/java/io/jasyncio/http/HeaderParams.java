package io.jasyncio.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a header value such as {@code multipart/form-data; boundary=xyz} or
 * {@code form-data; name="a"; filename="b.txt"} (RFC 9110 section 5.6.6, with quoted strings and their
 * backslash escapes; RFC 8187's {@code name*=UTF-8''...} decoded and preferred).
 *
 * <p>Threading: stateless.
 */
final class HeaderParams {
    private HeaderParams() {}

    /** The value before the first {@code ;}, trimmed and in lower case. */
    static String mainValue(String header) {
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** Parameter names (lower case) to values; a malformed parameter is skipped. */
    static Map<String, String> parse(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = header.indexOf(';');
        if (i < 0) return out;
        int n = header.length();
        i++;
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t' || header.charAt(i) == ';')) i++;
            int eq = header.indexOf('=', i);
            if (eq < 0) break;
            String name = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < n && header.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (i < n && header.charAt(i) != '"') {
                    if (header.charAt(i) == '\\' && i + 1 < n) i++;
                    b.append(header.charAt(i++));
                }
                i++; // the closing quote
                value = b.toString();
                int semi = header.indexOf(';', i);
                i = semi < 0 ? n : semi + 1;
            } else {
                int semi = header.indexOf(';', i);
                value = header.substring(i, semi < 0 ? n : semi).trim();
                i = semi < 0 ? n : semi + 1;
            }
            if (name.endsWith("*")) {
                String decoded = extValue(value);
                if (decoded != null) out.put(name.substring(0, name.length() - 1), decoded);
                continue;
            }
            out.putIfAbsent(name, value);
        }
        return out;
    }

    /** RFC 8187: {@code UTF-8'lang'percent-encoded}; null when malformed or of another charset. */
    private static String extValue(String v) {
        int a = v.indexOf('\''), b = a < 0 ? -1 : v.indexOf('\'', a + 1);
        if (b < 0 || !v.substring(0, a).equalsIgnoreCase("utf-8")) return null;
        try {
            return UrlCodec.decode(v.substring(b + 1), false, "header parameter");
        } catch (HttpError e) {
            return null;
        }
    }
}
