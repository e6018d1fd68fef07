package io.jasyncio.transport;

/**
 * A transport's write-buffer water marks, as asyncio's {@code get_write_buffer_limits()} returns them
 * ({@code (low, high)}): the protocol's {@code pauseWriting()} is called when the buffered bytes go over
 * {@code high}, and {@code resumeWriting()} once they have drained to {@code low}.
 *
 * <p>Threading: immutable; any thread.
 *
 * @param low the low-water mark in bytes
 * @param high the high-water mark in bytes
 */
public record WriteBufferLimits(int low, int high) {
    /** Refuses marks out of order, with asyncio's message: {@code high (H) must be >= low (L) must be >= 0}. */
    public WriteBufferLimits {
        if (!(high >= low && low >= 0)) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
    }

    /**
     * Asyncio's defaults for {@code set_write_buffer_limits(high, low)}: a null {@code high} becomes
     * {@code defaultHigh}, or 4 × {@code low} if {@code low} is given; a null {@code low} becomes {@code high / 4}.
     *
     * @param high the high-water mark in bytes, or null
     * @param low the low-water mark in bytes, or null
     * @param defaultHigh the high-water mark when neither is given
     * @return the marks
     */
    public static WriteBufferLimits withDefaults(Integer high, Integer low, int defaultHigh) {
        int h = high != null ? high : low == null ? defaultHigh : 4 * low;
        return new WriteBufferLimits(low != null ? low : h / 4, h);
    }
}
