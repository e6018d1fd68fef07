package io.jasyncio.http.h2;

import java.io.IOException;

/**
 * The server did not process this request (RFC 9113 §8.7): its stream was above the last-stream-id of the server's
 * GOAWAY, or refused with REFUSED_STREAM. Sending it again, on another connection, is safe whatever its method.
 *
 * <p>Threading: immutable.
 */
public final class StreamRefusedError extends IOException {
    /**
     * A refusal, described by {@code message}.
     *
     * @param message what was refused and why
     */
    public StreamRefusedError(String message) {
        super(message);
    }
}
