package io.jasyncio.http;

import io.jasyncio.TimeoutError;

/**
 * A {@link ClientTimeout} fired (aiohttp's {@code ServerTimeoutError} / {@code ConnectionTimeoutError}):
 * {@link #which()} says which one — {@code "total"}, {@code "connect"}, {@code "sockConnect"} or
 * {@code "sockRead"} — and the message names the request and the limit.
 *
 * <p>Threading: immutable once thrown.
 */
public final class ClientTimeoutError extends TimeoutError {
    /** The name of the limit that ran out. */
    private final String which;

    ClientTimeoutError(String which, double seconds, String what, Throwable cause) {
        super(what + ": ClientTimeout." + which + " (" + seconds + " s) expired", cause);
        this.which = which;
    }

    /**
     * Which of {@link ClientTimeout}'s limits ran out.
     *
     * @return {@code "total"}, {@code "connect"}, {@code "sockConnect"} or {@code "sockRead"}
     */
    public String which() {
        return which;
    }
}
