package io.jasyncio.http.ws;

import io.jasyncio.transport.ConnectOptions;
import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.http.Headers;
import io.jasyncio.transport.Net;
import io.jasyncio.tls.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The client side of a WebSocket (aiohttp's {@code ClientWebSocketResponse}), made by
 * {@code ClientSession.wsConnect(url, options)} or {@link #connect(String, WebSocketOptions)}: the same message
 * API as the server's ({@link WebSocket}). Its frames are masked; the server's must not be.
 *
 * <p>The handshake (RFC 6455 section 4.1) is checked whole: status 101, {@code Upgrade: websocket},
 * {@code Connection: upgrade}, the {@code Sec-WebSocket-Accept} of the key sent, a subprotocol and extension
 * parameters among those offered; anything else is a {@link WSServerHandshakeError}. The server's answer is
 * read up to 16 KiB, within the options' handshake timeout.
 *
 * <p>Threading: the loop's thread only, from tasks (see {@link WebSocket}).
 */
public final class ClientWebSocketResponse extends WebSocket {
    private static final int MAX_HEAD = 16 * 1024;

    private final String url;
    private String expectedAccept;
    private ByteArrayOutputStream head = new ByteArrayOutputStream();
    private Future<Void> handshake;
    private int status;
    private Headers headers;

    private ClientWebSocketResponse(WebSocketOptions options, String url) {
        super(options, true);
        this.url = url;
    }

    /**
     * Connects to {@code url} ({@code ws://}, {@code wss://}, or {@code http://}/{@code https://}) and runs the
     * opening handshake. An {@link IOException} if the host cannot be reached, a {@link WSServerHandshakeError} if
     * the server refuses or answers wrongly, a {@link TimeoutError} after the handshake timeout.
     *
     * @param url the server's URL
     * @param options how the WebSocket behaves, its handshake headers and TLS options included
     * @return the open WebSocket (aiohttp's {@code session.ws_connect(url)})
     * @throws IOException if the host cannot be reached, or a {@link WSServerHandshakeError} if the handshake fails
     * @throws io.jasyncio.TimeoutError if the handshake timeout passes first
     */
    public static ClientWebSocketResponse connect(String url, WebSocketOptions options) throws IOException {
        return connect(url, options, null);
    }

    /**
     * {@link #connect(String, WebSocketOptions)}, with {@code defaultTls} for {@code wss://} when the options name
     * no TLS options of their own (a session's connector's); null for the JDK's trust store.
     *
     * @param url the server's URL
     * @param options how the WebSocket behaves
     * @param defaultTls TLS options for {@code wss://} when {@code options} have none, or null
     * @return the open WebSocket
     * @throws IOException if the host cannot be reached, or a {@link WSServerHandshakeError} if the handshake fails
     * @throws io.jasyncio.TimeoutError if the handshake timeout passes first
     */
    public static ClientWebSocketResponse connect(String url, WebSocketOptions options, TlsOptions defaultTls) throws IOException {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url + " (" + e.getReason() + ")", e);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("wss") || scheme.equals("https");
        if (!tls && !scheme.equals("ws") && !scheme.equals("http")) {
            throw new IllegalArgumentException("a WebSocket URL is ws://, wss://, http:// or https://, not " + url);
        }
        if (u.getHost() == null) throw new IllegalArgumentException("the URL has no host: " + url);
        String host = u.getHost();
        int port = u.getPort() >= 0 ? u.getPort() : tls ? 443 : 80;
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String target = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        String hostHeader = host + (u.getPort() >= 0 ? ":" + u.getPort() : "");
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);

        ClientWebSocketResponse ws = new ClientWebSocketResponse(options, url);
        ws.loop = Asyncio.getRunningLoop();
        ws.handshake = ws.loop.createFuture();
        String key = Handshake.newKey();
        ws.expectedAccept = Handshake.accept(key);
        StringBuilder req = new StringBuilder(256);
        req.append("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(hostHeader)
                .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(key)
                .append("\r\nSec-WebSocket-Version: 13\r\n");
        if (!ws.protocols.isEmpty()) req.append("Sec-WebSocket-Protocol: ").append(String.join(", ", ws.protocols)).append("\r\n");
        if (ws.compress) req.append("Sec-WebSocket-Extensions: ").append(PerMessageDeflate.CLIENT_OFFER).append("\r\n");
        for (String name : options.headers.names()) {
            for (String v : options.headers.getAll(name)) req.append(name).append(": ").append(v).append("\r\n");
        }
        req.append("\r\n");
        String h = host;
        TlsOptions tlsOptions = options.tls != null ? options.tls : defaultTls != null ? defaultTls : TlsOptions.client();
        try {
            Asyncio.waitFor((io.jasyncio.Coroutine<Void>) () -> {
                try {
                    if (tls) Net.createConnection(() -> ws.wire, h, port, ConnectOptions.overTls(tlsOptions));
                    else Net.createConnection(() -> ws.wire, h, port);
                } catch (CancelledError e) {
                    throw e;
                } catch (Exception e) { // refused, unreachable, a TLS handshake failing (an IOException): name the URL
                    throw new IOException("cannot connect to " + url + ": " + e.getMessage(), e);
                }
                ws.transport.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
                return Asyncio.await(ws.handshake);
            }, options.handshakeTimeout);
        } catch (TimeoutError e) {
            if (ws.transport != null) ws.transport.abort();
            throw new TimeoutError("the WebSocket handshake with " + url + " took more than " + options.handshakeTimeout + " s", e);
        } catch (Throwable e) {
            if (ws.transport != null) ws.transport.abort();
            throw e;
        }
        return ws;
    }

    /**
     * The server's status (101).
     *
     * @return the status
     */
    public int status() {
        return status;
    }

    /**
     * The headers of the server's answer.
     *
     * @return the handshake response's headers
     */
    public Headers responseHeaders() {
        return headers;
    }

    @Override
    void handshakeBytes(ByteBuffer data) {
        if (handshake.done()) {
            data.position(data.limit());
            return;
        }
        byte[] b = new byte[data.remaining()];
        data.get(b);
        head.write(b, 0, b.length);
        byte[] all = head.toByteArray();
        int end = indexOfEnd(all);
        if (end < 0) {
            if (all.length > MAX_HEAD) refuse(0, "the server's answer to the handshake has no end within " + MAX_HEAD + " bytes");
            return;
        }
        head = null;
        try {
            accept(new String(all, 0, end, StandardCharsets.ISO_8859_1));
        } catch (WSServerHandshakeError e) {
            handshake.setException(e);
            transport.abort();
            return;
        }
        handshake.setResult(null);
        // Frames that came with the answer are read now (dataReceived goes on with what remains).
        ByteBuffer rest = ByteBuffer.wrap(all, end + 4, all.length - end - 4);
        data.limit(data.position()); // all of data was copied into `all`
        if (rest.hasRemaining()) wire.dataReceived(rest);
    }

    private static int indexOfEnd(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
        }
        return -1;
    }

    private void refuse(int st, String why) {
        if (!handshake.done()) handshake.setException(new WSServerHandshakeError(st, url + ": " + why));
        transport.abort();
    }

    /** Checks the server's answer and starts the WebSocket. */
    private void accept(String text) throws WSServerHandshakeError {
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.") || !statusLine[1].matches("\\d{3}")) {
            throw new WSServerHandshakeError(0, url + ": not an HTTP status line: " + lines[0]);
        }
        status = Integer.parseInt(statusLine[1]);
        headers = new Headers();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) throw new WSServerHandshakeError(status, url + ": malformed header line in the answer: " + lines[i]);
            headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
        }
        if (status != 101) throw new WSServerHandshakeError(status, url + ": the server answered " + lines[0] + ", not 101");
        if (!Handshake.hasToken(headers.getAll("Upgrade"), "websocket")) {
            throw new WSServerHandshakeError(status, url + ": the server's answer lacks \"Upgrade: websocket\"");
        }
        if (!Handshake.hasToken(headers.getAll("Connection"), "upgrade")) {
            throw new WSServerHandshakeError(status, url + ": the server's answer lacks \"Connection: upgrade\"");
        }
        String acc = headers.get("Sec-WebSocket-Accept");
        if (acc == null || !acc.equals(expectedAccept)) {
            throw new WSServerHandshakeError(status, url + ": wrong Sec-WebSocket-Accept " + acc + " (expected " + expectedAccept + ")");
        }
        String proto = headers.get("Sec-WebSocket-Protocol");
        if (proto != null && !protocols.contains(proto)) {
            throw new WSServerHandshakeError(status, url + ": the server chose the subprotocol " + proto + ", not offered");
        }
        List<String> ext = headers.getAll("Sec-WebSocket-Extensions");
        PerMessageDeflate.Params z = null;
        if (!ext.isEmpty()) {
            if (!compress) throw new WSServerHandshakeError(status, url + ": the server chose extensions, none offered: " + ext);
            z = PerMessageDeflate.clientAccepts(ext);
        }
        start(z == null ? null : new PerMessageDeflate(false, z), proto);
    }

    @Override
    void handshakeLost(Throwable exc) {
        if (handshake != null && !handshake.done()) {
            handshake.setException(new WSServerHandshakeError(0, url + ": the connection closed during the handshake"
                    + (exc == null ? "" : ": " + exc)));
        }
    }
}
