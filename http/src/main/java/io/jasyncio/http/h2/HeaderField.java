package io.jasyncio.http.h2;

/**
 * One header field of an HTTP/2 header list: a lower-case name (pseudo-headers start with {@code :}) and a
 * value, both as the octets sent, one char per byte (ISO-8859-1). {@link #size()} is its HPACK size (RFC 7541 §4.1).
 *
 * <p>Threading: immutable.
 *
 * @param name the field's name, lower case
 * @param value the field's value
 */
public record HeaderField(String name, String value) {
    /**
     * Checks that neither part is null.
     *
     * @throws NullPointerException if {@code name} or {@code value} is null
     */
    public HeaderField {
        if (name == null || value == null) throw new NullPointerException("a header field needs a name and a value");
    }

    /**
     * Name and value lengths plus 32: what the field costs in a dynamic table and in a header list's size.
     *
     * @return the field's HPACK size
     */
    public int size() {
        return name.length() + value.length() + 32;
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
