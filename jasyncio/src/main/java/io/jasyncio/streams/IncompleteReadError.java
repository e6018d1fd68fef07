package io.jasyncio.streams;

/**
 * asyncio's {@code IncompleteReadError}: the stream ended before a read was satisfied. {@link #partial()}
 * holds what was read; {@link #expected()} how much was asked for, or null when it was "until a separator".
 *
 * <p>Threading: immutable.
 */
public class IncompleteReadError extends RuntimeException {
    /** The bytes read before the end of the stream. */
    private final byte[] partial;
    /** The number of bytes asked for, or null for a read until a separator. */
    private final Integer expected;

    /**
     * The error for a read that ended early.
     *
     * @param partial the bytes read before the end of the stream (copied)
     * @param expected the number of bytes asked for, or null for a read until a separator
     */
    public IncompleteReadError(byte[] partial, Integer expected) {
        super(partial.length + " bytes read on a total of " + (expected == null ? "undefined" : expected.toString())
                + " expected bytes");
        this.partial = partial.clone();
        this.expected = expected;
    }

    /** {@return a copy of the bytes read before the end of the stream} */
    public byte[] partial() {
        return partial.clone();
    }

    /** {@return the number of bytes expected, or null if undefined (a read until a separator)} */
    public Integer expected() {
        return expected;
    }
}
