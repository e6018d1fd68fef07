package io.jasyncio.http;


/**
 * A response received by {@link ClientSession}, with its whole body (aiohttp's {@code ClientResponse} after
 * {@code await resp.read()}).
 *
 * <p>Threading: immutable once returned; read it from any thread.
 */
public final class ClientResponse {
    private final String method;
    private final String url;
    private final String version;
    private final int status;
    private final String reason;
    private final Headers headers;
    private final byte[] body;

    ClientResponse(String method, String url, String version, int status, String reason, Headers headers, byte[] body) {
        this.method = method;
        this.url = url;
        this.version = version;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.body = body;
    }

    public int status() {
        return status;
    }

    /** The reason phrase the server sent. */
    public String reason() {
        return reason;
    }

    /** {@code HTTP/1.1} or {@code HTTP/1.0}. */
    public String version() {
        return version;
    }

    public Headers headers() {
        return headers;
    }

    /** The first value of header {@code name}, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The body's bytes (the response's own array). */
    public byte[] body() {
        return body;
    }

    /** The body decoded with the charset of its {@code Content-Type}, UTF-8 when none is given. */
    public String text() {
        try {
            return new String(body, headers.contentCharset());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the response to " + method + " " + url + ": " + e.getMessage(), e);
        }
    }

    /** Throws an {@link HttpError} with this status when it is 400 or above (aiohttp's {@code raise_for_status}). */
    public ClientResponse raiseForStatus() {
        if (status >= 400 && status <= 599) {
            throw new HttpError(status, method + " " + url + " answered " + status + " " + reason);
        }
        return this;
    }

    @Override
    public String toString() {
        return "<ClientResponse " + method + " " + url + " " + status + " " + reason + ", " + body.length + " bytes>";
    }
}
