package io.jasyncio.loadtest.scenario;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An HTTP answer as a scenario sees it: status, header fields (names in lower case, in order) and the body.
 *
 * <p>Threading: immutable.
 *
 * @param status the status code
 * @param headers the header fields as {name, value} pairs, names in lower case, in the order received
 * @param body the body, decoded from chunked if it was (empty if none)
 */
public record HttpResponse(int status, List<String[]> headers, byte[] body) {
    /**
     * The first value of header {@code name} (any case), or null.
     *
     * @param name the header's name
     * @return its first value, or null
     */
    public String header(String name) {
        for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) return h[1];
        return null;
    }

    /**
     * The body as UTF-8 text.
     *
     * @return the text (malformed UTF-8 replaced)
     */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The string value of {@code "key": "value"} in a flat JSON body, or null: enough for correlation in a
     * scenario without a JSON library (escapes are not decoded).
     *
     * @param key the key
     * @return the value between the quotes, or null when the key is absent or its value is not a string
     */
    public String jsonString(String key) {
        String t = text();
        String k = "\"" + key + "\"";
        int i = t.indexOf(k);
        while (i >= 0) {
            int j = i + k.length();
            while (j < t.length() && Character.isWhitespace(t.charAt(j))) j++;
            if (j < t.length() && t.charAt(j) == ':') {
                j++;
                while (j < t.length() && Character.isWhitespace(t.charAt(j))) j++;
                if (j < t.length() && t.charAt(j) == '"') {
                    int end = t.indexOf('"', j + 1);
                    if (end > j) return t.substring(j + 1, end);
                }
                return null;
            }
            i = t.indexOf(k, i + 1);
        }
        return null;
    }

    @Override
    public String toString() {
        return "HTTP " + status + " (" + body.length + " bytes)";
    }

    static HttpResponse of(io.jasyncio.loadtest.target.HttpResponseParser.Response r) {
        return new HttpResponse(r.status(), r.headers(), r.body());
    }

    /** Bytes as a string for messages. */
    static String preview(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return body.length > 200 ? s + "..." : s;
    }
}
