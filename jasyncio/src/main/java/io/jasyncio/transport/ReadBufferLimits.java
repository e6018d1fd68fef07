package io.jasyncio.transport;

/**
 * A TLS transport's read-buffer water marks, as asyncio's {@code get_read_buffer_limits()} returns them
 * ({@code (low, high)}): the ciphertext received but not yet decrypted piles up while the application has paused
 * reading; over {@code high} the socket is no longer read, and once it is down to {@code low} it is read again.
 *
 * <p>Threading: immutable; any thread.
 *
 * @param low the low-water mark in bytes
 * @param high the high-water mark in bytes
 */
public record ReadBufferLimits(int low, int high) {
    /** Refuses marks out of order, with asyncio's message: {@code high (H) must be >= low (L) must be >= 0}. */
    public ReadBufferLimits {
        new WriteBufferLimits(low, high); // the same check and message
    }

    /**
     * Asyncio's defaults for {@code set_read_buffer_limits(high, low)}, the same as the write side's
     * ({@link WriteBufferLimits#withDefaults}).
     *
     * @param high the high-water mark in bytes, or null
     * @param low the low-water mark in bytes, or null
     * @param defaultHigh the high-water mark when neither is given
     * @return the marks
     */
    public static ReadBufferLimits withDefaults(Integer high, Integer low, int defaultHigh) {
        WriteBufferLimits marks = WriteBufferLimits.withDefaults(high, low, defaultHigh);
        return new ReadBufferLimits(marks.low(), marks.high());
    }
}
