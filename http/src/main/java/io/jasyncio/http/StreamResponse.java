package io.jasyncio.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An answer sent while it is being made (aiohttp's {@code web.StreamResponse}): set the status and headers, call
 * {@link #prepare(Request)} to send them, {@link #write} the body piece by piece (each write waits while the
 * client is slow to read, so memory stays bounded), then return {@link #writeEof()} from the handler. Without
 * {@link #contentLength(long)} the body goes out in chunked transfer coding (to an HTTP/1.0 client: until the
 * connection closes). If the handler fails after {@code prepare}, the connection is closed with the body
 * incomplete, which is how the client learns of it.
 *
 * <p>Threading: use it in the handler's task, on the loop's thread.
 */
public final class StreamResponse {
    /** What a handler returns once it has streamed its answer. */
    static final Response SENT = new Response(200);

    private final int status;
    private final Headers headers = new Headers();
    private long contentLength = -1;
    private long written;
    private HttpConnection connection;
    /** Over HTTP/2: the stream the body goes to (connection is then null). */
    private io.jasyncio.http.h2.ServerStream h2;
    private boolean prepared;
    private boolean chunked;
    private boolean head;
    private boolean ended;
    private Compression.Mode compression;
    private Compression.Compressor compressor;

    /**
     * A streamed answer with {@code status} (2xx to 5xx).
     *
     * @param status the status code
     * @throws IllegalArgumentException if {@code status} is not 200 to 599, or is 204 or 304
     */
    public StreamResponse(int status) {
        if (status < 200 || status > 599 || HttpStatus.bodyless(status)) {
            throw new IllegalArgumentException("a streamed response needs a status with a body (200-599 but 204 and 304), got " + status);
        }
        this.status = status;
    }

    /** {@return the status code (aiohttp's {@code StreamResponse.status})} */
    public int status() {
        return status;
    }

    /**
     * The headers to send; change them before {@link #prepare}.
     *
     * @return the headers, to change
     * @throws IllegalStateException after {@link #prepare}
     */
    public Headers headers() {
        if (prepared) throw new IllegalStateException("the headers were sent by prepare()");
        return headers;
    }

    /**
     * Adds a header; before {@link #prepare}.
     *
     * @param name the header's name, a token
     * @param value the header's value
     * @return this response
     * @throws IllegalStateException after {@link #prepare}
     */
    public StreamResponse header(String name, String value) {
        headers().add(name, value);
        return this;
    }

    /**
     * Announces the body's exact length (no chunked coding then); before {@link #prepare}.
     *
     * @param n the body's length in bytes, 0 or more
     * @return this response
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException after {@link #prepare}
     */
    public StreamResponse contentLength(long n) {
        if (prepared) throw new IllegalStateException("the headers were sent by prepare()");
        if (n < 0) throw new IllegalArgumentException("a content length must be >= 0, got " + n);
        contentLength = n;
        return this;
    }

    /**
     * Sets a cookie on the client, replacing one of the same name set before; before {@link #prepare}.
     *
     * @param cookie the cookie to set
     * @return this response
     * @throws IllegalStateException after {@link #prepare}
     */
    public StreamResponse setCookie(Cookie cookie) {
        Cookie.set(headers(), cookie);
        return this;
    }

    /**
     * Deletes cookie {@code name} (path {@code /}) on the client; before {@link #prepare}.
     *
     * @param name the cookie's name
     * @return this response
     * @throws IllegalStateException after {@link #prepare}
     */
    public StreamResponse delCookie(String name) {
        return setCookie(Cookie.deletion(name, null, "/"));
    }

    /**
     * Compresses the body as it is written, with the coding the client prefers (see {@link Compression}); the
     * body then goes out chunked, an announced content length being dropped. Before {@link #prepare}.
     *
     * @return this response
     * @throws IllegalStateException after {@link #prepare}
     */
    public StreamResponse enableCompression() {
        if (prepared) throw new IllegalStateException("the headers were sent by prepare()");
        compression = Compression.Mode.NEGOTIATE;
        return this;
    }

    /**
     * Sends the status line and headers as the answer to {@code request}.
     *
     * @param request the request its handler is answering
     * @return this response
     * @throws IOException if the client has gone
     * @throws IllegalStateException if called twice, or for a request not being answered by a server
     */
    public StreamResponse prepare(Request request) throws IOException {
        if (prepared) throw new IllegalStateException("prepare() was already called");
        HttpConnection c = request.connection();
        if (c == null) throw new IllegalStateException("this request is not being answered by a server: " + request);
        this.head = request.method().equals("HEAD");
        String coding = Compression.choose(request, compression, headers, status, c.autoCompressMin(), -1,
                headers.get("Content-Type"));
        if (coding != null) {
            headers.set("Content-Encoding", coding);
            Compression.weakenEtag(headers);
            contentLength = -1; // the announced length was the uncompressed one
            compressor = new Compression.Compressor(coding);
        }
        io.jasyncio.http.h2.ServerStream stream = request.h2Stream();
        if (stream != null) {
            if (stream.responseStarted()) throw new IllegalStateException("prepare() takes the request its handler is answering, once: " + request);
            prepared = true;
            this.h2 = stream;
            stream.sendHeaders(Http2Streams.head(status, headers, contentLength), head);
            return this;
        }
        this.chunked = contentLength < 0 && request.version().equals("HTTP/1.1");
        this.connection = c;
        c.startStream(request, this);
        prepared = true;
        return this;
    }

    /**
     * Sends {@code data} (waiting while the client's buffer is full); an {@link IOException} if the client left.
     *
     * @param data the bytes to send
     * @throws IOException if the client has gone
     * @throws IllegalStateException before {@link #prepare}, after {@link #writeEof}, or past the announced content
     *     length
     */
    public void write(byte[] data) throws IOException {
        if (!prepared) throw new IllegalStateException("call prepare(request) before write()");
        if (ended) throw new IllegalStateException("write() after writeEof()");
        if (data.length == 0) return;
        if (contentLength >= 0 && written + data.length > contentLength) {
            throw new IllegalStateException("writing " + data.length + " more bytes would exceed the announced content length "
                    + contentLength + " (" + written + " written)");
        }
        written += data.length;
        if (head) return;
        if (compressor != null) {
            data = compressor.compress(data);
            if (data.length == 0) return;
        }
        send(chunked ? chunk(data) : data);
    }

    private void send(byte[] data) throws IOException {
        if (h2 != null) h2.sendData(data, 0, data.length, false);
        else connection.streamWrite(data);
    }

    /**
     * {@link #write(byte[])} of {@code text} in UTF-8.
     *
     * @param text the text to send
     * @throws IOException if the client has gone
     * @throws IllegalStateException before {@link #prepare}, after {@link #writeEof}, or past the announced content
     *     length
     */
    public void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Ends the body; return what it returns from the handler.
     *
     * @return a response standing for this one, to return from the handler
     * @throws IOException if the client has gone
     * @throws IllegalStateException before {@link #prepare}, or when fewer bytes than the announced length were written
     */
    public Response writeEof() throws IOException {
        if (!prepared) throw new IllegalStateException("call prepare(request) before writeEof()");
        if (!ended) {
            ended = true;
            if (contentLength >= 0 && written != contentLength && !head) {
                throw new IllegalStateException("the body ended after " + written + " of the " + contentLength + " bytes announced");
            }
            if (compressor != null) {
                byte[] rest = compressor.finish();
                compressor.end();
                compressor = null;
                if (rest.length > 0 && !(h2 != null && head)) send(chunked ? chunk(rest) : rest);
            }
            if (chunked && !head) connection.streamWrite("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (h2 != null && !head) h2.sendData(new byte[0], 0, 0, true);
        }
        return SENT;
    }

    boolean ended() {
        return ended;
    }

    /** Body bytes the handler wrote (before compression). */
    long written() {
        return written;
    }

    boolean chunked() {
        return chunked;
    }

    long announcedLength() {
        return contentLength;
    }

    Headers sentHeaders() {
        return headers;
    }

    private static byte[] chunk(byte[] data) {
        byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size.length + data.length + 2];
        System.arraycopy(size, 0, out, 0, size.length);
        System.arraycopy(data, 0, out, size.length, data.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }
}
