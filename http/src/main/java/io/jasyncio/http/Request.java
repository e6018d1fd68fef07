package io.jasyncio.http;

import java.net.SocketAddress;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the server received it (aiohttp's {@code web.Request}). A body announced by a
 * Content-Length of up to 64 KiB (and the application's limit) is read before the handler runs; a larger or
 * chunked one is streamed: the handler runs once the head is here and reads the body from {@link #content()} as
 * it arrives, in bounded memory, or whole with {@link #body()} / {@link #read()} / {@link #text()} /
 * {@link #post()}, which refuse a body over {@link #clientMaxSize()} with a 413 (and the connection then closes).
 * A handler that answers without reading all of a streamed body gets its connection closed after the answer.
 *
 * <p>Threading: the loop's thread only, in the handler's task (and its middlewares'); not thread-safe: reading the
 * body, {@link #clientMaxSize(long)} and the query, cookies and form parsed on first use change it.
 */
public final class Request {
    private final String method;
    private final String rawPath;
    private final String path;
    private final String rawQuery;
    private final String version;
    private final Headers headers;
    private byte[] body;
    /** The streamed body, or null when the body was read before the handler ran. */
    private RequestContent content;
    private RequestContent streamedBody;
    /** {@link #content()} of a body read before the handler ran. */
    private RequestContent preloaded;
    private long clientMaxSize = Application.DEFAULT_CLIENT_MAX_SIZE;
    /** The whole body was refused as too large: the connection closes after the answer. */
    private boolean bodyRefused;
    private PostData form;    private final SocketAddress remote;
    private Map<String, List<String>> query;
    private Map<String, String> matchInfo = Map.of();
    private Map<String, String> cookies;
    /** The connection answering this request (for {@link StreamResponse}); null outside a server. */
    private HttpConnection connection;
    /** The HTTP/2 stream answering this request (its StreamResponse goes there); null over HTTP/1.1. */
    private io.jasyncio.http.h2.ServerStream h2Stream;
    /** The {@code :protocol} of an extended CONNECT (RFC 8441), or null. */
    private String protocol;
    /** The stream given to a protocol by {@link #tunnel}, or null. */
    private Http2Tunnel tunnel;
    /** The bytes of its head on the wire: with the body, what it holds while queued behind another request. */
    private final int headBytes;

    Request(String method, String rawPath, String path, String rawQuery, String version, Headers headers, byte[] body,
            SocketAddress remote, int headBytes) {
        this.headBytes = headBytes;
        this.method = method;
        this.rawPath = rawPath;
        this.path = path;
        this.rawQuery = rawQuery;
        this.version = version;
        this.headers = headers;
        this.body = body;
        this.remote = remote;
    }

    /**
     * The method, as sent: {@code GET}, {@code POST}, ...
     *
     * @return the method
     */
    public String method() {
        return method;
    }

    /**
     * The path with its percent-escapes decoded (UTF-8): what routes are matched against.
     *
     * @return the decoded path
     */
    public String path() {
        return path;
    }

    /**
     * The path as sent, escapes and all, without the query.
     *
     * @return the raw path (aiohttp's {@code raw_path} without its query)
     */
    public String rawPath() {
        return rawPath;
    }

    /**
     * The query string as sent (after {@code ?}), or an empty string.
     *
     * @return the raw query, without the {@code ?}
     */
    public String rawQuery() {
        return rawQuery;
    }

    /**
     * {@code HTTP/1.1} or {@code HTTP/1.0}.
     *
     * @return the version
     */
    public String version() {
        return version;
    }

    /** {@return the request's header fields (aiohttp's {@code request.headers})} */
    public Headers headers() {
        return headers;
    }

    /**
     * The first value of header {@code name}, or null.
     *
     * @param name the header's name, in any case
     * @return the first value, or null when the header is absent
     */
    public String header(String name) {
        return headers.get(name);
    }

    /**
     * The whole body (empty when there is none; the array is the request's own), reading what is still to come
     * if it is streamed. More than {@link #clientMaxSize()} bytes: an {@link HttpError} 413, thrown before the
     * body is read when its announced length is already too large. A client that goes away meanwhile: an
     * {@link java.io.UncheckedIOException}.
     *
     * @return the body's bytes
     * @throws HttpError 413 when the body is larger than {@link #clientMaxSize()}
     * @throws java.io.UncheckedIOException if the connection fails while the body is read
     */
    public byte[] body() {
        if (content != null) { // streamed: read it now, once
            try {
                body = content.readAll(clientMaxSize);
                content = null;
            } catch (HttpError e) {
                if (e.status() == 413) bodyRefused = true;
                throw e;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else if (body.length > clientMaxSize) {
            bodyRefused = true;
            throw new HttpError(413, tooLarge(clientMaxSize));
        }
        return body;
    }

    /**
     * aiohttp's {@code await request.read()}: {@link #body()}.
     *
     * @return the body's bytes
     * @throws HttpError 413 when the body is larger than {@link #clientMaxSize()}
     */
    public byte[] read() {
        return body();
    }

    /**
     * The body decoded with the charset of its {@code Content-Type}, UTF-8 when none is given.
     *
     * @return the body as text (aiohttp's {@code await request.text()})
     * @throws HttpError 413 when the body is too large, 415 when its charset is unknown
     */
    public String text() {
        return new String(body(), charset());
    }

    /**
     * The body as a stream (aiohttp's {@code request.content}): for a large or chunked body, read as it arrives;
     * for a small one already read, a reader holding it. Read it or {@link #body()}, not both.
     *
     * @return the body's stream
     */
    public RequestContent content() {
        if (content != null) return content;
        if (preloaded == null) preloaded = RequestContent.of(body);
        return preloaded;
    }

    /**
     * Whether the body is streamed: it was not all read before the handler ran, and is not read whole yet.
     *
     * @return true while the body is still to be read from the connection
     */
    public boolean streamed() {
        return content != null;
    }

    /**
     * The most bytes {@link #body()} and the other whole-body forms accept (aiohttp's {@code client_max_size}):
     * the application's, unless changed for this request by {@link #clientMaxSize(long)}.
     *
     * @return the limit, in bytes
     */
    public long clientMaxSize() {
        return clientMaxSize;
    }

    /**
     * Changes {@link #clientMaxSize()} for this request: a route's own limit, set by its handler (or a middleware)
     * before it reads the body, e.g. {@code r -> upload(r.clientMaxSize(1L << 30))}.
     *
     * @param max the limit, in bytes, 0 or more
     * @return this request
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public Request clientMaxSize(long max) {
        if (max < 0) throw new IllegalArgumentException("clientMaxSize must be >= 0, got " + max);
        this.clientMaxSize = max;
        return this;
    }

    /**
     * The submitted form (aiohttp's {@code await request.post()}): {@code application/x-www-form-urlencoded} or
     * {@code multipart/form-data} (files held in memory, within {@link #clientMaxSize()}); an empty form for other
     * content types. At most {@link PostData#MAX_FIELDS} fields; more, or a malformed body: 400 or 413.
     *
     * @return the form's fields, read once and kept
     * @throws HttpError 400 for a malformed body, 413 for one too large or with too many fields
     */
    public PostData post() {
        if (form == null) form = PostData.of(this);
        return form;
    }

    /**
     * The body as {@code multipart/*} parts read one after the other as they arrive (aiohttp's
     * {@code await request.multipart()}), for uploads too large to hold.
     *
     * @return a reader of the parts
     * @throws HttpError 400 when the body is not {@code multipart/*} or has no valid boundary
     */
    public MultipartReader multipart() {
        return MultipartReader.of(this);
    }

    static String tooLarge(long limit) {
        return "413: the request body is larger than the server accepts (" + limit + " bytes)";
    }

    void setContent(RequestContent reader) {
        this.content = reader;
        this.streamedBody = reader;
    }

    /** The streamed body's reader (also once read whole), or null for a body read before the handler ran. */
    RequestContent streamedBody() {
        return streamedBody;
    }

    boolean bodyRefused() {
        return bodyRefused;
    }

    void setClientMaxSize(long max) {
        this.clientMaxSize = max;
    }

    private Charset charset() {
        try {
            return headers.contentCharset();
        } catch (IllegalArgumentException e) {
            throw new HttpError(415, e.getMessage());
        }
    }

    /**
     * The body as JSON, decoded by the built-in codec (aiohttp's {@code await request.json()}); a body that is
     * not JSON is the client's error: a 400 naming what was wrong.
     *
     * @return the decoded value: maps, lists, strings, numbers, booleans or null (see {@link Json})
     * @throws HttpError 400 when the body is not JSON, 413 when it is too large, 415 when its charset is unknown
     */
    public Object json() {
        return json(JsonCodec.builtin());
    }

    /**
     * The body decoded by {@code codec} (aiohttp's {@code request.json(loads=...)}); not JSON: a 400.
     *
     * @param codec the codec to decode with
     * @return the decoded value
     * @throws HttpError 400 when {@code codec} refuses the body, 413 when it is too large
     */
    public Object json(JsonCodec codec) {
        String t = text();
        try {
            return codec.decode(t);
        } catch (RuntimeException e) {
            throw new HttpError(400, "the request body is not valid JSON: " + e.getMessage());
        } catch (Exception e) {
            throw new HttpError(400, "the request body is not valid JSON: " + e);
        }
    }

    /**
     * The cookies the client sent, name → value (aiohttp's {@code request.cookies}), read leniently from its
     * {@code Cookie} fields: see {@link Cookies}.
     *
     * @return an unmodifiable map of the cookies
     */
    public Map<String, String> cookies() {
        if (cookies == null) cookies = Cookies.parse(headers.getAll("Cookie"));
        return cookies;
    }

    /**
     * The query's parameters, decoded, each name with its values in order (aiohttp's {@code request.query}).
     *
     * @return an unmodifiable map of every parameter to its values
     */
    public Map<String, List<String>> queryParams() {
        if (query == null) query = Collections.unmodifiableMap(UrlCodec.parseQuery(rawQuery));
        return query;
    }

    /**
     * The first value of query parameter {@code name}, or null.
     *
     * @param name the parameter's name
     * @return the decoded value, or null when the parameter is absent
     */
    public String queryParam(String name) {
        List<String> v = queryParams().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /**
     * The values the route's {@code {name}} segments matched (aiohttp's {@code request.match_info}).
     *
     * @return an unmodifiable map of each variable to its decoded value
     */
    public Map<String, String> matchInfo() {
        return matchInfo;
    }

    /**
     * The value of the route's segment {@code {name}}, or null.
     *
     * @param name the variable's name, without braces
     * @return the decoded value, or null
     */
    public String pathParam(String name) {
        return matchInfo.get(name);
    }

    HttpConnection connection() {
        return connection;
    }

    void setConnection(HttpConnection c) {
        this.connection = c;
    }

    /** The HTTP/2 stream answering this request, or null over HTTP/1.1. */
    io.jasyncio.http.h2.ServerStream h2Stream() {
        return h2Stream;
    }

    void setH2Stream(io.jasyncio.http.h2.ServerStream s) {
        this.h2Stream = s;
    }

    /**
     * Switches the connection answering this request to another protocol (what {@code WebSocketResponse}
     * does): sends {@code head}, a complete {@code 101 Switching Protocols} response, then gives {@code protocol}
     * the transport ({@code connectionMade}), the bytes that followed this request, and every later callback
     * (see {@link UpgradedProtocol} for the server's shutdown and the handler's end). Call it once, from the
     * handler's task; an {@link java.io.IOException} if the client has gone.
     *
     * @param head the complete {@code 101} response, as bytes
     * @param protocol the protocol that takes over the connection
     * @return the connection's transport, now {@code protocol}'s
     * @throws java.io.IOException if the client has gone
     * @throws IllegalStateException if the request is not being answered by a server, or is answered already
     */
    public io.jasyncio.transport.Transport upgrade(byte[] head, UpgradedProtocol protocol) throws java.io.IOException {
        if (connection == null) throw new IllegalStateException("this request is not being answered by a server: " + this);
        return connection.upgrade(this, head, protocol);
    }

    /**
     * The protocol an HTTP/2 extended CONNECT asks for (its {@code :protocol}, RFC 8441: {@code websocket}), or
     * null. Such a request reaches the handlers as a {@code GET} of its {@code :path}, so that a WebSocket's route
     * serves it over either HTTP version; it is answered with {@link #tunnel}.
     *
     * @return the {@code :protocol} value, or null
     */
    public String protocol() {
        return protocol;
    }

    void setProtocol(String p) {
        this.protocol = p;
    }

    Http2Tunnel tunnel() {
        return tunnel;
    }

    /**
     * Accepts an HTTP/2 extended CONNECT (see {@link #protocol()}): sends a {@code 200} with {@code headers} and
     * gives the stream to {@code protocol} as its transport ({@code connectionMade}, then the stream's bytes and
     * end), as {@link #upgrade} does with an HTTP/1.1 connection after a 101. The stream ends once the protocol
     * closes that transport, after the handler returns. Call it once, from the handler's task.
     *
     * @param headers the headers of the {@code 200}
     * @param protocol the protocol that takes over the stream
     * @return the stream's transport, now {@code protocol}'s
     * @throws java.io.IOException if the stream cannot be answered (the client has gone)
     * @throws IllegalStateException if the request is not an extended CONNECT or was answered already
     */
    public io.jasyncio.transport.Transport tunnel(Headers headers, UpgradedProtocol protocol) throws java.io.IOException {
        if (h2Stream == null || this.protocol == null) throw new IllegalStateException("not an HTTP/2 extended CONNECT (RFC 8441): " + this);
        if (tunnel != null || h2Stream.responseStarted()) throw new IllegalStateException("the request was answered already: " + this);
        h2Stream.sendHeaders(Http2Streams.head(200, headers, -1), false);
        tunnel = new Http2Tunnel(io.jasyncio.Asyncio.getRunningLoop(), h2Stream, remote);
        tunnel.start(protocol);
        return tunnel;
    }

    /** Whether it asks to switch protocols ({@code Upgrade} with {@code Connection: upgrade}). */
    boolean asksUpgrade() {
        return headers.contains("Upgrade") && headers.contains("Connection")
                && hasToken(String.join(",", headers.getAll("Connection")), "upgrade");
    }

    void setMatchInfo(Map<String, String> info) {
        this.matchInfo = Collections.unmodifiableMap(new LinkedHashMap<>(info));
    }

    /**
     * {@code https} when the request came over TLS, else {@code http} (aiohttp's {@code request.scheme}).
     *
     * @return {@code "https"} or {@code "http"}
     */
    public String scheme() {
        return secure() ? "https" : "http";
    }

    /**
     * Whether the request came over TLS (aiohttp's {@code request.secure}).
     *
     * @return true over TLS
     */
    public boolean secure() {
        return connection != null && connection.secure();
    }

    /**
     * The client's address (aiohttp's {@code request.remote} / peername).
     *
     * @return the peer's socket address
     */
    public SocketAddress remoteAddress() {
        return remote;
    }

    /**
     * Whether the connection stays open after this request, by its version and {@code Connection} header.
     *
     * @return true when the connection is kept open
     */
    public boolean keepAlive() {
        String conn = headers.contains("Connection") ? String.join(",", headers.getAll("Connection")) : null;
        if ("HTTP/1.0".equals(version)) return conn != null && hasToken(conn, "keep-alive");
        return conn == null || !hasToken(conn, "close");
    }

    static boolean hasToken(String list, String token) {
        for (String t : list.split(",")) {
            if (t.trim().equalsIgnoreCase(token)) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "<Request " + method + " " + rawPath + (rawQuery.isEmpty() ? "" : "?" + rawQuery) + ">";
    }

    /** Roughly the heap it holds: its head's size on the wire and its body. */
    long heldBytes() {
        return headBytes + (long) body.length;
    }
}
