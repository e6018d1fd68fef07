package io.jasyncio.streams;

/**
 * asyncio's {@code IncompleteReadError}: the stream ended before a read was satisfied. {@link #partial()}
 * holds what was read; {@link #expected()} how much was asked for, or null when it was "until a separator".
 *
 * <p>Threading: immutable.
 */
public class IncompleteReadError extends RuntimeException {
    private final byte[] partial;
    private final Integer expected;

    public IncompleteReadError(byte[] partial, Integer expected) {
        super(partial.length + " bytes read on a total of " + (expected == null ? "undefined" : expected.toString())
                + " expected bytes");
        this.partial = partial.clone();
        this.expected = expected;
    }

    /** The bytes read before the end of the stream. */
    public byte[] partial() {
        return partial.clone();
    }

    /** The number of bytes expected, or null if undefined. */
    public Integer expected() {
        return expected;
    }
}
