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
        if (!(high >= low && low >= 0)) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
    }
}
