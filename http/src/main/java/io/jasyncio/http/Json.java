package io.jasyncio.http;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in {@link JsonCodec} (RFC 8259), so JSON works with no library. Encodes {@code null},
 * {@link Boolean}, {@link Number} (finite), {@link CharSequence}, {@link Map} (keys as strings),
 * {@link Iterable} and arrays, records (as objects of their components) and enums (their name). Decodes objects
 * to {@link LinkedHashMap}, arrays to {@link ArrayList}, integers to {@link Long} (or {@link BigInteger} past
 * its range), other numbers to {@link Double}, and strings, booleans and null as such; a duplicate key keeps
 * its last value (as Python's {@code json}). Input is strict: trailing commas, comments, single quotes, NaN,
 * lone surrogates escapes aside, and text after the value are refused with an {@link IllegalArgumentException}
 * naming the offset.
 *
 * <p>Bounds: nesting deeper than {@link #MAX_DEPTH} is refused both ways (so a hostile body cannot exhaust the
 * stack, and a cycle in the value encoded ends there); a number of more than {@link #MAX_NUMBER_LENGTH}
 * characters is refused (BigInteger parsing is quadratic). The text's size is the caller's bound: a request's
 * body is at most the application's {@code clientMaxSize}.
 *
 * <p>Threading: stateless, safe from any thread.
 */
public final class Json implements JsonCodec {
    /** The deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 128;
    /** The longest number accepted, in characters. */
    public static final int MAX_NUMBER_LENGTH = 400;

    static final Json CODEC = new Json();

    private Json() {}

    @Override
    public String encode(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    @Override
    public Object decode(String text) {
        Parser p = new Parser(text);
        p.skipBlank();
        Object v = p.value(0);
        p.skipBlank();
        if (p.pos < text.length()) throw p.error("text after the JSON value");
        return v;
    }

    // ---------------------------------------------------------------- encoding

    private static void write(StringBuilder sb, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("the value nests deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        switch (v) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b);
            case Double d -> number(sb, d);
            case Float f -> number(sb, f.doubleValue());
            case BigDecimal d -> sb.append(d.toString());
            case Number n -> sb.append(n.toString()); // Integer, Long, Short, Byte, BigInteger, atomics
            case CharSequence s -> string(sb, s.toString());
            case Character c -> string(sb, c.toString());
            case Enum<?> e -> string(sb, e.name());
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    if (!(e.getKey() instanceof CharSequence || e.getKey() instanceof Number || e.getKey() instanceof Enum<?>)) {
                        throw new IllegalArgumentException("a JSON object's keys are strings; got a key of "
                                + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
                    }
                    string(sb, e.getKey() instanceof Enum<?> en ? en.name() : e.getKey().toString());
                    sb.append(':');
                    write(sb, e.getValue(), depth + 1);
                }
                sb.append('}');
            }
            case Iterable<?> it -> {
                sb.append('[');
                Iterator<?> i = it.iterator();
                while (i.hasNext()) {
                    write(sb, i.next(), depth + 1);
                    if (i.hasNext()) sb.append(',');
                }
                sb.append(']');
            }
            case Object[] a -> write(sb, java.util.Arrays.asList(a), depth);
            case Record r -> {
                sb.append('{');
                RecordComponent[] cs = r.getClass().getRecordComponents();
                for (int i = 0; i < cs.length; i++) {
                    if (i > 0) sb.append(',');
                    string(sb, cs[i].getName());
                    sb.append(':');
                    Object x;
                    try {
                        var acc = cs[i].getAccessor();
                        acc.setAccessible(true);
                        x = acc.invoke(r);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        throw new IllegalArgumentException("cannot read component " + cs[i].getName() + " of "
                                + r.getClass().getName() + ": " + e, e);
                    }
                    write(sb, x, depth + 1);
                }
                sb.append('}');
            }
            default -> {
                if (v.getClass().isArray()) { // int[], double[], ...
                    int n = java.lang.reflect.Array.getLength(v);
                    List<Object> l = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) l.add(java.lang.reflect.Array.get(v, i));
                    write(sb, l, depth);
                } else {
                    throw new IllegalArgumentException("the built-in JSON codec cannot encode a " + v.getClass().getName()
                            + ": give a Map, List, record, String, Number, Boolean or null, or plug in a JsonCodec");
                }
            }
        }
    }

    private static void number(StringBuilder sb, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException("JSON has no " + d);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d).append(".0");
        else sb.append(d);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // U+2028/2029 escaped too: the text stays valid inside a <script> block.
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    // ---------------------------------------------------------------- decoding

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
        }

        void skipBlank() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
                pos++;
            }
        }

        Object value(int depth) {
            if (pos >= s.length()) throw error("the text ended where a value was expected");
            char c = s.charAt(pos);
            switch (c) {
                case '{': return object(depth + 1);
                case '[': return array(depth + 1);
                case '"': return string();
                case 't': return literal("true", Boolean.TRUE);
                case 'f': return literal("false", Boolean.FALSE);
                case 'n': return literal("null", null);
                default:
                    if (c == '-' || c >= '0' && c <= '9') return number();
                    throw error("unexpected character " + printable(c));
            }
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) throw error("expected " + word);
            pos += word.length();
            return v;
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }

        private Map<String, Object> object(int depth) {
            checkDepth(depth);
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            skipBlank();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipBlank();
                if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
                String k = string();
                skipBlank();
                if (pos >= s.length() || s.charAt(pos) != ':') throw error("expected ':'");
                pos++;
                skipBlank();
                m.put(k, value(depth));
                skipBlank();
                if (pos >= s.length()) throw error("the text ended inside an object");
                char c = s.charAt(pos++);
                if (c == '}') return m;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) {
            checkDepth(depth);
            pos++;
            List<Object> l = new ArrayList<>();
            skipBlank();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return l;
            }
            while (true) {
                skipBlank();
                l.add(value(depth));
                skipBlank();
                if (pos >= s.length()) throw error("the text ended inside an array");
                char c = s.charAt(pos++);
                if (c == ']') return l;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            pos++; // the opening quote
            StringBuilder sb = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) throw error("the text ended inside a string");
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                    pos++;
                    return out;
                }
                if (c < 0x20) throw error("a control character in a string (escape it)");
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) sb = new StringBuilder();
                sb.append(s, start, pos);
                if (pos + 1 >= s.length()) throw error("the text ended inside an escape");
                char e = s.charAt(pos + 1);
                pos += 2;
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("a \\u escape needs four hex digits");
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos + i), 16);
                            if (d < 0) throw error("a \\u escape needs four hex digits");
                            v = v * 16 + d;
                        }
                        pos += 4;
                        sb.append((char) v);
                    }
                    default -> {
                        pos -= 1;
                        throw error("invalid escape \\" + printable(e));
                    }
                }
                start = pos;
            }
        }

        private Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            if (pos >= s.length()) throw error("a number needs digits");
            if (s.charAt(pos) == '0') {
                pos++;
            } else if (s.charAt(pos) >= '1' && s.charAt(pos) <= '9') {
                while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 0x80) pos++;
            } else {
                throw error("a number needs digits");
            }
            boolean integral = true;
            if (pos < s.length() && s.charAt(pos) == '.') {
                integral = false;
                pos++;
                int d = pos;
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
                if (pos == d) throw error("a fraction needs digits");
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
                int d = pos;
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
                if (pos == d) throw error("an exponent needs digits");
            }
            if (pos - start > MAX_NUMBER_LENGTH) {
                pos = start;
                throw error("a number longer than " + MAX_NUMBER_LENGTH + " characters");
            }
            String t = s.substring(start, pos);
            if (!integral) return Double.parseDouble(t);
            if (t.length() <= 18) return Long.parseLong(t);
            BigInteger b = new BigInteger(t);
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }

        private static String printable(char c) {
            return c < 0x20 || c > 0x7E ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }
    }
}
