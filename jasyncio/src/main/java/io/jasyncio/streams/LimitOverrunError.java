package io.jasyncio.streams;

/**
 * asyncio's {@code LimitOverrunError}: looking for a separator went past the reader's limit. The data stays
 * in the reader; {@link #consumed()} is how many bytes may be discarded to get past the problem.
 *
 * <p>Threading: immutable.
 */
public class LimitOverrunError extends RuntimeException {
    /** How many bytes may be discarded to skip the over-long data. */
    private final int consumed;

    /**
     * The error for a separator search that went past the limit.
     *
     * @param message what was looked for and the limit
     * @param consumed how many bytes may be discarded to skip the over-long data
     */
    public LimitOverrunError(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /** {@return the number of bytes to consume to skip the over-long data} */
    public int consumed() {
        return consumed;
    }
}
