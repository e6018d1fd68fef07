package io.jasyncio.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Percent-decoding of request paths and query strings. Malformed escapes and bytes that are not UTF-8 are
 * the client's error: a 400 naming what was wrong.
 *
 * <p>Threading: stateless.
 */
final class UrlCodec {
    private UrlCodec() {}

    /** Decodes {@code %XX} escapes (and {@code +} as a space when {@code plusIsSpace}) as UTF-8. */
    static String decode(String s, boolean plusIsSpace, String what) {
        if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0) throw new HttpError(400, "invalid percent-escape in the " + what + ": " + s);
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "the " + what + " is not UTF-8 once decoded: " + s);
        }
    }

    /** {@code a=1&b=2&a=3} → {a=[1, 3], b=[2]}; a name without {@code =} has the empty value. */
    static Map<String, List<String>> parseQuery(String q) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (q.isEmpty()) return out;
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true, "query");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true, "query");
            out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return out;
    }

    /**
     * Percent-encodes {@code s} as UTF-8, leaving RFC 3986's unreserved characters ({@code A-Z a-z 0-9 - . _ ~})
     * as they are; with {@code spaceAsPlus} a space becomes {@code +} (forms), else {@code %20}.
     */
    static String encode(String s, boolean spaceAsPlus) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else if (c == ' ' && spaceAsPlus) {
                sb.append('+');
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
