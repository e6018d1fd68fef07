package io.jasyncio.http;

/**
 * Answers one request (aiohttp's handler coroutine). It runs in a task of its own on the server's loop, so it
 * may await ({@code Asyncio.sleep}, streams, other tasks) without holding up other connections. Throw an
 * {@link HttpError} to answer with an error status; any other exception becomes a 500 and is reported to the
 * loop's exception handler.
 *
 * <p>Threading: called on the loop's thread, in the request's task.
 */
@FunctionalInterface
public interface Handler {
    /**
     * Answers {@code request}.
     *
     * @param request the request, its head parsed and its body not yet read
     * @return the response to send
     * @throws Exception an {@link HttpError} to answer with its status; any other exception becomes a 500
     */
    Response handle(Request request) throws Exception;
}
