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

    /** A response with {@code status}, no body and no content type. */
    public Response(int status) {
        this(status, EMPTY, null);
    }

    /** A response with {@code status} and {@code body} of {@code contentType} (null: none). */
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

    /** 200 with {@code text} as {@code text/plain; charset=utf-8}. */
    public static Response text(String text) {
        return text(200, text);
    }

    /** {@code status} with {@code text} as {@code text/plain; charset=utf-8}. */
    public static Response text(int status, String text) {
        return new Response(status, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /** 200 with {@code json}, already serialized, as {@code application/json}. */
    public static Response json(String json) {
        return new Response(200, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /** 200 with {@code body} of {@code contentType}. */
    public static Response bytes(byte[] body, String contentType) {
        return new Response(200, body, contentType);
    }

    public int status() {
        return status;
    }

    /** The headers to send; add to them freely (the server's own are added when it is written). */
    public Headers headers() {
        return headers;
    }

    /** Adds a header; returns this response. */
    public Response header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /** Sets a cookie on the client (aiohttp's {@code set_cookie}), replacing one of the same name set before. */
    public Response setCookie(Cookie cookie) {
        Cookie.set(headers, cookie);
        return this;
    }

    /** {@link #setCookie(Cookie)} of {@code name=value} with path {@code /}. */
    public Response setCookie(String name, String value) {
        return setCookie(Cookie.of(name, value));
    }

    /** Deletes cookie {@code name} (path {@code /}) on the client (aiohttp's {@code del_cookie}). */
    public Response delCookie(String name) {
        return delCookie(name, null, "/");
    }

    /** Deletes cookie {@code name} set with {@code domain} (null: none) and {@code path}. */
    public Response delCookie(String name, String domain, String path) {
        return setCookie(Cookie.deletion(name, domain, path));
    }

    /**
     * Compresses the body with the coding the client prefers among gzip and deflate (aiohttp's
     * {@code enable_compression()}); see {@link Compression} for when it is not compressed.
     */
    public Response enableCompression() {
        compression = Compression.Mode.NEGOTIATE;
        return this;
    }

    /** Compresses with {@code coding} ({@code "gzip"} or {@code "deflate"}) whatever the client said. */
    public Response enableCompression(String coding) {
        compression = Compression.Mode.forced(coding);
        return this;
    }

    Compression.Mode compression() {
        return compression;
    }

    /** The body's bytes (the response's own array). */
    public byte[] body() {
        return body;
    }

    @Override
    public String toString() {
        return "<Response " + status + " " + HttpStatus.reason(status) + ", " + body.length + " bytes>";
    }
}
