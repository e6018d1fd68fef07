package io.jasyncio.http;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.List;
import java.util.function.Function;

/**
 * A response to a {@link ClientSession} request (aiohttp's {@code ClientResponse}): the status and headers are
 * there when the request returns; the body is read when asked for — whole with {@link #read()} /
 * {@link #text()} (at most the session's {@code maxBody} bytes, after decompression), or as a stream with
 * {@link #content()}. Reading the body to its end gives the connection back to the pool; {@link #close()} (or
 * try-with-resources) gives it back early, closing it if the body was not read to its end. {@link #history()}
 * holds the redirects that led here.
 *
 * <p>Threading: one task of the session's loop at a time; once the body is read, {@link #read()} may be called
 * from anywhere.
 */
public final class ClientResponse implements AutoCloseable {
    /** What gives the connection back when the body is done with. */
    interface Release {
        /** {@code complete}: the body was read to its end. */
        void release(boolean complete);
    }

    private final String method;
    private final URI url;
    private final String version;
    private final int status;
    private final String reason;
    private final Headers headers;
    private final long maxBody;
    private ResponseContent content;
    private Release release;
    private Limit limit;
    private java.util.function.Supplier<io.jasyncio.streams.StreamPair> detach;
    private List<ClientResponse> history = List.of();
    private byte[] body;

    ClientResponse(String method, URI url, ResponseHead head, long maxBody) {
        this.method = method;
        this.url = url;
        this.version = head.version();
        this.status = head.status();
        this.reason = head.reason();
        this.headers = head.headers();
        this.maxBody = maxBody;
    }

    /** What bounds the wire bytes once the body is to be read into memory. */
    interface Limit {
        void refuseOver(long max) throws IOException;
    }

    /**
     * Connects the body: {@code next} reads it (decoded), {@code release} is called once, at its end or on
     * close; {@code limit} bounds the wire bytes for {@link #read()}.
     */
    void attach(ContentDecoder.Source next, Deadlines deadlines, Release release, Limit limit) {
        attach(next, null, deadlines, release, limit);
    }

    /** {@link #attach(ContentDecoder.Source, Deadlines, Release, Limit)}; {@code ready} (may be null): whether {@code next} would not wait. */
    void attach(ContentDecoder.Source next, java.util.function.BooleanSupplier ready, Deadlines deadlines, Release release, Limit limit) {
        this.release = release;
        this.limit = limit;
        this.content = new ResponseContent(new ResponseContent.Source() {
            @Override
            public byte[] next(int max) throws IOException {
                if (ClientResponse.this.release == null) { // the connection went back to the pool, or was closed: it is not ours to read
                    throw new IOException(method + " " + url + ": the response was closed before its body was read to the end");
                }
                try {
                    return next.next(max);
                } catch (Throwable e) {
                    releaseOnce(false); // a read error or a cancellation: the connection's state is unknown
                    throw e;
                }
            }

            @Override
            public void ended() {
                releaseOnce(true);
            }

            @Override
            public boolean ready() {
                return ready != null && ClientResponse.this.release != null && ready.getAsBoolean();
            }
        }, deadlines);
    }

    void onUpgrade(java.util.function.Supplier<io.jasyncio.streams.StreamPair> detach) {
        this.detach = detach;
    }

    /**
     * After a 101 (Switching Protocols): takes the connection out of the session's pool and hands its streams
     * over (for a WebSocket client); the response no longer closes it. For the http module's own use.
     */
    io.jasyncio.streams.StreamPair detachConnection() {
        if (detach == null || release == null) throw new IllegalStateException(this + " has no connection to hand over (only a 101 has)");
        release = null;
        io.jasyncio.streams.StreamPair io = detach.get();
        detach = null;
        return io;
    }

    void history(List<ClientResponse> h) {
        history = List.copyOf(h);
    }

    private void releaseOnce(boolean complete) {
        Release r = release;
        release = null;
        if (r != null) r.release(complete);
    }

    public int status() {
        return status;
    }

    /** Whether the status is below 400 (aiohttp's {@code ok}). */
    public boolean ok() {
        return status < 400;
    }

    /** The reason phrase the server sent. */
    public String reason() {
        return reason;
    }

    /** The protocol the response came in: {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2} (aiohttp's {@code version}). */
    public String version() {
        return version;
    }

    public String method() {
        return method;
    }

    /** The URL this response came from (after redirects). */
    public URI url() {
        return url;
    }

    public Headers headers() {
        return headers;
    }

    /** The first value of header {@code name}, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The redirect responses followed to get here, oldest first (their bodies unread). */
    public List<ClientResponse> history() {
        return history;
    }

    /** The body as a stream; see {@link ResponseContent}. */
    public ResponseContent content() {
        return content;
    }

    /** The whole body (decompressed), read once and kept; over {@code maxBody} bytes it is an {@link IOException}. */
    public byte[] read() throws IOException {
        if (body == null) {
            try {
                limit.refuseOver(maxBody);
            } catch (IOException e) {
                close();
                throw e;
            }
            body = content.readAll(maxBody, method + " " + url);
        }
        return body;
    }

    /** {@link #read()}. */
    public byte[] body() throws IOException {
        return read();
    }

    /** The body decoded with the charset of its {@code Content-Type}, UTF-8 when none is given. */
    public String text() throws IOException {
        Charset cs;
        try {
            cs = headers.contentCharset();
        } catch (IllegalArgumentException e) {
            throw new IOException("the response to " + method + " " + url + ": " + e.getMessage(), e);
        }
        return new String(read(), cs);
    }

    /** The body as text, given to {@code decoder} (a JSON library's parse function: the core has no codec). */
    public <T> T json(Function<String, T> decoder) throws IOException {
        return decoder.apply(text());
    }

    /**
     * Throws a {@link ClientResponseError} with this status when it is 400 or above (aiohttp's
     * {@code raise_for_status}), giving the connection back first.
     */
    public ClientResponse raiseForStatus() throws ClientResponseError {
        if (status >= 400) {
            close();
            throw new ClientResponseError(status, headers, method + " " + url + " answered " + status + " " + reason);
        }
        return this;
    }

    /** Gives the connection back: kept for reuse if the body was read to its end, else closed. */
    public void release() {
        releaseOnce(content != null && content.atEof());
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "<ClientResponse " + method + " " + url + " " + status + " " + reason + ">";
    }
}
