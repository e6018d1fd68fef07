package io.jasyncio.http;

/**
 * An HTTP error status to answer with (aiohttp's {@code web.HTTPException} family): a handler throws it to end
 * the request with that status and a plain-text body; the server throws it for a request it cannot accept
 * (400, 404, 405, 413, 431, ...). {@link #response()} is what the client gets.
 *
 * <p>Threading: immutable once thrown.
 */
public class HttpError extends RuntimeException {
    private final int status;
    private final Headers headers = new Headers();

    /** {@code status} (4xx or 5xx) with its reason phrase as the body. */
    public HttpError(int status) {
        this(status, status + ": " + HttpStatus.reason(status));
    }

    /** {@code status} (4xx or 5xx) with {@code text} as the body. */
    public HttpError(int status, String text) {
        super(text);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an HttpError needs a 4xx or 5xx status, got " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Adds a header to the error response (for example {@code Allow} on a 405). */
    public HttpError withHeader(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /** The response the client gets: the status and the message as plain text. */
    public Response response() {
        Response r = Response.text(status, getMessage());
        for (String name : headers.names()) {
            for (String v : headers.getAll(name)) r.headers().add(name, v);
        }
        return r;
    }
}
