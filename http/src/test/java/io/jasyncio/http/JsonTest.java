package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The built-in {@link Json} codec, {@link Web#jsonResponse} and {@link Request#json}, and a plugged-in codec. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JsonTest {
    private static final Json J = Json.CODEC;

    record Point(int x, int y, String label) {}

    enum Color { RED }

    @Test
    void encodesTheUsualValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\u0001\u2028é");
        m.put("n", 42);
        m.put("l", 1L << 60);
        m.put("d", 1.5);
        m.put("whole", 2.0);
        m.put("t", true);
        m.put("z", null);
        m.put("list", List.of(1, "two", List.of()));
        m.put("arr", new int[] {1, 2});
        m.put("rec", new Point(1, 2, "p"));
        m.put("enum", Color.RED);
        m.put("big", new BigInteger("123456789012345678901234567890"));
        assertEquals("{\"s\":\"a\\\"b\\\\c\\n\\u0001\\u2028é\",\"n\":42,\"l\":1152921504606846976,\"d\":1.5,\"whole\":2.0,"
                + "\"t\":true,\"z\":null,\"list\":[1,\"two\",[]],\"arr\":[1,2],\"rec\":{\"x\":1,\"y\":2,\"label\":\"p\"},"
                + "\"enum\":\"RED\",\"big\":123456789012345678901234567890}", J.encode(m));
    }

    @Test
    void refusesWhatJsonCannotSay() {
        assertThrows(IllegalArgumentException.class, () -> J.encode(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> J.encode(new Object()));
        assertThrows(IllegalArgumentException.class, () -> J.encode(Map.of(List.of(), 1)));
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> J.encode(cycle));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void decodesStrictly() {
        assertEquals(Map.of("a", List.of(1L, 2.5, "x", true, false), "b", Map.of()),
                J.decode(" {\"a\": [1, 2.5, \"x\", true, false], \"b\": {}} "));
        assertNull(J.decode("null"));
        assertEquals("é\n\"/", J.decode("\"\\u00e9\\n\\\"\\/\""));
        assertEquals(new BigInteger("99999999999999999999"), J.decode("99999999999999999999"));
        assertEquals(-9223372036854775808L, J.decode("-9223372036854775808"));
        assertEquals(1e300, J.decode("1e300"));
        assertEquals(Map.of("k", 2L), J.decode("{\"k\":1,\"k\":2}"), "the last duplicate wins, as in Python");
        for (String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "1.", ".5", "1e", "NaN", "[1] x",
                "\"\u0001\"", "\"\\x\"", "\"\\u12\"", "tru", "{\"a\" 1}", "[1 2]", "/*c*/1", "+1", "\"open")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> J.decode(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON at offset"), e.getMessage());
        }
    }

    @Test
    void hostileNestingAndNumbersAreBounded() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> J.decode(deep));
        assertTrue(e.getMessage().contains("nesting deeper than " + Json.MAX_DEPTH), e.getMessage());
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertNotNull(J.decode(ok));
        String longNumber = "1".repeat(100_000);
        e = assertThrows(IllegalArgumentException.class, () -> J.decode(longNumber));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void overHttpWithTheBuiltinAndAPluggedCodec() throws Exception {
        JsonCodec upper = new JsonCodec() { // a stand-in for Jackson: what a plugged codec returns is used as such
            @Override
            public String encode(Object value) {
                return "\"" + value.toString().toUpperCase() + "\"";
            }

            @Override
            public Object decode(String text) throws Exception {
                if (text.isEmpty()) throw new java.io.IOException("empty");
                return text.toUpperCase();
            }
        };
        Application app = new Application(64 * 1024);
        app.router().addPost("/sum", r -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) r.json();
            long sum = 0;
            for (Object o : (List<?>) body.get("n")) sum += (Long) o;
            return Web.jsonResponse(Map.of("sum", sum));
        });
        app.router().addPost("/plugged", r -> Web.jsonResponse(201, r.json(upper), upper));
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            RawClient.Reply r = post(c, "/sum", "{\"n\": [1, 2, 39]}");
            assertEquals(200, r.status());
            assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
            assertEquals("{\"sum\":42}", r.text());
            r = post(c, "/sum", "{\"n\": [1, 2,");
            assertEquals(400, r.status());
            assertTrue(r.text().contains("not valid JSON: invalid JSON at offset 12"), r.text());
            r = post(c, "/sum", "[".repeat(50_000));
            assertEquals(400, r.status(), "a hostile nesting is the client's error, not a StackOverflowError");
            assertTrue(r.text().contains("nesting deeper"), r.text());
            r = post(c, "/plugged", "abc");
            assertEquals(201, r.status());
            assertEquals("\"ABC\"", r.text());
            assertEquals(400, post(c, "/plugged", "").status());
            assertTrue(s.errors.isEmpty(), s.errors.toString());
        }
    }

    private static RawClient.Reply post(RawClient c, String path, String body) throws Exception {
        byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return c.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\n\r\n" + body).read();
    }
}
