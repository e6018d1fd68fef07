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
}
