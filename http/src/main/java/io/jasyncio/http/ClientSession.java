package io.jasyncio.http;

import io.jasyncio.streams.IncompleteReadError;
import io.jasyncio.streams.LimitOverrunError;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;
import io.jasyncio.tls.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An HTTP/1.1 client for tasks (aiohttp's {@code ClientSession}): {@link #get}, {@link #post} and
 * {@link #request} send a request and return the whole response; the calling task waits while the loop serves
 * everything else. Connections are kept alive and reused per scheme, host and port; {@code https} goes through
 * the library's TLS layer with the JDK's default trust store and host-name checking. A request on a reused
 * connection that the server had closed meanwhile is sent again once on a new connection when its method is
 * idempotent. Bound a request's time with {@code Asyncio.timeout(...)}; cancelling it closes its connection.
 * {@link #close()} closes the idle connections.
 *
 * <p>Threading: use a session from tasks of one loop, one request per task at a time (several tasks may use
 * the session at once: each request has a connection of its own).
 */
public final class ClientSession implements AutoCloseable {
    /** The largest response body read into memory unless told otherwise: 64 MiB. */
    public static final long DEFAULT_MAX_BODY = 64L * 1024 * 1024;
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private final long maxBody;
    private final Map<String, ArrayDeque<StreamPair>> idle = new HashMap<>();
    private boolean closed;

    public ClientSession() {
        this(DEFAULT_MAX_BODY);
    }

    /** A session that refuses response bodies over {@code maxBody} bytes. */
    public ClientSession(long maxBody) {
        if (maxBody < 0) throw new IllegalArgumentException("maxBody must be >= 0");
        this.maxBody = maxBody;
    }

    public ClientResponse get(String url) throws IOException {
        return request("GET", url, null, null);
    }

    public ClientResponse post(String url, byte[] body, String contentType) throws IOException {
        Headers h = new Headers();
        if (contentType != null) h.set("Content-Type", contentType);
        return request("POST", url, h, body);
    }

    /**
     * Sends {@code method url} with {@code headers} (may be null) and {@code body} (may be null) and returns the
     * response. An unreachable host, a refused connection or a malformed response is an {@link IOException}
     * naming the URL.
     */
    public ClientResponse request(String method, String url, Headers headers, byte[] body) throws IOException {
        if (closed) throw new IllegalStateException("the session is closed");
        Target t = Target.parse(url);
        byte[] head = head(method, t, headers, body);
        StreamPair c = takeIdle(t.key());
        boolean reused = c != null;
        if (c == null) c = open(t, url);
        while (true) {
            try {
                return exchange(c, method, url, t, head, body, wantsClose(headers));
            } catch (StaleConnection e) {
                c.writer().close();
                if (!reused || !IDEMPOTENT.contains(method)) {
                    throw new IOException(method + " " + url + ": the server closed the connection without answering", e);
                }
                reused = false; // once, on a new connection
                c = open(t, url);
            } catch (IOException e) {
                // The connection's own errors (a reset, a lost connection) come without the URL: name it.
                if (e.getMessage() != null && e.getMessage().contains(url)) throw e;
                throw new IOException(method + " " + url + ": " + e, e);
            }
        }
    }

    /**
     * Opens a WebSocket to {@code url} (aiohttp's {@code session.ws_connect}): {@code ws://}, {@code wss://}
     * (or http/https). See {@link io.jasyncio.http.ws.ClientWebSocketResponse}.
     */
    public io.jasyncio.http.ws.ClientWebSocketResponse wsConnect(String url, io.jasyncio.http.ws.WebSocketOptions options)
            throws IOException {
        if (closed) throw new IllegalStateException("the session is closed");
        return io.jasyncio.http.ws.ClientWebSocketResponse.connect(url, options);
    }

    /** {@link #wsConnect(String, io.jasyncio.http.ws.WebSocketOptions)} with the default options. */
    public io.jasyncio.http.ws.ClientWebSocketResponse wsConnect(String url) throws IOException {
        return wsConnect(url, new io.jasyncio.http.ws.WebSocketOptions());
    }

    private static boolean wantsClose(Headers headers) {
        return headers != null && headers.contains("Connection") && Request.hasToken(String.join(",", headers.getAll("Connection")), "close");
    }

    /** The largest body a byte array holds. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** The server closed a connection before sending a byte of the response. */
    private static final class StaleConnection extends IOException {
        StaleConnection(Throwable cause) {
            super("connection closed before the response", cause);
        }
    }

    private ClientResponse exchange(StreamPair c, String method, String url, Target t, byte[] head, byte[] body,
            boolean closeAfter) throws IOException {
        boolean done = false;
        try {
            try {
                c.writer().write(head);
                if (body != null && body.length > 0) c.writer().write(body);
                c.writer().drain();
            } catch (Exception e) {
                if (e instanceof IOException io) throw new StaleConnection(io); // lost before a byte of the answer
                throw e;
            }
            ClientResponse r;
            boolean any = false;
            String[] statusLine;
            Headers h;
            while (true) { // interim 1xx responses (100 Continue) are skipped
                String text;
                try {
                    text = new String(c.reader().readuntil(END_OF_HEAD), StandardCharsets.ISO_8859_1);
                } catch (IncompleteReadError e) {
                    if (!any && e.partial().length == 0) throw new StaleConnection(e);
                    throw new IOException(method + " " + url + ": the connection closed in the middle of the response's head", e);
                } catch (LimitOverrunError | IllegalArgumentException e) {
                    throw new IOException(method + " " + url + ": the response's head is larger than "
                            + io.jasyncio.streams.StreamReader.DEFAULT_LIMIT + " bytes", e);
                } catch (Exception e) {
                    // A reset before a byte of the answer: as a close, a dropped connection
                    if (e instanceof IOException io && !any && c.reader().bufferedSize() == 0) throw new StaleConnection(io);
                    throw e;
                }
                any = true;
                int eol = text.indexOf("\r\n");
                statusLine = text.substring(0, eol).split(" ", 3);
                if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.") || !statusLine[1].matches("\\d{3}")) {
                    throw new IOException(method + " " + url + ": not an HTTP/1.x status line: " + text.substring(0, Math.min(eol, 100)));
                }
                h = parseHeaders(text, eol, method, url);
                int status = Integer.parseInt(statusLine[1]);
                if (status >= 200 || status == 101) break;
            }
            int status = Integer.parseInt(statusLine[1]);
            String version = statusLine[0];
            boolean toEof = false;
            byte[] content;
            if (method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200)) {
                content = new byte[0];
            } else if (h.contains("Transfer-Encoding")) {
                content = readChunked(c, method, url);
            } else if (h.contains("Content-Length")) {
                long n;
                try {
                    n = Long.parseLong(h.get("Content-Length").trim());
                } catch (NumberFormatException e) {
                    throw new IOException(method + " " + url + ": invalid Content-Length " + h.get("Content-Length"));
                }
                if (n < 0) throw new IOException(method + " " + url + ": invalid Content-Length " + n);
                tooLarge(n, method, url);
                content = readExactly(c, (int) n, method, url);
            } else {
                toEof = true;
                content = readToEof(c, method, url);
            }
            r = new ClientResponse(method, url, version, status, statusLine.length > 2 ? statusLine[2] : "", h, content);
            String conn = String.join(",", h.getAll("Connection"));
            // After 101 the connection speaks another protocol; bytes past the body (a body sent after HEAD, 204
            // or 304) would be read as the next response's head.
            boolean keep = !toEof && status != 101 && !closeAfter && c.reader().bufferedSize() == 0 && (version.equals("HTTP/1.1") ? !Request.hasToken(conn, "close") : Request.hasToken(conn, "keep-alive"));
            done = true;
            if (keep && !closed) giveBack(t.key(), c);
            else c.writer().close();
            return r;
        } finally {
            if (!done) c.writer().close(); // an error or a cancellation: the connection's state is unknown
        }
    }

    private static Headers parseHeaders(String text, int eol, String method, String url) throws IOException {
        Headers h = new Headers();
        while (eol >= 0 && eol + 2 < text.length() - 2) {
            int from = eol + 2;
            eol = text.indexOf("\r\n", from);
            String line = eol < 0 ? text.substring(from, text.length() - 4) : text.substring(from, eol);
            if (line.isEmpty()) break;
            int colon = line.indexOf(':');
            if (colon <= 0) throw new IOException(method + " " + url + ": malformed header line in the response: " + line);
            h.addChecked(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return h;
    }

    private byte[] readChunked(StreamPair c, String method, String url) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            while (true) {
                String line = new String(c.reader().readuntil(CRLF), StandardCharsets.ISO_8859_1).trim();
                int semi = line.indexOf(';');
                long n;
                try {
                    n = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException(method + " " + url + ": invalid chunk size in the response: " + line);
                }
                if (n == 0) break;
                if (n < 0) throw new IOException(method + " " + url + ": invalid chunk size in the response: " + line);
                tooLarge(n, method, url);
                tooLarge(out.size() + n, method, url);
                out.write(c.reader().readexactly((int) n));
                byte[] end = c.reader().readexactly(2);
                if (end[0] != '\r' || end[1] != '\n') throw new IOException(method + " " + url + ": a chunk does not end with CRLF");
            }
            while (c.reader().readuntil(CRLF).length > 2) {
                // trailer fields: read and dropped
            }
        } catch (IncompleteReadError e) {
            throw new IOException(method + " " + url + ": the connection closed in the middle of the chunked body", e);
        } catch (LimitOverrunError | IllegalArgumentException e) {
            throw new IOException(method + " " + url + ": a chunk line of the response is too long", e);
        }
        return out.toByteArray();
    }

    private static byte[] readExactly(StreamPair c, int n, String method, String url) throws IOException {
        try {
            return c.reader().readexactly(n);
        } catch (IncompleteReadError e) {
            throw new IOException(method + " " + url + ": the connection closed after " + e.partial().length + " of the "
                    + n + " bytes of the body", e);
        }
    }

    private byte[] readToEof(StreamPair c, String method, String url) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b; (b = c.reader().read(64 * 1024)).length > 0; ) {
            tooLarge(out.size() + (long) b.length, method, url);
            out.write(b);
        }
        return out.toByteArray();
    }

    private void tooLarge(long n, String method, String url) throws IOException {
        if (n > maxBody || n > MAX_ARRAY) { // past MAX_ARRAY, (int) n would cut the length: a wrong framing
            throw new IOException(method + " " + url + ": the response body is larger than this session accepts ("
                    + maxBody + " bytes; give ClientSession a larger maxBody)");
        }
    }

    private static byte[] head(String method, Target t, Headers headers, byte[] body) {
        if (method == null || method.isEmpty()) throw new IllegalArgumentException("a request needs a method");
        for (int i = 0; i < method.length(); i++) {
            if (!RequestParser.isTokenChar(method.charAt(i))) throw new IllegalArgumentException("invalid method " + method);
        }
        StringBuilder sb = new StringBuilder(128).append(method).append(' ').append(t.target).append(" HTTP/1.1\r\n");
        Headers h = headers == null ? new Headers() : headers;
        if (!h.contains("Host")) sb.append("Host: ").append(t.hostHeader).append("\r\n");
        if (!h.contains("User-Agent")) sb.append("User-Agent: jasyncio\r\n");
        if (!h.contains("Accept")) sb.append("Accept: */*\r\n");
        for (Map.Entry<String, java.util.List<String>> e : h.fields().entrySet()) {
            if (e.getKey().equalsIgnoreCase("Content-Length") || e.getKey().equalsIgnoreCase("Transfer-Encoding")) continue;
            for (String v : e.getValue()) sb.append(e.getKey()).append(": ").append(v).append("\r\n");
        }
        if (body != null || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sb.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        sb.append("\r\n");
        byte[] out = new byte[sb.length()];
        for (int i = 0; i < out.length; i++) out[i] = (byte) sb.charAt(i);
        return out;
    }

    private StreamPair takeIdle(String key) {
        ArrayDeque<StreamPair> q = idle.get(key);
        StreamPair c;
        while (q != null && (c = q.pollLast()) != null) {
            // Bytes that came while it was idle are no answer to anything: the connection is out of step
            if (!c.writer().isClosing() && !c.reader().atEof() && c.reader().bufferedSize() == 0) return c;
            c.writer().close();
        }
        return null;
    }

    private void giveBack(String key, StreamPair c) {
        idle.computeIfAbsent(key, k -> new ArrayDeque<>()).add(c);
    }

    private static StreamPair open(Target t, String url) throws IOException {
        try {
            return t.tls ? Streams.openConnection(t.host, t.port, TlsOptions.client()) : Streams.openConnection(t.host, t.port);
        } catch (RuntimeException e) {
            if (e instanceof io.jasyncio.CancelledError) throw e;
            throw new IOException("cannot connect to " + url + ": " + e.getMessage(), e);
        }
    }

    /** Closes the idle connections; a session cannot be used afterwards. */
    @Override
    public void close() {
        closed = true;
        for (ArrayDeque<StreamPair> q : idle.values()) {
            for (StreamPair c : q) c.writer().close();
        }
        idle.clear();
    }

    /** Idle connections kept for reuse (for tests and monitoring). */
    int idleConnections() {
        int n = 0;
        for (ArrayDeque<StreamPair> q : idle.values()) n += q.size();
        return n;
    }

    /** Where a URL points. */
    private record Target(boolean tls, String host, int port, String target, String hostHeader) {
        String key() {
            return (tls ? "https://" : "http://") + host + ":" + port;
        }

        static Target parse(String url) {
            URI u;
            try {
                u = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + url + " (" + e.getReason() + ")", e);
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("only http:// and https:// URLs are supported, not " + url);
            }
            if (u.getHost() == null) throw new IllegalArgumentException("the URL has no host: " + url);
            boolean tls = scheme.equals("https");
            int port = u.getPort() >= 0 ? u.getPort() : tls ? 443 : 80;
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            String target = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
            String host = u.getHost();
            String hostHeader = (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
                    + (u.getPort() >= 0 ? ":" + u.getPort() : "");
            if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
            return new Target(tls, host, port, target, hostHeader);
        }
    }
}
