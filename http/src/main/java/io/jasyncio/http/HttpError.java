package io.jasyncio.http;

/**
 * An HTTP status to answer with instead of the handler's response (aiohttp's {@code web.HTTPException} family):
 * a handler throws it to end the request with that status and a plain-text body (or returns its
 * {@link #response()}); the server throws it for a request it cannot accept (400, 404, 405, 413, 431, ...).
 * The redirections ({@code HTTPFound}, ...) are its subclass {@link HttpRedirect}. The factories name aiohttp's
 * classes: {@code HTTPNotFound} is {@link #notFound()}, {@code HTTPBadRequest(text=...)} is
 * {@link #badRequest(String)}, and so on; any other 4xx or 5xx is {@code new HttpError(status, text)}.
 *
 * <p>Threading: immutable once thrown.
 */
public class HttpError extends RuntimeException {
    /** The status answered, 400 to 599 (or a 3xx for an {@link HttpRedirect}). */
    private final int status;
    /** The headers sent with the error response. */
    private final Headers headers = new Headers();

    /**
     * {@code status} (4xx or 5xx) with its reason phrase as the body.
     *
     * @param status the status, 400 to 599
     * @throws IllegalArgumentException if {@code status} is not a 4xx or 5xx
     */
    public HttpError(int status) {
        this(status, status + ": " + HttpStatus.reason(status));
    }

    /**
     * {@code status} (4xx or 5xx) with {@code text} as the body.
     *
     * @param status the status, 400 to 599
     * @param text the plain-text body, also the exception's message
     * @throws IllegalArgumentException if {@code status} is not a 4xx or 5xx
     */
    public HttpError(int status, String text) {
        super(text);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an HttpError needs a 4xx or 5xx status (a 3xx is an HttpRedirect), got " + status);
        }
        this.status = status;
    }

    /** For {@link HttpRedirect}: a 3xx. */
    HttpError(int status, String text, boolean redirect) {
        super(text);
        this.status = status;
    }

    /**
     * aiohttp's {@code HTTPBadRequest}: 400 with {@code text}.
     *
     * @param text the plain-text body
     * @return the error, to throw
     */
    public static HttpError badRequest(String text) {
        return new HttpError(400, text);
    }

    /**
     * aiohttp's {@code HTTPUnauthorized}: 401, with the {@code WWW-Authenticate} challenge RFC 9110 requires.
     *
     * @param wwwAuthenticate the challenge, e.g. {@code Basic realm="app"}
     * @return the error, to throw
     */
    public static HttpError unauthorized(String wwwAuthenticate) {
        return new HttpError(401).withHeader("WWW-Authenticate", wwwAuthenticate);
    }

    /**
     * aiohttp's {@code HTTPForbidden}: 403.
     *
     * @return the error, to throw
     */
    public static HttpError forbidden() {
        return new HttpError(403);
    }

    /**
     * aiohttp's {@code HTTPNotFound}: 404.
     *
     * @return the error, to throw
     */
    public static HttpError notFound() {
        return new HttpError(404);
    }

    /**
     * aiohttp's {@code HTTPMethodNotAllowed(method, allowed_methods)}: 405 with {@code Allow}.
     *
     * @param method the request's method
     * @param allowed the methods the resource accepts, sent in {@code Allow}
     * @return the error, to throw
     */
    public static HttpError methodNotAllowed(String method, java.util.Collection<String> allowed) {
        return new HttpError(405).withHeader("Allow", String.join(", ", new java.util.TreeSet<>(allowed)));
    }

    /**
     * aiohttp's {@code HTTPConflict}: 409 with {@code text}.
     *
     * @param text the plain-text body
     * @return the error, to throw
     */
    public static HttpError conflict(String text) {
        return new HttpError(409, text);
    }

    /**
     * aiohttp's {@code HTTPGone}: 410.
     *
     * @return the error, to throw
     */
    public static HttpError gone() {
        return new HttpError(410);
    }

    /**
     * aiohttp's {@code HTTPUnprocessableEntity}: 422 with {@code text}.
     *
     * @param text the plain-text body
     * @return the error, to throw
     */
    public static HttpError unprocessable(String text) {
        return new HttpError(422, text);
    }

    /**
     * aiohttp's {@code HTTPTooManyRequests}: 429, with {@code Retry-After} in seconds.
     *
     * @param retryAfterSeconds the seconds the client should wait
     * @return the error, to throw
     */
    public static HttpError tooManyRequests(long retryAfterSeconds) {
        return new HttpError(429).withHeader("Retry-After", Long.toString(Math.max(0, retryAfterSeconds)));
    }

    /**
     * aiohttp's {@code HTTPServiceUnavailable}: 503.
     *
     * @return the error, to throw
     */
    public static HttpError serviceUnavailable() {
        return new HttpError(503);
    }

    /** {@return the status code (aiohttp's {@code HTTPException.status_code})} */
    public int status() {
        return status;
    }

    /**
     * Adds a header to the error response (for example {@code Allow} on a 405).
     *
     * @param name the header's name
     * @param value the header's value
     * @return this error
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF, NUL or a character above
     *     U+00FF
     */
    public HttpError withHeader(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /**
     * The headers sent with the response.
     *
     * @return the headers, which this error's {@link #withHeader} adds to
     */
    public Headers headers() {
        return headers;
    }

    /**
     * The response the client gets: the status and the message as plain text.
     *
     * @return a new response with the status, these headers and the message as its body
     */
    public Response response() {
        Response r = HttpStatus.bodyless(status) ? new Response(status) : Response.text(status, getMessage());
        for (String name : headers.names()) {
            for (String v : headers.getAll(name)) r.headers().add(name, v);
        }
        return r;
    }
}
