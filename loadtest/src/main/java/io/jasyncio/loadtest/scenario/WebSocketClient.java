package io.jasyncio.loadtest.scenario;

import io.jasyncio.CancelledError;
import io.jasyncio.TimeoutError;
import io.jasyncio.http.ws.ClientWebSocketResponse;
import io.jasyncio.http.ws.WSMessage;
import io.jasyncio.http.ws.WSServerHandshakeError;
import io.jasyncio.http.ws.WebSocketError;
import io.jasyncio.http.ws.WebSocketOptions;
import io.jasyncio.loadtest.metrics.ErrorKind;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtual user's WebSocket client (on the http module's {@link ClientWebSocketResponse}): one connection per
 * URL, opened by the first {@link #ask} and kept across iterations. {@link #ask} sends a message and returns the
 * next one the server sends: the request/answer exchange a load test times (an echo, an RPC over WebSocket).
 * A relative URL resolves against the run's base URL ({@code http(s)://} becomes {@code ws(s)://}); the run's
 * headers ({@code -H}) go with every handshake.
 *
 * <p>Failures, as the reports count them: nothing listening is {@code connect_refused}; a handshake refused with
 * a 4xx or 5xx status is {@code http_4xx}/{@code http_5xx}, answered wrongly otherwise {@code ws_handshake};
 * the server's close frame, or a connection already closed, where an answer was awaited is {@code ws_close}
 * (with the close code); a protocol violation by the server (a message over the limit, bad framing) is
 * {@code malformed}; a connection lost is {@code reset}; no answer within the step's timeout is {@code timeout}.
 * After any failure, and when the step gives up mid-exchange (a late answer must not be taken for the next
 * message's), the connection is dropped and the next {@link #ask} opens a new one.
 *
 * <p>Bounds: a message the server sends is at most {@code maxMessage} bytes (over it, the connection fails,
 * {@code malformed}); the handshake takes at most the run's timeout; at most {@value #MAX_CONNECTIONS}
 * connections per user. Connections go through the JDK's default TLS checks ({@code --insecure} and source
 * addresses do not apply to WebSocket targets yet).
 *
 * <p>Threading: the event loop's thread, in the user's tasks; one exchange at a time per URL.
 */
public final class WebSocketClient implements AutoCloseable {
    /** The most WebSocket connections one user keeps open. */
    public static final int MAX_CONNECTIONS = 16;

    private final String baseUrl;
    private final int maxMessage;
    private final double handshakeTimeout;
    private final List<String> headers;
    private final Map<String, ClientWebSocketResponse> open = new LinkedHashMap<>();
    private boolean closed;

    /** {@code headers} ("Name: value") go with every handshake. */
    WebSocketClient(String baseUrl, List<String> headers, int maxMessage, double handshakeTimeout) {
        this.baseUrl = baseUrl;
        this.headers = List.copyOf(headers);
        this.maxMessage = Math.max(1, maxMessage);
        this.handshakeTimeout = handshakeTimeout;
    }

    /**
     * Sends {@code text} on {@code url}'s WebSocket and returns the answer's text (a BINARY answer as UTF-8).
     *
     * @param url a {@code ws(s)://} URL, or one resolved against the run's base URL
     * @param text the message
     * @return the next message the server sends, as text
     */
    public String ask(String url, String text) {
        WSMessage m = exchange(url, text.getBytes(StandardCharsets.UTF_8), true);
        return m.type() == io.jasyncio.http.ws.WSMsgType.TEXT ? m.text() : new String(m.bytes(), StandardCharsets.UTF_8);
    }

    /**
     * Sends {@code data} as a BINARY message on {@code url}'s WebSocket and returns the answer's bytes.
     *
     * @param url a {@code ws(s)://} URL, or one resolved against the run's base URL
     * @param data the message
     * @return the next message the server sends, as bytes
     */
    public byte[] ask(String url, byte[] data) {
        WSMessage m = exchange(url, data, false);
        return m.type() == io.jasyncio.http.ws.WSMsgType.TEXT ? m.text().getBytes(StandardCharsets.UTF_8) : m.bytes();
    }

    /**
     * Opens {@code url}'s WebSocket now (a step of its own, when its handshake is to be timed apart); nothing if open.
     *
     * @param url a {@code ws(s)://} URL, or one resolved against the run's base URL
     */
    public void connect(String url) {
        socket(resolve(url));
    }

    /**
     * Whether this user has an open WebSocket to {@code url}.
     *
     * @param url a {@code ws(s)://} URL, or one resolved against the run's base URL
     * @return true if one is open
     */
    public boolean isOpen(String url) {
        ClientWebSocketResponse ws = open.get(resolve(url));
        return ws != null && !ws.closed();
    }

    private WSMessage exchange(String url, byte[] payload, boolean text) {
        String u = resolve(url);
        ClientWebSocketResponse ws = socket(u);
        boolean answered = false;
        try {
            if (text) ws.sendStr(new String(payload, StandardCharsets.UTF_8));
            else ws.sendBytes(payload);
            while (true) {
                WSMessage m = ws.receive(0);
                switch (m.type()) {
                    case TEXT, BINARY -> {
                        answered = true;
                        return m;
                    }
                    case PING, PONG -> { } // only without auto-ping, which this client keeps on
                    case CLOSE -> throw new StepFailure(ErrorKind.WS_CLOSE, "the server closed the WebSocket " + u
                            + " with code " + m.closeCode() + (m.extra() == null || m.extra().isEmpty() ? "" : " (" + m.extra() + ")"));
                    case CLOSING, CLOSED -> throw new StepFailure(ErrorKind.WS_CLOSE, "the WebSocket " + u + " is closed"
                            + (ws.closeCode() == null ? "" : " (code " + ws.closeCode() + ")"));
                    case ERROR -> throw error(u, m.error());
                }
            }
        } catch (IOException e) { // sending on a connection that was lost
            throw new StepFailure(ErrorKind.RESET, "the WebSocket " + u + " was lost: " + e.getMessage());
        } finally {
            if (!answered) drop(u, ws); // failed, or the step gave up (cancelled) mid-exchange
        }
    }

    private static StepFailure error(String url, Throwable e) {
        if (e instanceof WebSocketError w) {
            return new StepFailure(ErrorKind.MALFORMED, "the WebSocket " + url + " failed with code " + w.code() + ": " + w.getMessage());
        }
        if (e instanceof TimeoutError) return new StepFailure(ErrorKind.TIMEOUT, "the WebSocket " + url + ": " + e.getMessage());
        return new StepFailure(ErrorKind.RESET, "the WebSocket " + url + " was lost: " + (e == null ? "no reason given" : e.getMessage()));
    }

    private ClientWebSocketResponse socket(String url) {
        if (closed) throw new IllegalStateException("this virtual user's WebSocket client is closed");
        ClientWebSocketResponse ws = open.get(url);
        if (ws != null && !ws.closed()) return ws;
        if (ws != null) open.remove(url);
        if (open.size() >= MAX_CONNECTIONS) {
            throw new IllegalStateException("a virtual user may keep at most " + MAX_CONNECTIONS + " WebSocket connections open");
        }
        WebSocketOptions o = new WebSocketOptions().maxMsgSize(maxMessage).handshakeTimeout(handshakeTimeout)
                .closeTimeout(Math.min(1, handshakeTimeout));
        for (String h : headers) {
            int colon = h.indexOf(':');
            o.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        try {
            ws = ClientWebSocketResponse.connect(url, o);
        } catch (WSServerHandshakeError e) {
            String kind = ErrorKind.ofStatus(e.status());
            throw new StepFailure(kind == null ? ErrorKind.WS_HANDSHAKE : kind, "WebSocket handshake with " + url + ": " + e.getMessage());
        } catch (IOException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof ConnectException) throw new StepFailure(ErrorKind.CONNECT_REFUSED, "connecting to " + url + ": " + e.getMessage());
            }
            throw new StepFailure(ErrorKind.CONNECT_ERROR, "connecting to " + url + ": " + e.getMessage());
        }
        open.put(url, ws);
        return ws;
    }

    private void drop(String url, ClientWebSocketResponse ws) {
        ws.abort();
        open.remove(url, ws);
    }

    private String resolve(String url) {
        String u = url;
        if (!(u.startsWith("ws://") || u.startsWith("wss://") || u.startsWith("http://") || u.startsWith("https://"))) {
            if (baseUrl == null) throw new IllegalArgumentException("'" + url + "' is relative, and the run has no base URL");
            String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
            u = base + (u.startsWith("/") ? u : "/" + u);
        }
        if (u.startsWith("http://")) return "ws://" + u.substring(7);
        if (u.startsWith("https://")) return "wss://" + u.substring(8);
        return u;
    }

    /** Drops every connection (the run is over: no close handshake is waited for). */
    @Override
    public void close() {
        closed = true;
        List<ClientWebSocketResponse> all = new ArrayList<>(open.values());
        open.clear();
        for (ClientWebSocketResponse ws : all) ws.abort();
    }
}
