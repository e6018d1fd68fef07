package io.jasyncio.http;

import java.nio.charset.StandardCharsets;

/**
 * What a handler answers (aiohttp's {@code web.Response}): a status, headers and a body of bytes. The server adds
 * {@code Content-Length}, {@code Date}, {@code Server} and, when it closes the connection, {@code Connection: close}.
 *
 * {@link FileResponse} is the one subclass: a file sent from disk.
 *
 * <p>Threading: built by one handler and handed to the server; not thread-safe.
 */
public sealed class Response permits FileResponse {
    private static final byte[] EMPTY = new byte[0];

    private final int status;
    private final Headers headers = new Headers();
    private final byte[] body;
    /** {@link #enableCompression()}: null (only if the runner compresses automatically), or the coding wanted. */
    private Compression.Mode compression;

    /**
     * A response with {@code status}, no body and no content type.
     *
     * @param status the status code, 100 to 999
     * @throws IllegalArgumentException if {@code status} is out of range
     */
    public Response(int status) {
        this(status, EMPTY, null);
    }

    /**
     * A response with {@code status} and {@code body} of {@code contentType} (null: none).
     *
     * @param status the status code, 100 to 999
     * @param body the body; the response keeps the array
     * @param contentType the {@code Content-Type}, or null
     * @throws IllegalArgumentException if {@code status} is out of range, or cannot have a body (1xx, 204, 304) and
     *     {@code body} is not empty
     */
    public Response(int status, byte[] body, String contentType) {
        if (status < 100 || status > 999) throw new IllegalArgumentException("invalid HTTP status " + status);
        if (body == null) throw new NullPointerException("body");
        if (body.length > 0 && HttpStatus.bodyless(status)) {
            throw new IllegalArgumentException("a " + status + " response cannot have a body");
        }
        this.status = status;
        this.body = body;
        if (contentType != null) headers.set("Content-Type", contentType);
    }

    /**
     * 200 with {@code text} as {@code text/plain; charset=utf-8}.
     *
     * @param text the body
     * @return a new response (aiohttp's {@code web.Response(text=...)})
     */
    public static Response text(String text) {
        return text(200, text);
    }

    /**
     * {@code status} with {@code text} as {@code text/plain; charset=utf-8}.
     *
     * @param status the status code
     * @param text the body
     * @return a new response
     * @throws IllegalArgumentException if {@code status} is out of range or cannot have a body
     */
    public static Response text(int status, String text) {
        return new Response(status, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /**
     * 200 with {@code json}, already serialized, as {@code application/json}.
     *
     * @param json the JSON text
     * @return a new response (aiohttp's {@code web.json_response} of text already dumped)
     */
    public static Response json(String json) {
        return new Response(200, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /**
     * 200 with {@code body} of {@code contentType}.
     *
     * @param body the body; the response keeps the array
     * @param contentType the {@code Content-Type}, or null
     * @return a new response (aiohttp's {@code web.Response(body=..., content_type=...)})
     */
    public static Response bytes(byte[] body, String contentType) {
        return new Response(200, body, contentType);
    }

    /** {@return the status code (aiohttp's {@code Response.status})} */
    public int status() {
        return status;
    }

    /**
     * The headers to send; add to them freely (the server's own are added when it is written).
     *
     * @return the response's headers
     */
    public Headers headers() {
        return headers;
    }

    /**
     * Adds a header; returns this response.
     *
     * @param name the header's name, a token
     * @param value the header's value
     * @return this response
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF, NUL or a character above
     *     U+00FF
     */
    public Response header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /**
     * Sets a cookie on the client (aiohttp's {@code set_cookie}), replacing one of the same name set before.
     *
     * @param cookie the cookie to set
     * @return this response
     */
    public Response setCookie(Cookie cookie) {
        Cookie.set(headers, cookie);
        return this;
    }

    /**
     * {@link #setCookie(Cookie)} of {@code name=value} with path {@code /}.
     *
     * @param name the cookie's name
     * @param value the cookie's value
     * @return this response
     * @throws IllegalArgumentException if the name or value is not valid in a cookie
     */
    public Response setCookie(String name, String value) {
        return setCookie(Cookie.of(name, value));
    }

    /**
     * Deletes cookie {@code name} (path {@code /}) on the client (aiohttp's {@code del_cookie}).
     *
     * @param name the cookie's name
     * @return this response
     */
    public Response delCookie(String name) {
        return delCookie(name, null, "/");
    }

    /**
     * Deletes cookie {@code name} set with {@code domain} (null: none) and {@code path}.
     *
     * @param name the cookie's name
     * @param domain the {@code Domain} it was set with, or null
     * @param path the {@code Path} it was set with
     * @return this response
     */
    public Response delCookie(String name, String domain, String path) {
        return setCookie(Cookie.deletion(name, domain, path));
    }

    /**
     * Compresses the body with the coding the client prefers among gzip and deflate (aiohttp's
     * {@code enable_compression()}); see {@link Compression} for when it is not compressed.
     *
     * @return this response
     */
    public Response enableCompression() {
        compression = Compression.Mode.NEGOTIATE;
        return this;
    }

    /**
     * Compresses with {@code coding} ({@code "gzip"} or {@code "deflate"}) whatever the client said.
     *
     * @param coding {@code "gzip"} or {@code "deflate"}, in any case
     * @return this response
     * @throws IllegalArgumentException for another coding
     */
    public Response enableCompression(String coding) {
        compression = Compression.Mode.forced(coding);
        return this;
    }

    Compression.Mode compression() {
        return compression;
    }

    /**
     * The body's bytes (the response's own array).
     *
     * @return the body (aiohttp's {@code Response.body}), not a copy
     */
    public byte[] body() {
        return body;
    }

    @Override
    public String toString() {
        return "<Response " + status + " " + HttpStatus.reason(status) + ", " + body.length + " bytes>";
    }
}
