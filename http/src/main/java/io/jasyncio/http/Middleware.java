package io.jasyncio.http;

/**
 * Code around every request of an application (aiohttp's {@code @web.middleware}): it gets the request and the
 * rest of the chain, and answers by calling {@code next.handle(request)} (possibly changing what it returns) or
 * by answering itself. Middlewares run in the order they were added, the first added outermost; route
 * resolution is innermost, so a middleware also sees the 404 and 405 {@link HttpError}s and may catch them.
 *
 * <p>Threading: called on the loop's thread, in the request's task; it may await.
 */
@FunctionalInterface
public interface Middleware {
    /**
     * Handles {@code request}, usually by calling {@code next.handle(request)}.
     *
     * @param request the request
     * @param next the rest of the chain: the next middleware, then the route's handler
     * @return the response to send
     * @throws Exception an {@link HttpError} to answer with its status; any other exception becomes a 500
     */
    Response handle(Request request, Handler next) throws Exception;
}
