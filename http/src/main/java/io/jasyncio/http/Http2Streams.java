package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Task;
import io.jasyncio.http.h2.Frame;
import io.jasyncio.http.h2.FrameReader;
import io.jasyncio.http.h2.FrameWriter;
import io.jasyncio.http.h2.Http2Exception;
import io.jasyncio.http.h2.HeaderField;
import io.jasyncio.http.h2.Http2Options;
import io.jasyncio.http.h2.Http2ServerConnection;
import io.jasyncio.http.h2.ServerStream;
import io.jasyncio.http.h2.StreamHandler;
import io.jasyncio.transport.BaseTransport;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * HTTP/2 streams answered by the application's handlers: each stream's request becomes a {@link Request} (its
 * body streamed through {@link RequestContent}, with the stream's flow control), the handler's {@link Response} its
 * HEADERS and DATA. The HTTP/2 protocol itself is {@link Http2ServerConnection}'s; this is the mapping, kept here
 * because requests and responses are this package's.
 *
 * <p>A {@link StreamResponse} goes out as HEADERS then DATA within the windows ({@link ServerStream#sendData}); a
 * handler that fails after its {@code prepare} gets the stream reset. An extended CONNECT (RFC 8441) reaches the GET
 * route of its path and is answered with {@link Request#tunnel}: the stream becomes the transport of its protocol
 * (a WebSocket), through {@link Http2Tunnel}. {@link Request#upgrade} is HTTP/1.1's only.
 *
 * <p>Threading: the loop's thread, in each stream's task.
 */
final class Http2Streams implements StreamHandler {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te");
    private static final int FILE_CHUNK = 64 * 1024;
    private static final String SERVER_ERROR_TEXT = "500 Internal Server Error\n\nServer got itself in trouble";

    private final AppRunner runner;
    private final HttpConnection connection;
    private final SocketAddress remote;

    private Http2Streams(AppRunner runner, HttpConnection connection, SocketAddress remote) {
        this.runner = runner;
        this.connection = connection;
        this.remote = remote;
    }

    /** The HTTP/2 connection that takes over {@code connection}'s transport. */
    static Http2ServerConnection connection(AppRunner runner, HttpConnection connection, BaseTransport t) {
        Http2Options o = Http2Options.DEFAULTS;
        double idle = runner.keepaliveTimeout() > 0 ? runner.keepaliveTimeout() : o.idleTimeout();
        double send = runner.sendTimeout() > 0 ? runner.sendTimeout() : o.sendTimeout();
        return new Http2ServerConnection(runner.loop(), o.withTimeouts(idle, send),
                new Http2Streams(runner, connection, (SocketAddress) t.getExtraInfo("peername")));
    }

    /** Whether TLS negotiated {@code h2} by ALPN on {@code t}. */
    static boolean negotiated(BaseTransport t) {
        return t.getExtraInfo("ssl_object") instanceof javax.net.ssl.SSLEngine e && "h2".equals(e.getApplicationProtocol());
    }

    /** Whether the first bytes of a cleartext connection are the start of the HTTP/2 preface (prior knowledge). */
    static boolean startsWithPreface(ByteBuffer data) {
        if (data.remaining() < 3) return false;
        int p = data.position();
        for (int i = 0; i < 3; i++) if (data.get(p + i) != FrameWriter.PREFACE[i]) return false;
        return true;
    }

    /** The answer to an {@code Upgrade: h2c} request, before the connection goes on in HTTP/2. */
    static final byte[] SWITCHING_TO_H2C = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The client's settings if {@code r} is an h2c Upgrade the server takes (RFC 7540 §3.2): HTTP/1.1, {@code Upgrade}
     * naming {@code h2c}, {@code Connection} naming {@code HTTP2-Settings}, exactly one {@code HTTP2-Settings} field
     * holding a valid SETTINGS payload in base64url, and no body (a body would have to be read before the switch).
     * Null otherwise: the request is then answered as HTTP/1.1.
     */
    static Frame.Settings h2cSettings(Request r) {
        Headers h = r.headers();
        if (!r.version().equals("HTTP/1.1") || !Request.hasToken(String.join(",", h.getAll("Upgrade")), "h2c")
                || !Request.hasToken(String.join(",", h.getAll("Connection")), "http2-settings")) return null;
        List<String> values = h.getAll("HTTP2-Settings");
        if (values.size() != 1 || h.contains("Transfer-Encoding")) return null;
        String cl = h.get("Content-Length");
        if (cl != null && !cl.trim().equals("0")) return null;
        byte[] payload;
        try {
            payload = java.util.Base64.getUrlDecoder().decode(values.get(0).trim());
        } catch (IllegalArgumentException e) {
            return null; // not base64url
        }
        if (payload.length % 6 != 0) return null;
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length); // a SETTINGS frame around it, read as any other
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                .put((byte) Frame.TYPE_SETTINGS).put((byte) 0).putInt(0).put(payload).flip();
        FrameReader reader = new FrameReader(FrameReader.DEFAULT_MAX_FRAME_SIZE);
        try {
            reader.feed(frame);
            return reader.next() instanceof Frame.Settings s ? s : null;
        } catch (Http2Exception e) {
            return null; // a value out of range (RFC 9113 §6.5.2)
        }
    }

    /** The fields of stream 1 made of an upgraded HTTP/1.1 request (RFC 7540 §3.2): pseudo-headers, then the rest. */
    static List<HeaderField> upgradedRequest(Request r) {
        List<HeaderField> out = new ArrayList<>();
        String target = r.rawQuery().isEmpty() ? r.rawPath() : r.rawPath() + "?" + r.rawQuery();
        out.add(new HeaderField(":method", r.method()));
        out.add(new HeaderField(":scheme", "http"));
        out.add(new HeaderField(":path", target));
        String host = r.header("Host");
        if (host != null) out.add(new HeaderField(":authority", host));
        Headers h = r.headers();
        for (String name : h.names()) {
            String n = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(n) || n.equals("host") || n.equals("http2-settings")) continue;
            for (String v : h.getAll(name)) out.add(new HeaderField(n, v));
        }
        return out;
    }

    @Override
    public void handle(ServerStream s) throws Exception {
        AccessLog accessLog = runner.accessLog();
        long started = accessLog == null ? 0 : System.nanoTime();
        Request r;
        try {
            r = request(s);
        } catch (HttpError e) {
            send(s, null, e.response());
            return;
        }
        Response resp;
        try {
            resp = dispatch(s, r);
        } catch (Throwable e) { // cancelled (the stream reset, the connection going): a tunnel ends with its handler
            if (r.tunnel() != null) r.tunnel().abort();
            throw e;
        }
        Http2Tunnel tunnel = r.tunnel();
        if (tunnel != null) { // a WebSocket: its handler has ended, so does the stream once its protocol closes it
            tunnel.protocol().handlerEnded(tunnel);
            try {
                Asyncio.await(tunnel.finished());
            } catch (CancelledError e) {
                tunnel.abort();
                throw e;
            }
            if (accessLog != null) accessLog.log(r, 200, s.sentBytes(), resp.headers(), System.nanoTime() - started);
            return;
        }
        if (s.responseStarted()) { // a StreamResponse answered; the stream is reset if it did not end (handlerEnded)
            if (resp != StreamResponse.SENT && resp != STREAM_FAILED) {
                runner.loop().callExceptionHandler(ExceptionContext.builder("Error handling request").exception(
                        new IllegalStateException("the handler of " + r + " started a StreamResponse, then answered " + resp
                                + " instead of returning its writeEof()")).put("request", r).build());
            }
            if (accessLog != null) accessLog.log(r, resp.status(), s.sentBytes(), resp.headers(), System.nanoTime() - started);
            return;
        }
        send(s, r, resp);
        if (accessLog != null) accessLog.log(r, resp.status(), s.sentBytes(), resp.headers(), System.nanoTime() - started);
    }

    private Request request(ServerStream s) {
        String method = null, scheme = null, target = null, authority = null, protocol = null;
        Headers headers = new Headers();
        StringBuilder cookie = null;
        int bytes = 0;
        for (HeaderField f : s.requestHeaders()) {
            bytes += f.size();
            switch (f.name()) {
                case ":method" -> method = f.value();
                case ":scheme" -> scheme = f.value();
                case ":path" -> target = f.value();
                case ":authority" -> authority = f.value();
                case ":protocol" -> protocol = f.value();
                case "cookie" -> { // split into several fields by HTTP/2's compression: one again (RFC 9113 §8.2.3)
                    if (cookie == null) cookie = new StringBuilder(f.value());
                    else cookie.append("; ").append(f.value());
                }
                default -> {
                    try {
                        headers.add(f.name(), f.value());
                    } catch (IllegalArgumentException e) {
                        throw new HttpError(400, "an invalid header field: " + f.name());
                    }
                }
            }
        }
        if (cookie != null) headers.add("cookie", cookie.toString());
        if (authority != null && !headers.contains("host")) headers.add("host", authority);
        if (!target.startsWith("/")) {
            if (!(target.equals("*") && method.equals("OPTIONS"))) throw new HttpError(400, "the :path must start with /");
        }
        if (target.indexOf('#') >= 0) throw new HttpError(400, "a request target must not hold a fragment (#)");
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? "" : target.substring(q + 1);
        String path = UrlCodec.decode(rawPath, false, "path");
        boolean bodyless = s.requestComplete();
        if (protocol != null) method = "GET"; // an extended CONNECT (RFC 8441) reaches the GET route of its :path
        Request r = new Request(method, rawPath, path, rawQuery, "HTTP/2", headers, new byte[0], remote, bytes);
        r.setProtocol(protocol);
        r.setClientMaxSize(runner.app().clientMaxSize());
        r.setConnection(connection);
        r.setH2Stream(s);
        if (!bodyless && protocol == null) r.setContent(streamBody(s)); // a tunnel's bytes are its protocol's (Request#tunnel)
        return r;
    }

    /** The stream's body as a {@link RequestContent}: each byte the handler takes opens the window for one more. */
    private RequestContent streamBody(ServerStream s) {
        long[] given = {0}; // bytes reported consumed to the stream
        RequestContent[] holder = new RequestContent[1];
        RequestContent content = new RequestContent(runner.loop(), new RequestContent.Listener() {
            @Override
            public void firstRead(RequestContent reader) {}

            @Override
            public void consumed(RequestContent reader) {
                long taken = reader.received() - reader.buffered();
                if (taken > given[0]) {
                    s.consumed((int) (taken - given[0]));
                    given[0] = taken;
                }
            }
        }, false);
        holder[0] = content;
        String cl = s.header("content-length");
        if (cl != null) content.announce(Long.parseLong(cl));
        s.setBodyListener(new ServerStream.BodyListener() {
            @Override
            public void data(byte[] data) {
                content.feedOwned(data);
            }

            @Override
            public void end() {
                content.feedEof();
            }

            @Override
            public void aborted(IOException e) {
                content.fail(e);
            }
        });
        return content;
    }

    private Response dispatch(ServerStream s, Request r) {
        try {
            Response resp = runner.app().chain().handle(r);
            if (resp == null) throw new IllegalStateException("the handler of " + r + " returned no Response");
            if (resp == StreamResponse.SENT) {
                if (!s.responseStarted()) throw new IllegalStateException("the handler of " + r + " returned a StreamResponse's writeEof() without prepare()");
                return resp;
            }
            if (resp instanceof FileResponse) return resp;
            return Compression.apply(r, resp, runner.autoCompress());
        } catch (HttpError e) {
            return Compression.apply(r, e.response(), runner.autoCompress());
        } catch (CancelledError e) {
            Task<?> self = Asyncio.currentTask();
            if (self == null || self.cancelling() > 0) throw e; // the stream was reset, or the server is going
            return serverError(s, r, e);
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) throw e;
            return serverError(s, r, e);
        } catch (Throwable e) {
            if (s.responseEnded() && e instanceof IOException) return STREAM_FAILED; // the client reset the stream, or left
            return serverError(s, r, e);
        }
    }

    /** What a handler's failure answers when its stream is gone: nothing more is sent. */
    private static final Response STREAM_FAILED = new Response(500);

    private Response serverError(ServerStream s, Request r, Throwable e) {
        EventLoop loop = runner.loop();
        loop.callExceptionHandler(ExceptionContext.builder("Error handling request").exception(e).put("request", r).build());
        return s.responseStarted() ? STREAM_FAILED : Response.text(500, SERVER_ERROR_TEXT);
    }

    /** Sends {@code resp} on {@code s} (what it cost, {@link ServerStream#sentBytes()}). */
    private void send(ServerStream s, Request r, Response resp) throws IOException {
        boolean head = r != null && r.method().equals("HEAD");
        if (resp instanceof FileResponse f && r != null) {
            FileResponse.Prepared p = f.prepare(r);
            if (p.answer() != null) {
                send(s, r, p.answer());
                return;
            }
            try (var ch = p.channel()) {
                s.sendHeaders(head(p.status(), p.headers(), p.length()), head || p.length() == 0);
                if (head || p.length() == 0) return;
                long left = p.length(); // every part's head and bytes, then the closing boundary (multipart/byteranges)
                byte[] buf = new byte[(int) Math.min(FILE_CHUNK, left)];
                for (FileResponse.Part part : p.parts()) {
                    if (part.head().length > 0) {
                        left -= part.head().length;
                        s.sendData(part.head(), 0, part.head().length, left == 0);
                    }
                    long pos = part.offset(), partLeft = part.length();
                    while (partLeft > 0) {
                        ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, partLeft));
                        int n = ch.read(bb, pos);
                        if (n <= 0) throw new IOException("the file " + f + " ended early");
                        pos += n;
                        partLeft -= n;
                        left -= n;
                        s.sendData(buf, 0, n, left == 0);
                    }
                }
                if (p.end().length > 0) s.sendData(p.end(), 0, p.end().length, true);
                return;
            }
        }
        byte[] body = resp.body();
        boolean bodyless = HttpStatus.bodyless(resp.status()) || head;
        s.sendHeaders(head(resp.status(), resp.headers(), bodyless && !head ? -1 : body.length), bodyless || body.length == 0);
        if (!bodyless && body.length > 0) s.sendData(body, 0, body.length, true);
    }

    /** The response head as HTTP/2 fields: lower-case names, no connection-specific fields (RFC 9113 §8.2.2). */
    static List<HeaderField> head(int status, Headers h, long length) {
        List<HeaderField> out = new ArrayList<>(h.size() + 3);
        out.add(new HeaderField(":status", Integer.toString(status)));
        for (String name : h.names()) {
            String n = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(n) || n.equals("content-length")) continue;
            for (String v : h.getAll(name)) out.add(new HeaderField(n, v));
        }
        if (length >= 0) out.add(new HeaderField("content-length", Long.toString(length)));
        if (!h.contains("date")) out.add(new HeaderField("date", HttpDate.now()));
        if (!h.contains("server")) out.add(new HeaderField("server", "jasyncio")); // as over HTTP/1.1
        return out;
    }
}
