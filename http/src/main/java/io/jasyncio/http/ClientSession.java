package io.jasyncio.http;

import io.jasyncio.CancelledError;
import io.jasyncio.http.h2.ClientStream;
import io.jasyncio.http.h2.HeaderField;
import io.jasyncio.http.h2.Http2ClientConnection;
import io.jasyncio.http.h2.Http2ClientOptions;
import io.jasyncio.http.h2.StreamRefusedError;
import io.jasyncio.streams.IncompleteReadError;
import io.jasyncio.streams.LimitOverrunError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An HTTP/1.1 client for tasks (aiohttp's {@code ClientSession}). {@link #request} sends a request and returns
 * once the response's head is in; its body is read on demand ({@link ClientResponse#read()},
 * {@link ClientResponse#content()}). The calling task waits while the loop serves everything else.
 *
 * <ul>
 *   <li>Connections come from a {@link TcpConnector} pool (limits, queueing, keep-alive expiry); a request on a
 *       reused connection the server had closed is sent again once on a new one when it is idempotent.
 *   <li>Every request runs under a {@link ClientTimeout} (the session's, or the request's own); one that fires
 *       is a {@link ClientTimeoutError} naming it.
 *   <li>Redirects (301, 302, 303, 307, 308) are followed up to {@code maxRedirects} (10), then
 *       {@link TooManyRedirects}; 303, and 301/302 after a POST, become a GET without body; 307/308 keep the
 *       method and body; {@code Authorization} and a given {@code Cookie} header are not sent to another
 *       origin.
 *   <li>Cookies are kept in a {@link CookieJar} (RFC 6265); {@link DummyCookieJar} turns them off.
 *   <li>gzip and deflate bodies are decompressed unless {@code autoDecompress(false)}.
 *   <li>http:// requests through a proxy go in absolute form; https:// ones through a CONNECT tunnel, h2 offered
 *       by ALPN inside it.
 * </ul>
 * {@link #close()} closes every connection of the session's connector (if the session owns it).
 *
 * <p>Threading: use a session from tasks of one loop; several tasks may use it at once (each request has a
 * connection of its own).
 */
public final class ClientSession implements AutoCloseable {
    /** The largest response body read into memory unless told otherwise: 64 MiB. */
    public static final long DEFAULT_MAX_BODY = 64L * 1024 * 1024;
    /** aiohttp's default {@code max_redirects}: 10. */
    public static final int DEFAULT_MAX_REDIRECTS = 10;
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    private static final int PIECE = 64 * 1024;
    /** Times a request the server did not process (HTTP/2 GOAWAY, REFUSED_STREAM) is sent again. */
    private static final int MAX_REFUSALS = 3;
    /** Fields HTTP/2 forbids (RFC 9113 §8.2.2), or that it carries otherwise (Host as :authority). */
    private static final Set<String> NOT_IN_H2 = Set.of("host", "connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "upgrade", "content-length", "cookie");

    private static final HeaderField SCHEME_HTTP = new HeaderField(":scheme", "http"), SCHEME_HTTPS = new HeaderField(":scheme", "https"),
            USER_AGENT = new HeaderField("user-agent", "jasyncio"), ACCEPT = new HeaderField("accept", "*/*"),
            ACCEPT_ENCODING = new HeaderField("accept-encoding", "gzip, deflate");

    private final String baseUrl;
    private final TcpConnector connector;
    private final boolean ownsConnector;
    private final ClientTimeout timeout;
    private final Headers defaultHeaders;
    private final AbstractCookieJar cookieJar;
    private final boolean raiseForStatus;
    private final boolean autoDecompress;
    private final long maxBody;
    private final int maxRedirects;
    private final String proxy;
    private final BasicAuth proxyAuth;
    private final BasicAuth auth;
    private final Http2ClientOptions http2;
    private boolean closed;
    /** The last URL string parsed, and its parse: a client sending to one URL again and again parses it once. */
    private String lastUrl;
    private ClientUrl lastParsed;
    /** The last request's route, reused by the next to the same URL. */
    private TcpConnector.Route lastRoute;
    /** The last request's name in errors ("GET http://…"), and what it was made of. */
    private String lastWhat, lastWhatMethod;
    private ClientUrl lastWhatUrl;

    /** A session with aiohttp's defaults. */
    public ClientSession() {
        this(builder());
    }

    /**
     * A session that reads at most {@code maxBody} bytes of a body into memory.
     *
     * @param maxBody the most bytes of a body read into memory, 0 or more
     * @throws IllegalArgumentException if {@code maxBody} is negative
     */
    public ClientSession(long maxBody) {
        this(builder().maxBody(maxBody));
    }

    private ClientSession(Builder b) {
        baseUrl = b.baseUrl;
        connector = b.connector != null ? b.connector : new TcpConnector();
        ownsConnector = b.connector == null || b.connectorOwner;
        timeout = b.timeout;
        defaultHeaders = b.headers;
        cookieJar = b.cookieJar != null ? b.cookieJar : new CookieJar();
        raiseForStatus = b.raiseForStatus;
        autoDecompress = b.autoDecompress;
        maxBody = b.maxBody;
        maxRedirects = b.maxRedirects;
        proxy = b.proxy;
        proxyAuth = b.proxyAuth;
        auth = b.auth;
        http2 = b.http2;
    }

    /** {@return a builder of a session's settings, with aiohttp's defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** A session's settings (aiohttp's {@code ClientSession(...)} arguments). Not thread-safe. */
    public static final class Builder {
        private String baseUrl;
        private TcpConnector connector;
        private boolean connectorOwner = true;
        private ClientTimeout timeout = ClientTimeout.DEFAULT;
        private final Headers headers = new Headers();
        private AbstractCookieJar cookieJar;
        private boolean raiseForStatus;
        private boolean autoDecompress = true;
        private long maxBody = DEFAULT_MAX_BODY;
        private int maxRedirects = DEFAULT_MAX_REDIRECTS;
        private String proxy;
        private BasicAuth proxyAuth;
        private BasicAuth auth;
        private Http2ClientOptions http2 = Http2ClientOptions.DEFAULTS;

        private Builder() {}

        /**
         * Relative request URLs are resolved against it ({@code http://host:port/api/}).
         *
         * @param url the base URL
         * @return this builder
         */
        public Builder baseUrl(String url) {
            ClientUrl.parse(null, url); // refused now, not at the first request
            baseUrl = url;
            return this;
        }

        /**
         * The pool to use; {@code owner}: close it with the session.
         *
         * @param c the connector
         * @param owner whether the session closes it
         * @return this builder
         */
        public Builder connector(TcpConnector c, boolean owner) {
            connector = c;
            connectorOwner = owner;
            return this;
        }

        /**
         * The timeouts of every request, unless a request gives its own (aiohttp's {@code timeout=}).
         *
         * @param t the timeouts
         * @return this builder
         */
        public Builder timeout(ClientTimeout t) {
            timeout = java.util.Objects.requireNonNull(t, "timeout (use ClientTimeout.NONE for none)");
            return this;
        }

        /**
         * A header sent with every request (a request's own header of the same name replaces it).
         *
         * @param name the header's name, a token
         * @param value the header's value
         * @return this builder
         * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF, NUL or a character
         *     above U+00FF
         */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * The cookie jar (aiohttp's {@code cookie_jar=}); a {@link CookieJar} by default, {@link DummyCookieJar} for
         * none.
         *
         * @param jar the jar
         * @return this builder
         */
        public Builder cookieJar(AbstractCookieJar jar) {
            cookieJar = jar;
            return this;
        }

        /**
         * Throw {@link ClientResponseError} for every response of status 400 or more.
         *
         * @param on whether to throw (aiohttp's {@code raise_for_status=})
         * @return this builder
         */
        public Builder raiseForStatus(boolean on) {
            raiseForStatus = on;
            return this;
        }

        /**
         * Whether a gzip or deflate body is decompressed as it is read (aiohttp's {@code auto_decompress=}; on by
         * default).
         *
         * @param on whether to decompress
         * @return this builder
         */
        public Builder autoDecompress(boolean on) {
            autoDecompress = on;
            return this;
        }

        /**
         * The most bytes {@link ClientResponse#read()} takes into memory (after decompression).
         *
         * @param bytes the limit, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder maxBody(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("maxBody must be >= 0, got " + bytes);
            maxBody = Math.min(bytes, MAX_ARRAY); // a byte array holds no more
            return this;
        }

        /**
         * How many redirects a request follows before a {@link TooManyRedirects} (aiohttp's {@code max_redirects=}).
         *
         * @param n the limit, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is negative
         */
        public Builder maxRedirects(int n) {
            if (n < 0) throw new IllegalArgumentException("maxRedirects must be >= 0, got " + n);
            maxRedirects = n;
            return this;
        }

        /**
         * An {@code http://} proxy for every request, with its credentials (may be null).
         *
         * @param url the proxy's URL, {@code http://} only
         * @param auth the proxy's credentials, or null
         * @return this builder
         * @throws InvalidUrlError if {@code url} is malformed or not {@code http://}
         */
        public Builder proxy(String url, BasicAuth auth) {
            ClientUrl p = ClientUrl.parse(null, url);
            if (p.tls()) throw new InvalidUrlError(url, "only http:// proxies are supported (https:// targets are tunnelled through them)");
            proxy = url;
            proxyAuth = auth;
            return this;
        }

        /**
         * Basic credentials for every request (not sent to another origin after a redirect).
         *
         * @param a the credentials (aiohttp's {@code auth=})
         * @return this builder
         */
        public Builder auth(BasicAuth a) {
            auth = a;
            return this;
        }

        /**
         * How HTTP/2 is spoken: by default h2 is offered by ALPN on https (the server's choice is used) and http://
         * stays HTTP/1.1; {@link Http2ClientOptions#PRIOR_KNOWLEDGE} speaks h2c to http:// servers known to take
         * it; {@link Http2ClientOptions#UPGRADE} offers {@code Upgrade: h2c} to http:// servers with a new connection's
         * first request (a {@code 101} makes it HTTP/2, any other answer keeps the origin HTTP/1.1);
         * {@link Http2ClientOptions#OFF}, HTTP/1.1 only. Through a proxy, h2 is offered only inside an https:// CONNECT
         * tunnel (one HTTP/2 connection per proxy, credentials and origin); http:// goes to the proxy as HTTP/1.1.
         *
         * @param options how HTTP/2 is spoken
         * @return this builder
         */
        public Builder http2(Http2ClientOptions options) {
            http2 = java.util.Objects.requireNonNull(options, "http2 (use Http2ClientOptions.OFF for none)");
            return this;
        }

        /** {@return a new session with these settings} */
        public ClientSession build() {
            return new ClientSession(this);
        }
    }

    /**
     * Opens a WebSocket to {@code url} (aiohttp's {@code session.ws_connect}): {@code ws://}, {@code wss://}
     * (or http/https); {@code wss://} with the options' TLS options, else the connector's
     * ({@link TcpConnector#tls}). See {@link io.jasyncio.http.ws.ClientWebSocketResponse}.
     *
     * @param url the server's URL
     * @param options how the WebSocket behaves
     * @return the open WebSocket
     * @throws IOException if the host cannot be reached, or a {@link io.jasyncio.http.ws.WSServerHandshakeError} if the
     *     handshake fails
     * @throws IllegalStateException if the session is closed
     */
    public io.jasyncio.http.ws.ClientWebSocketResponse wsConnect(String url, io.jasyncio.http.ws.WebSocketOptions options)
            throws IOException {
        if (closed) throw new IllegalStateException("the session is closed");
        return io.jasyncio.http.ws.ClientWebSocketResponse.connect(url, options, connector.tlsOptions());
    }

    /**
     * {@link #wsConnect(String, io.jasyncio.http.ws.WebSocketOptions)} with the default options.
     *
     * @param url the server's URL
     * @return the open WebSocket
     * @throws IOException if the host cannot be reached, or a {@link io.jasyncio.http.ws.WSServerHandshakeError} if the
     *     handshake fails
     * @throws IllegalStateException if the session is closed
     */
    public io.jasyncio.http.ws.ClientWebSocketResponse wsConnect(String url) throws IOException {
        return wsConnect(url, new io.jasyncio.http.ws.WebSocketOptions());
    }

    /** {@return the connection pool (aiohttp's {@code session.connector})} */
    public TcpConnector connector() {
        return connector;
    }

    /** {@return the cookie jar (aiohttp's {@code session.cookie_jar})} */
    public AbstractCookieJar cookieJar() {
        return cookieJar;
    }

    /** {@return the timeouts of every request (aiohttp's {@code session.timeout})} */
    public ClientTimeout timeout() {
        return timeout;
    }

    /**
     * A GET (aiohttp's {@code session.get(url)}).
     *
     * @param url the URL, absolute or relative to the base URL
     * @return the response, its head read and its body not yet
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse get(String url) throws IOException {
        return request("GET", url, RequestOptions.of());
    }

    /**
     * A GET with options (aiohttp's {@code session.get(url, ...)}).
     *
     * @param url the URL, absolute or relative to the base URL
     * @param o what the request adds to the session's settings
     * @return the response, its head read and its body not yet
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse get(String url, RequestOptions o) throws IOException {
        return request("GET", url, o);
    }

    /**
     * A POST with options (aiohttp's {@code session.post(url, ...)}).
     *
     * @param url the URL, absolute or relative to the base URL
     * @param o what the request adds, its body included
     * @return the response, its head read and its body not yet
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse post(String url, RequestOptions o) throws IOException {
        return request("POST", url, o);
    }

    /**
     * A POST of {@code body} (aiohttp's {@code session.post(url, data=...)}).
     *
     * @param url the URL, absolute or relative to the base URL
     * @param body the body's bytes
     * @param contentType the {@code Content-Type}, or null
     * @return the response, its head read and its body not yet
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse post(String url, byte[] body, String contentType) throws IOException {
        return request("POST", url, RequestOptions.of().data(body, contentType));
    }

    /**
     * A PUT with options (aiohttp's {@code session.put(url, ...)}).
     *
     * @param url the URL, absolute or relative to the base URL
     * @param o what the request adds, its body included
     * @return the response, its head read and its body not yet
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse put(String url, RequestOptions o) throws IOException {
        return request("PUT", url, o);
    }

    /**
     * A PATCH with options (aiohttp's {@code session.patch(url, ...)}).
     *
     * @param url the URL, absolute or relative to the base URL
     * @param o what the request adds, its body included
     * @return the response, its head read and its body not yet
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse patch(String url, RequestOptions o) throws IOException {
        return request("PATCH", url, o);
    }

    /**
     * A DELETE (aiohttp's {@code session.delete(url)}).
     *
     * @param url the URL, absolute or relative to the base URL
     * @return the response, its head read and its body not yet
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse delete(String url) throws IOException {
        return request("DELETE", url, RequestOptions.of());
    }

    /**
     * A HEAD (aiohttp's {@code session.head(url)}); unlike aiohttp's, it follows redirects as the session does.
     *
     * @param url the URL, absolute or relative to the base URL
     * @return the response, its head read (it has no body)
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse head(String url) throws IOException {
        return request("HEAD", url, RequestOptions.of());
    }

    /**
     * An OPTIONS (aiohttp's {@code session.options(url)}).
     *
     * @param url the URL, absolute or relative to the base URL
     * @return the response, its head read and its body not yet
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse options(String url) throws IOException {
        return request("OPTIONS", url, RequestOptions.of());
    }

    /**
     * {@code method url} with {@code headers} (may be null) and {@code body} (may be null).
     *
     * @param method the method
     * @param url the URL, absolute or relative to the base URL
     * @param headers headers added to the session's, or null
     * @param body the body's bytes, or null
     * @return the response, its head read and its body not yet
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse request(String method, String url, Headers headers, byte[] body) throws IOException {
        RequestOptions o = RequestOptions.of();
        if (headers != null) o.headers(headers);
        if (body != null) o.data(body, null);
        return request(method, url, o);
    }

    /**
     * Sends {@code method url} as {@code o} says, following redirects, and returns the response with its head
     * read. An unreachable host, a refused connection or a malformed response is an {@link IOException}
     * naming the URL; a malformed URL or an unsupported scheme, an {@link InvalidUrlError}.
     *
     * @param method the method, such as {@code GET}
     * @param url the URL, absolute or relative to the base URL
     * @param o what the request adds to the session's settings
     * @return the response, its head read and its body not yet (aiohttp's {@code session.request(method, url, ...)})
     * @throws IOException if the host cannot be reached, the connection fails or the response is malformed; a
     *     {@link ClientResponseError} for a status of 400 or more when raising for status, a {@link TooManyRedirects}
     *     past the redirect limit
     * @throws ClientTimeoutError when a limit of the {@link ClientTimeout} passes
     * @throws InvalidUrlError if the URL is malformed or its scheme is not http or https
     * @throws IllegalStateException if the session is closed
     */
    public ClientResponse request(String method, String url, RequestOptions o) throws IOException {
        if (closed) throw new IllegalStateException("the session is closed");
        checkMethod(method);
        ClientUrl u = parsed(url).withParams(o.params);
        Deadlines d = new Deadlines(o.timeout != null ? o.timeout : timeout, what(method, u));
        Headers headers = new Headers();
        if (defaultHeaders.size() > 0) { // most requests carry neither: no iterators made for nothing
            for (String n : defaultHeaders.names()) if (!o.headers.contains(n)) for (String v : defaultHeaders.getAll(n)) headers.add(n, v);
        }
        if (o.headers.size() > 0) for (String n : o.headers.names()) for (String v : o.headers.getAll(n)) headers.add(n, v);
        BasicAuth credentials = o.auth != null ? o.auth : auth;
        if (credentials != null && !headers.contains("Authorization")) headers.set("Authorization", credentials.encode());
        RequestBody body = o.body;
        boolean follow = o.allowRedirects == null || o.allowRedirects;
        int max = o.maxRedirects != null ? o.maxRedirects : maxRedirects;
        String proxyUrl = o.proxy != null ? o.proxy : proxy;
        BasicAuth proxyCredentials = o.proxy != null ? o.proxyAuth : proxyAuth;
        ClientUrl proxyTarget = proxyUrl == null ? null : ClientUrl.parse(null, proxyUrl);
        if (proxyTarget != null && proxyTarget.tls()) throw new InvalidUrlError(proxyUrl, "only http:// proxies are supported");
        List<ClientResponse> history = new ArrayList<>(0);
        while (true) {
            ClientResponse r = send(method, u, headers, body, d, route(u, proxyTarget, proxyCredentials));
            int s = r.status();
            String location = follow && (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) ? r.header("Location") : null;
            if (location == null) {
                if (!history.isEmpty()) r.history(history);
                if ((o.raiseForStatus != null ? o.raiseForStatus : raiseForStatus)) r.raiseForStatus();
                return r;
            }
            discard(r);
            history.add(r);
            if (history.size() > max) throw new TooManyRedirects(r, history, max);
            ClientUrl next = u.resolve(location);
            if (s == 303 && !method.equals("HEAD") || (s == 301 || s == 302) && method.equals("POST")) {
                method = "GET";
                body = null;
                headers.remove("Content-Type");
                headers.remove("Content-Length");
            } else if (body != null && !body.replayable()) {
                throw new IOException(method + " " + u + " was redirected (" + s + ") to " + next
                        + ", but its streamed body cannot be sent again: send it to the new URL yourself");
            }
            if (!next.origin().equals(u.origin())) {
                headers.remove("Authorization"); // credentials and cookies given for one origin stay there
                headers.remove("Cookie");
            }
            u = next;
        }
    }

    /** "METHOD url", naming a request in errors: the last one's string again when it is the same request. */
    private String what(String method, ClientUrl u) {
        if (u == lastWhatUrl && method.equals(lastWhatMethod)) return lastWhat;
        lastWhatUrl = u;
        lastWhatMethod = method;
        return lastWhat = method + " " + u;
    }

    /** {@code url} parsed against the base URL, or the last parse when it is the same string (a ClientUrl is immutable). */
    private ClientUrl parsed(String url) {
        if (url != null && url.equals(lastUrl)) return lastParsed;
        ClientUrl u = ClientUrl.parse(baseUrl, url);
        lastUrl = url;
        lastParsed = u;
        return u;
    }

    /** The route of a request to {@code u}: the last one when it is the same (its pool key is built once). */
    private TcpConnector.Route route(ClientUrl u, ClientUrl proxyTarget, BasicAuth proxyCredentials) {
        TcpConnector.Route r = lastRoute;
        if (r != null && r.sameAs(u, proxyTarget, proxyCredentials, http2)) return r;
        return lastRoute = TcpConnector.Route.of(u, proxyTarget, proxyCredentials, http2);
    }

    /** Reads a little of a redirect's body so its connection can be reused; more, and it is closed. */
    private static void discard(ClientResponse r) throws IOException {
        try {
            if (!r.content().atEof() && r.content().read(PIECE).length > 0) r.content().read(PIECE);
        } finally {
            r.release();
        }
    }

    private static void checkMethod(String method) {
        if (method == null || method.isEmpty()) throw new IllegalArgumentException("a request needs a method");
        for (int i = 0; i < method.length(); i++) {
            if (!RequestParser.isTokenChar(method.charAt(i))) throw new IllegalArgumentException("invalid method " + method);
        }
    }

    /** The server closed a reused connection before a byte of the response. */
    private static final class StaleConnection extends IOException {
        StaleConnection(Throwable cause) {
            super("connection closed before the response", cause);
        }
    }

    private ClientResponse send(String method, ClientUrl u, Headers headers, RequestBody body, Deadlines d,
            TcpConnector.Route route) throws IOException {
        String what = what(method, u);
        boolean retried = false;
        int refusals = 0;
        while (true) {
            ClientConnection c;
            try {
                c = connector.shared(route); // an HTTP/2 connection taking streams: no wait, no timer to arm
                if (c == null) c = d.connect(() -> connector.acquire(route, d));
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().contains(what) || e instanceof ClientResponseError) throw e;
                throw new IOException(what + ": " + e.getMessage(), e);
            }
            if (c.h2 != null) {
                try {
                    return exchangeH2(c.h2, method, u, headers, body, d, what);
                } catch (StreamRefusedError e) {
                    // not processed by the server (GOAWAY, REFUSED_STREAM): safe to send again, on a new connection
                    if (++refusals > MAX_REFUSALS || body != null && !body.replayable()) throw new IOException(what + ": " + e.getMessage(), e);
                    continue;
                } catch (IOException e) {
                    if (e.getMessage() != null && e.getMessage().contains(what) || e instanceof ClientResponseError) throw e;
                    throw new IOException(what + ": " + e.getMessage(), e);
                }
            }
            boolean reused = c.served > 0;
            boolean handedOver = false;
            try {
                ClientResponse r = exchange(c, method, u, headers, body, d, what);
                handedOver = true;
                return r;
            } catch (StaleConnection e) {
                boolean again = reused && !retried && IDEMPOTENT.contains(method) && (body == null || body.replayable());
                if (!again) throw new IOException(what + ": the server closed the connection without answering", e);
                retried = true; // once, on a new connection
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().contains(what) || e instanceof ClientResponseError) throw e;
                throw new IOException(what + ": " + e, e); // the connection's own errors come without the URL
            } finally {
                if (!handedOver && c.h2 == null) connector.release(c, false); // upgraded to h2c: shared now, its stream reset
            }
        }
    }

    private ClientResponse exchange(ClientConnection c, String method, ClientUrl u, Headers headers, RequestBody body,
            Deadlines d, String what) throws IOException {
        var io = c.io;
        boolean chunked = body != null && body.length() < 0;
        // h2c by Upgrade (RFC 7540 §3.2): offered with a new connection's first request when it has no body and
        // the caller has not set the fields it takes
        boolean offer = c.upgradeOffer != null && body == null && !headers.contains("Upgrade") && !headers.contains("Connection")
                && !headers.contains("HTTP2-Settings");
        if (c.upgradeOffer != null && !offer) connector.settled(c, false);
        byte[] head = head(method, u, headers, body, c, chunked, offer);
        try {
            io.writer().write(head);
            if (body != null) sendBody(io.writer(), body, chunked, d);
            else d.send(() -> {
                io.writer().drain();
                return null;
            });
        } catch (IOException e) {
            throw new StaleConnection(e);
        } catch (CancelledError | io.jasyncio.TimeoutError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StaleConnection(e);
        }
        ResponseHead h;
        try {
            h = d.read(() -> ResponseHead.read(io.reader(), what));
        } catch (IncompleteReadError e) {
            if (e.partial().length == 0) throw new StaleConnection(e);
            throw new IOException(what + ": the connection closed in the middle of the response's head", e);
        } catch (LimitOverrunError | IllegalArgumentException e) {
            throw new IOException(what + ": the response's head is larger than " + connector.readLimit() + " bytes", e);
        } catch (IOException e) {
            // A reset before a byte of the answer is a dropped connection, as a close is
            if (io.reader().bufferedSize() == 0 && !(e instanceof ClientResponseError) && e.getMessage() != null
                    && !e.getMessage().startsWith(what)) throw new StaleConnection(e);
            throw e;
        }
        if (offer) {
            String upgrade = String.join(",", h.headers().getAll("Upgrade"));
            if (h.status() == 101 && !Request.hasToken(upgrade, "h2c")) {
                connector.settled(c, true);
                throw new IOException(what + ": the server answered the Upgrade: h2c offer with 101 to "
                        + (upgrade.isEmpty() ? "no protocol named (no Upgrade field)" : "'" + upgrade + "'")
                        + "; RFC 9110 §15.2.2 wants the protocol switched to named: use Http2ClientOptions.DEFAULTS for this server");
            }
            if (h.status() == 101) {
                // the server's SETTINGS are awaited under the request's read timeout, as any other answer is
                Http2ClientConnection h2 = d.read(() -> Http2ClientConnection.startUpgraded(io, http2, u.origin(),
                        connector.keepaliveTimeout(), method.equals("HEAD")));
                connector.upgraded(c, h2);
                return responseH2(h2.upgradedStream(), method, u, null, d, what);
            }
            connector.settled(c, true); // the server stays HTTP/1.1: not offered again
        }
        if (h.headers().contains("Set-Cookie")) cookieJar.updateCookies(h.headers().getAll("Set-Cookie"), u.uri());
        BodyReader framing = BodyReader.of(io.reader(), method, h, what);
        ContentDecoder decoder = autoDecompress && !method.equals("HEAD") ? ContentDecoder.of(h.headers().get("Content-Encoding"), framing::next, what) : null;
        String conn = String.join(",", h.headers().getAll("Connection"));
        boolean keep = !framing.endsWithConnection() && h.status() != 101
                && !Request.hasToken(String.join(",", headers.getAll("Connection")), "close")
                && (h.version().equals("HTTP/1.1") ? !Request.hasToken(conn, "close") : Request.hasToken(conn, "keep-alive"));
        ClientResponse r = new ClientResponse(method, u.uri(), h, maxBody);
        ContentDecoder.Source source = decoder != null ? decoder::next : framing::next;
        r.attach(source, d, complete -> {
            if (decoder != null) decoder.close();
            connector.release(c, complete && keep && framing.done());
        }, framing::refuseOver);
        if (h.status() == 101) {
            // The connection now speaks another protocol (a WebSocket): the response holds it until it is taken
            // with detachConnection() or closed.
            r.onUpgrade(() -> {
                connector.detach(c);
                return io;
            });
        } else if (framing.done()) {
            r.content().read(1); // no body: reach its end now, giving the connection back
        }
        return r;
    }

    /** The request as a stream of HTTP/2 connection {@code h2}; the response, its head read. */
    private ClientResponse exchangeH2(Http2ClientConnection h2, String method, ClientUrl u, Headers headers, RequestBody body,
            Deadlines d, String what) throws IOException {
        List<HeaderField> fields = h2Fields(method, u, headers, body);
        ClientStream s = h2.tryOpen(fields, body == null); // a stream free now: no wait, no timer to arm
        if (s == null) s = d.connect(() -> h2.open(fields, body == null));
        return responseH2(s, method, u, body, d, what);
    }

    /** Sends {@code body} (may be null) on request stream {@code s}; the response, its head read. */
    private ClientResponse responseH2(ClientStream s, String method, ClientUrl u, RequestBody body, Deadlines d, String what)
            throws IOException {
        boolean handedOver = false;
        try {
            if (body != null) sendBodyH2(s, body, d);
            ClientStream.Head head = d.read(s::awaitHead);
            Headers hs = new Headers();
            boolean setCookie = false;
            String encoding = null;
            List<HeaderField> fields = head.fields();
            for (int i = 0; i < fields.size(); i++) { // lower-case names, checked by the connection (checkResponse)
                HeaderField f = fields.get(i);
                String n = f.name();
                hs.addChecked(n, f.value());
                if (n.equals("set-cookie")) setCookie = true;
                else if (encoding == null && n.equals("content-encoding")) encoding = f.value();
            }
            ResponseHead h = new ResponseHead("HTTP/2", head.status(), HttpStatus.reason(head.status()), hs);
            if (setCookie) cookieJar.updateCookies(hs.getAll("Set-Cookie"), u.uri());
            long length = s.declaredLength(); // parsed and checked by the connection; -1 for HEAD, 204, 304
            ContentDecoder.Source wire = s::read;
            ContentDecoder decoder = autoDecompress && !method.equals("HEAD") ? ContentDecoder.of(encoding, wire, what) : null;
            ClientResponse r = new ClientResponse(method, u.uri(), h, maxBody);
            r.attach(decoder != null ? decoder::next : wire, decoder != null ? null : s::readable, d, complete -> {
                if (decoder != null) decoder.close();
                if (!complete) s.cancel();
            }, max -> {
                if (length > max) {
                    throw new IOException(what + ": the response body is larger than " + max
                            + " bytes, the most this session reads into memory (give the session a larger maxBody, or read content() as a stream)");
                }
            });
            handedOver = true;
            if (s.done()) r.content().read(1); // no body: reach its end now
            return r;
        } finally {
            if (!handedOver) s.cancel();
        }
    }

    /** The request's header list for HTTP/2: pseudo-headers, then the session's and the request's fields, lower-case. */
    private List<HeaderField> h2Fields(String method, ClientUrl u, Headers headers, RequestBody body) {
        boolean none = headers.size() == 0; // the common case: no tree lookups
        List<HeaderField> f = new ArrayList<>(10 + headers.size());
        f.add(new HeaderField(":method", method));
        f.add(u.tls() ? SCHEME_HTTPS : SCHEME_HTTP);
        f.add(new HeaderField(":authority", !none && headers.contains("Host") ? headers.get("Host") : u.hostHeader()));
        f.add(new HeaderField(":path", u.target()));
        if (none || !headers.contains("User-Agent")) f.add(USER_AGENT);
        if (none || !headers.contains("Accept")) f.add(ACCEPT);
        if (autoDecompress && (none || !headers.contains("Accept-Encoding"))) f.add(ACCEPT_ENCODING);
        String cookies = cookieJar.cookieHeader(u.uri());
        if (cookies != null || !none && headers.contains("Cookie")) {
            List<String> all = new ArrayList<>(headers.getAll("Cookie"));
            if (cookies != null) all.add(cookies);
            f.add(new HeaderField("cookie", String.join("; ", all)));
        }
        if (!none) for (Map.Entry<String, List<String>> e : headers.fields().entrySet()) {
            String n = e.getKey().toLowerCase(java.util.Locale.ROOT);
            if (NOT_IN_H2.contains(n)) continue;
            for (String v : e.getValue()) {
                if (n.equals("te") && !v.trim().equalsIgnoreCase("trailers")) continue;
                f.add(new HeaderField(n, v));
            }
        }
        if (body != null && body.contentType() != null && (none || !headers.contains("Content-Type"))) f.add(new HeaderField("content-type", body.contentType()));
        if (body != null && body.length() >= 0) f.add(new HeaderField("content-length", Long.toString(body.length())));
        else if (body == null && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) f.add(new HeaderField("content-length", "0"));
        return f;
    }

    /** Sends the body as DATA frames, as the server's windows allow; stops early if the server ended the stream. */
    private static void sendBodyH2(ClientStream s, RequestBody body, Deadlines d) throws IOException {
        ByteSource src = body.open();
        long sent = 0;
        for (byte[] b; (b = src.next()) != null; ) {
            if (b.length == 0) continue;
            sent += b.length;
            if (body.length() >= 0 && sent > body.length()) throw new IllegalStateException("the request body is longer than its declared " + body.length() + " bytes");
            byte[] piece = b;
            if (!d.send(() -> s.write(piece, 0, piece.length, false))) return;
        }
        if (body.length() >= 0 && sent != body.length()) throw new IllegalStateException("the request body is " + sent + " bytes, not its declared " + body.length());
        d.send(() -> s.write(new byte[0], 0, 0, true));
    }

    /** Sends the body a piece at a time, each piece on its way before the next is asked for. */
    private static void sendBody(io.jasyncio.streams.StreamWriter w, RequestBody body, boolean chunked, Deadlines d) throws IOException {
        ByteSource src = body.open();
        long sent = 0;
        for (byte[] b; (b = src.next()) != null; ) {
            if (b.length == 0) continue;
            sent += b.length;
            if (chunked) {
                w.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                w.write(b);
                w.write(new byte[] {'\r', '\n'});
            } else {
                if (sent > body.length()) throw new IllegalStateException("the request body is longer than its declared " + body.length() + " bytes");
                w.write(b);
            }
            d.send(() -> {
                w.drain();
                return null;
            });
        }
        if (chunked) w.write(new byte[] {'0', '\r', '\n', '\r', '\n'});
        else if (sent != body.length()) throw new IllegalStateException("the request body is " + sent + " bytes, not its declared " + body.length());
        d.send(() -> {
            w.drain();
            return null;
        });
    }

    private byte[] head(String method, ClientUrl u, Headers headers, RequestBody body, ClientConnection c, boolean chunked,
            boolean offerH2c) {
        String target = c.viaProxy ? absolute(u) : u.target();
        StringBuilder sb = new StringBuilder(256).append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (!headers.contains("Host")) sb.append("Host: ").append(u.hostHeader()).append("\r\n");
        if (!headers.contains("User-Agent")) sb.append("User-Agent: jasyncio\r\n");
        if (!headers.contains("Accept")) sb.append("Accept: */*\r\n");
        if (autoDecompress && !headers.contains("Accept-Encoding")) sb.append("Accept-Encoding: gzip, deflate\r\n");
        String cookies = cookieJar.cookieHeader(u.uri());
        if (cookies != null || headers.contains("Cookie")) {
            List<String> all = new ArrayList<>(headers.getAll("Cookie"));
            if (cookies != null) all.add(cookies);
            sb.append("Cookie: ").append(String.join("; ", all)).append("\r\n");
        }
        if (c.viaProxy && !headers.contains("Proxy-Authorization") && cProxyAuth(c) != null) {
            sb.append("Proxy-Authorization: ").append(cProxyAuth(c)).append("\r\n");
        }
        for (Map.Entry<String, List<String>> e : headers.fields().entrySet()) {
            String n = e.getKey();
            if (n.equalsIgnoreCase("Content-Length") || n.equalsIgnoreCase("Transfer-Encoding") || n.equalsIgnoreCase("Cookie")) continue;
            for (String v : e.getValue()) sb.append(n).append(": ").append(v).append("\r\n");
        }
        if (body != null && body.contentType() != null && !headers.contains("Content-Type")) {
            sb.append("Content-Type: ").append(body.contentType()).append("\r\n");
        }
        if (offerH2c) {
            sb.append("Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: ")
                    .append(Http2ClientConnection.upgradeSettings(http2)).append("\r\n");
        }
        if (chunked) sb.append("Transfer-Encoding: chunked\r\n");
        else if (body != null || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sb.append("Content-Length: ").append(body == null ? 0 : body.length()).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The proxy credentials for a request through an HTTP proxy (set when its route was made). */
    private String cProxyAuth(ClientConnection c) {
        return c.proxyAuth == null ? null : c.proxyAuth.encode();
    }

    private static String absolute(ClientUrl u) {
        return (u.tls() ? "https://" : "http://") + u.hostHeader() + u.target();
    }

    /** Closes every connection (when the session owns its connector); the session cannot be used afterwards. */
    @Override
    public void close() {
        closed = true;
        if (ownsConnector) connector.close();
    }

    /** {@return whether the session is closed (aiohttp's {@code session.closed})} */
    public boolean isClosed() {
        return closed;
    }

    /** Idle connections kept for reuse (for tests and monitoring). */
    int idleConnections() {
        return connector.idleConnections();
    }
}
