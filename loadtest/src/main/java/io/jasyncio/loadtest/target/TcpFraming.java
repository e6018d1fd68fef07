package io.jasyncio.loadtest.target;

import java.util.Locale;

/**
 * How a raw TCP target's answers end. {@link #LINE}: at a newline (requests are sent as one line). {@link #LENGTH}:
 * after a 4-byte big-endian length and that many bytes (requests are framed the same way). {@link #ECHO}: after
 * as many bytes as the request had (an echo server).
 *
 * <p>Threading: constants.
 */
public enum TcpFraming {
    /** An answer ends at a newline; the request is one line. */
    LINE,
    /** An answer is a 4-byte big-endian length and that many bytes; the request is framed the same way. */
    LENGTH,
    /** An answer is as many bytes as the request (an echo server). */
    ECHO;

    /**
     * {@code line}, {@code length} or {@code echo}.
     *
     * @param s the name, any case
     * @return the framing
     * @throws IllegalArgumentException another name
     */
    public static TcpFraming parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the TCP framing is line, length or echo, got '" + s + "'");
        }
    }
}
