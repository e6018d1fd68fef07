package io.jasyncio.http.ws;

import io.jasyncio.Asyncio;
import io.jasyncio.http.HttpError;
import io.jasyncio.http.Request;
import io.jasyncio.http.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server side of a WebSocket (aiohttp's {@code web.WebSocketResponse}), made in a handler:
 *
 * <pre>{@code
 * app.router().addGet("/ws", request -> {
 *     WebSocketResponse ws = new WebSocketResponse().prepare(request);
 *     for (WSMessage m : ws) {
 *         if (m.type() == WSMsgType.TEXT) ws.sendStr(m.text());
 *     }
 *     return ws.response();
 * });
 * }</pre>
 *
 * {@link #prepare(Request)} checks the opening handshake (RFC 6455 section 4.2): a GET over HTTP/1.1 with
 * {@code Upgrade: websocket}, {@code Connection: upgrade} and a {@code Sec-WebSocket-Key} of 16 bytes in
 * base64, else 400; {@code Sec-WebSocket-Version} other than 13: 426 with {@code Sec-WebSocket-Version: 13}.
 * It picks the first subprotocol of the client's that the options list, accepts permessage-deflate when offered
 * (unless the options say no), answers 101 and the connection speaks WebSocket from then on. It closes when the
 * handler returns; a server shutting down sends 1001 to its WebSockets and their handlers see CLOSING. Over HTTP/2
 * (RFC 8441) an extended CONNECT with {@code :protocol websocket} opens it instead (it reaches the GET route of its
 * path), answered 200, and the same engine runs over the stream; a GET asking {@code Upgrade} there is a 400.
 *
 * <p>Threading: the handler's task, on the server's loop (see {@link WebSocket}).
 */
public final class WebSocketResponse extends WebSocket {
    private Response response;

    /** A WebSocket with aiohttp's defaults (4 MiB messages, auto-ping, auto-close, compression when offered). */
    public WebSocketResponse() {
        this(new WebSocketOptions());
    }

    /**
     * A server WebSocket with {@code options} (aiohttp's {@code WebSocketResponse(heartbeat=..., ...)});
     * {@link #prepare} opens it.
     *
     * @param options how it behaves
     */
    public WebSocketResponse(WebSocketOptions options) {
        super(options, false);
    }

    /**
     * Checks the handshake of {@code request}, answers 101 and starts the WebSocket; an {@link HttpError} if refused.
     *
     * @param request the request its handler is answering
     * @return this WebSocket, open
     * @throws IOException if the client has gone
     * @throws HttpError 400, 405 or 426 when the request is not a valid WebSocket handshake
     * @throws IllegalStateException if called twice
     */
    public WebSocketResponse prepare(Request request) throws IOException {
        if (response != null) throw new IllegalStateException("prepare() was already called");
        if (request.version().equals("HTTP/2")) return prepareOverHttp2(request);
        if (!request.method().equals("GET")) {
            throw new HttpError(405, "405: a WebSocket handshake is a GET, not " + request.method()).withHeader("Allow", "GET");
        }
        if (!request.version().equals("HTTP/1.1")) throw new HttpError(400, "400: a WebSocket handshake needs HTTP/1.1");
        if (!Handshake.hasToken(request.headers().getAll("Upgrade"), "websocket")) {
            throw new HttpError(400, "400: no WebSocket upgrade: the request lacks \"Upgrade: websocket\"");
        }
        if (!Handshake.hasToken(request.headers().getAll("Connection"), "upgrade")) {
            throw new HttpError(400, "400: no WebSocket upgrade: the request lacks \"Connection: upgrade\"");
        }
        String version = request.header("Sec-WebSocket-Version");
        if (version == null || !version.trim().equals("13")) {
            throw new HttpError(426, "426: unsupported WebSocket version " + version + ": this server speaks 13")
                    .withHeader("Sec-WebSocket-Version", "13");
        }
        String key = request.header("Sec-WebSocket-Key");
        if (request.headers().getAll("Sec-WebSocket-Key").size() != 1 || !Handshake.validKey(key.trim())) {
            throw new HttpError(400, "400: invalid Sec-WebSocket-Key " + key + ": it must be 16 bytes in base64");
        }
        String proto = null;
        List<String> offered = Handshake.tokens(request.headers().getAll("Sec-WebSocket-Protocol"));
        for (String p : offered) { // the client's order, as aiohttp
            if (protocols.contains(p)) {
                proto = p;
                break;
            }
        }
        PerMessageDeflate.Params z = compress ? PerMessageDeflate.accept(request.headers().getAll("Sec-WebSocket-Extensions")) : null;

        Response r = new Response(101);
        r.header("Upgrade", "websocket").header("Connection", "Upgrade").header("Sec-WebSocket-Accept", Handshake.accept(key.trim()));
        if (proto != null) r.header("Sec-WebSocket-Protocol", proto);
        if (z != null) r.header("Sec-WebSocket-Extensions", z.header());
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        for (String name : r.headers().names()) {
            for (String v : r.headers().getAll(name)) head.append(name).append(": ").append(v).append("\r\n");
        }
        head.append("Server: jasyncio\r\n\r\n");

        loop = Asyncio.getRunningLoop();
        response = r;
        start(z == null ? null : new PerMessageDeflate(true, z), proto);
        request.upgrade(head.toString().getBytes(StandardCharsets.ISO_8859_1), wire);
        return this;
    }

    /**
     * RFC 8441: a WebSocket over an HTTP/2 stream, opened by an extended CONNECT with {@code :protocol websocket}
     * (no key, no 101: a 200 accepts it); the same engine then runs over the stream ({@link Request#tunnel}).
     */
    private WebSocketResponse prepareOverHttp2(Request request) throws IOException {
        if (!"websocket".equalsIgnoreCase(request.protocol())) {
            throw new HttpError(400, "400: over HTTP/2 a WebSocket opens with an extended CONNECT with :protocol websocket"
                    + " (RFC 8441), not with Upgrade");
        }
        String version = request.header("Sec-WebSocket-Version");
        if (version == null || !version.trim().equals("13")) {
            throw new HttpError(426, "426: unsupported WebSocket version " + version + ": this server speaks 13")
                    .withHeader("Sec-WebSocket-Version", "13");
        }
        String proto = null;
        for (String p : Handshake.tokens(request.headers().getAll("Sec-WebSocket-Protocol"))) {
            if (protocols.contains(p)) {
                proto = p;
                break;
            }
        }
        PerMessageDeflate.Params z = compress ? PerMessageDeflate.accept(request.headers().getAll("Sec-WebSocket-Extensions")) : null;
        Response r = new Response(200);
        if (proto != null) r.header("Sec-WebSocket-Protocol", proto);
        if (z != null) r.header("Sec-WebSocket-Extensions", z.header());
        loop = Asyncio.getRunningLoop();
        response = r;
        start(z == null ? null : new PerMessageDeflate(true, z), proto);
        request.tunnel(r.headers(), wire);
        return this;
    }

    /**
     * The 101 answer {@link #prepare} sent: what the handler returns once it is done with the WebSocket.
     *
     * @return the 101 response
     * @throws IllegalStateException before {@link #prepare}
     */
    public Response response() {
        if (response == null) throw new IllegalStateException("call prepare(request) first");
        return response;
    }
}
