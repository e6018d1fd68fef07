package io.jasyncio.http.h2;

/**
 * Answers one request stream of an {@link Http2ServerConnection}, in a task of its own (so it may await). The
 * HTTP module's sites give every stream to the application's handlers; tests and other servers may give their own.
 *
 * <p>Threading: called on the connection's loop, in the stream's task. The task is cancelled when the client
 * resets the stream or the connection ends.
 */
@FunctionalInterface
public interface StreamHandler {
    /**
     * Answers {@code stream} (its request head is {@link ServerStream#requestHeaders()}). Returning without
     * having ended the response resets the stream with INTERNAL_ERROR.
     *
     * @param stream the stream, its request head received
     * @throws Exception resets the stream if the response had not ended; one other than an {@link java.io.IOException}
     *     is also reported to the loop's exception handler
     */
    void handle(ServerStream stream) throws Exception;
}
