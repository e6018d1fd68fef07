package io.jasyncio.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * HTTP header fields: names compared without regard to case, each name with one or more values in the order
 * they were given (aiohttp's {@code CIMultiDict}).
 *
 * <p>Names are tokens; a value may not hold CR, LF, NUL or a character above U+00FF (fields are sent as
 * ISO-8859-1): {@link #add} and {@link #set} refuse them with an {@link IllegalArgumentException}.
 *
 * <p>Threading: not thread-safe; a request's headers are read on the loop's thread, a response's are built by
 * its handler.
 */
public final class Headers {
    private final TreeMap<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    /** No fields. */
    public Headers() {}

    /**
     * The first value of {@code name}, or null.
     *
     * @param name the field's name, in any case
     * @return the first value, or null
     */
    public String get(String name) {
        List<String> v = fields.get(name);
        return v == null ? null : v.get(0);
    }

    /**
     * Every value of {@code name}, in order; empty if there is none.
     *
     * @param name the field's name, in any case
     * @return an unmodifiable list of the values
     */
    public List<String> getAll(String name) {
        List<String> v = fields.get(name);
        return v == null ? List.of() : Collections.unmodifiableList(v);
    }

    /**
     * Whether a field named {@code name} is present (aiohttp's {@code name in headers}).
     *
     * @param name the field's name, in any case
     * @return true if it has a value
     */
    public boolean contains(String name) {
        return fields.containsKey(name);
    }

    /**
     * Adds a value, keeping those already there.
     *
     * @param name the field's name, a token
     * @param value the value to add
     * @return these headers
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF, NUL or a character above
     *     U+00FF
     */
    public Headers add(String name, String value) {
        check(name, value);
        fields.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        return this;
    }

    /**
     * The charset named by {@code Content-Type}, UTF-8 when none is named.
     *
     * @throws IllegalArgumentException naming the charset when the JVM does not have it
     */
    java.nio.charset.Charset contentCharset() {
        String type = get("Content-Type");
        if (type != null) {
            for (String part : type.split(";")) {
                String p = part.trim();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    String name = p.substring(8).replace("\"", "").trim();
                    try {
                        return java.nio.charset.Charset.forName(name);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unsupported charset " + name + " in Content-Type", e);
                    }
                }
            }
        }
        return java.nio.charset.StandardCharsets.UTF_8;
    }

    /** Adds a field its source has already checked as {@link #add} would (the parsers, an HTTP/2 response's fields). */
    void addChecked(String name, String value) {
        fields.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value); // one walk of the tree
    }

    /** The fields themselves, for the response writer. */
    Map<String, List<String>> fields() {
        return fields;
    }

    /**
     * Replaces every value of {@code name} with {@code value}.
     *
     * @param name the field's name, a token
     * @param value its only value from now on
     * @return these headers
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF, NUL or a character above
     *     U+00FF
     */
    public Headers set(String name, String value) {
        check(name, value);
        List<String> v = new ArrayList<>(1);
        v.add(value);
        fields.put(name, v);
        return this;
    }

    /**
     * Removes every value of {@code name} (aiohttp's {@code popall}); nothing happens if it is absent.
     *
     * @param name the field's name, in any case
     * @return these headers
     */
    public Headers remove(String name) {
        fields.remove(name);
        return this;
    }

    /**
     * The names, as first given, in case-insensitive order.
     *
     * @return an unmodifiable view of the names
     */
    public Set<String> names() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    /** {@return how many distinct names there are} */
    public int size() {
        return fields.size();
    }

    /**
     * A read-only view: name → values.
     *
     * @return the unmodifiable view
     */
    public Map<String, List<String>> asMap() {
        return Collections.unmodifiableMap(fields);
    }

    /** Refuses what would let a value end the header line early (response splitting). */
    private static void check(String name, String value) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a header name must not be empty");
        if (value == null) throw new NullPointerException("value of header " + name);
        for (int i = 0; i < name.length(); i++) {
            if (!RequestParser.isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("invalid character in header name " + name);
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("header " + name + " has a CR, LF or NUL in its value");
            }
            // A field is sent as ISO-8859-1, one byte per char: U+010D would go out as 0x0D, a CR.
            if (c > 0xFF) {
                throw new IllegalArgumentException("header " + name + " has a character that is not ISO-8859-1 ("
                        + String.format("U+%04X", (int) c) + ") in its value: percent-encode it (RFC 8187, RFC 3986)");
            }
        }
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
