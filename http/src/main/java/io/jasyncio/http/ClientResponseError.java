package io.jasyncio.http;

import java.io.IOException;

/**
 * A response said the request failed (aiohttp's {@code ClientResponseError}): thrown by
 * {@link ClientResponse#raiseForStatus()} for a status of 400 or more, and by a session created with
 * {@code raiseForStatus}. Holds the status and the headers.
 *
 * <p>Threading: immutable once thrown.
 */
public class ClientResponseError extends IOException {
    /** The response's status. */
    private final int status;
    /** The response's headers. */
    private final Headers headers;

    ClientResponseError(int status, Headers headers, String message) {
        super(message);
        this.status = status;
        this.headers = headers;
    }

    /**
     * The response's status code (aiohttp's {@code ClientResponseError.status}).
     *
     * @return the status, 400 or more when thrown by {@code raiseForStatus}
     */
    public int status() {
        return status;
    }

    /**
     * The response's headers (aiohttp's {@code ClientResponseError.headers}).
     *
     * @return the headers
     */
    public Headers headers() {
        return headers;
    }
}
