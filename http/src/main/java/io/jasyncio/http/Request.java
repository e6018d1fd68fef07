package io.jasyncio.http;

import java.net.SocketAddress;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the server received it, with its whole body (aiohttp's {@code web.Request}, after
 * {@code await request.read()}). The body is read before the handler runs and is at most the application's
 * {@link Application#clientMaxSize()}.
 *
 * <p>Threading: read it on the loop's thread, in the handler's task; it is not modified after the handler starts.
 */
public final class Request {
    private final String method;
    private final String rawPath;
    private final String path;
    private final String rawQuery;
    private final String version;
    private final Headers headers;
    private final byte[] body;
    private final SocketAddress remote;
    private Map<String, List<String>> query;
    private Map<String, String> matchInfo = Map.of();
    /** The connection answering this request (for {@link StreamResponse}); null outside a server. */
    private HttpConnection connection;
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

    /** The method, as sent: {@code GET}, {@code POST}, ... */
    public String method() {
        return method;
    }

    /** The path with its percent-escapes decoded (UTF-8): what routes are matched against. */
    public String path() {
        return path;
    }

    /** The path as sent, escapes and all, without the query. */
    public String rawPath() {
        return rawPath;
    }

    /** The query string as sent (after {@code ?}), or an empty string. */
    public String rawQuery() {
        return rawQuery;
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

    /** The body's bytes (empty when there is none); the array is the request's own. */
    public byte[] body() {
        return body;
    }

    /** The body decoded with the charset of its {@code Content-Type}, UTF-8 when none is given. */
    public String text() {
        return new String(body, charset());
    }

    private Charset charset() {
        try {
            return headers.contentCharset();
        } catch (IllegalArgumentException e) {
            throw new HttpError(415, e.getMessage());
        }
    }

    /** The query's parameters, decoded, each name with its values in order (aiohttp's {@code request.query}). */
    public Map<String, List<String>> queryParams() {
        if (query == null) query = Collections.unmodifiableMap(UrlCodec.parseQuery(rawQuery));
        return query;
    }

    /** The first value of query parameter {@code name}, or null. */
    public String queryParam(String name) {
        List<String> v = queryParams().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The values the route's {@code {name}} segments matched (aiohttp's {@code request.match_info}). */
    public Map<String, String> matchInfo() {
        return matchInfo;
    }

    /** The value of the route's segment {@code {name}}, or null. */
    public String pathParam(String name) {
        return matchInfo.get(name);
    }

    HttpConnection connection() {
        return connection;
    }

    void setConnection(HttpConnection c) {
        this.connection = c;
    }

    /**
     * Switches the connection answering this request to another protocol (what {@code WebSocketResponse}
     * does): sends {@code head}, a complete {@code 101 Switching Protocols} response, then gives {@code protocol}
     * the transport ({@code connectionMade}), the bytes that followed this request, and every later callback
     * (see {@link UpgradedProtocol} for the server's shutdown and the handler's end). Call it once, from the
     * handler's task; an {@link java.io.IOException} if the client has gone.
     */
    public io.jasyncio.transport.Transport upgrade(byte[] head, UpgradedProtocol protocol) throws java.io.IOException {
        if (connection == null) throw new IllegalStateException("this request is not being answered by a server: " + this);
        return connection.upgrade(this, head, protocol);
    }

    /** Whether it asks to switch protocols ({@code Upgrade} with {@code Connection: upgrade}). */
    boolean asksUpgrade() {
        return headers.contains("Upgrade") && headers.contains("Connection")
                && hasToken(String.join(",", headers.getAll("Connection")), "upgrade");
    }

    void setMatchInfo(Map<String, String> info) {
        this.matchInfo = Collections.unmodifiableMap(new LinkedHashMap<>(info));
    }

    /** The client's address (aiohttp's {@code request.remote} / peername). */
    public SocketAddress remoteAddress() {
        return remote;
    }

    /** Whether the connection stays open after this request, by its version and {@code Connection} header. */
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
