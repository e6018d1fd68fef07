package io.jasyncio.http.ws;

import io.jasyncio.http.Headers;
import io.jasyncio.tls.TlsOptions;
import java.util.List;

/**
 * How a WebSocket behaves, server side ({@link WebSocketResponse}) or client side
 * ({@code ClientSession.wsConnect}); aiohttp's keyword arguments of {@code WebSocketResponse(...)} and
 * {@code ws_connect(...)}, with the same defaults where aiohttp has one. Setters return this options object.
 * Every input has a bound: a message's size ({@link #maxMsgSize}), the time a message may take to arrive once
 * begun ({@link #messageTimeout}), the time a send may wait for a peer that takes nothing
 * ({@link #sendTimeout}), the time the close handshake may take ({@link #closeTimeout}).
 *
 * <p>Threading: fill it in, then hand it over; the WebSocket copies what it needs when it is made.
 */
public final class WebSocketOptions {
    /** aiohttp's default {@code max_msg_size}: 4 MiB. */
    public static final int DEFAULT_MAX_MSG_SIZE = 4 * 1024 * 1024;

    List<String> protocols = List.of();
    double heartbeat;
    boolean autoPing = true;
    boolean autoClose = true;
    int maxMsgSize = DEFAULT_MAX_MSG_SIZE;
    Boolean compress;
    double receiveTimeout;
    double closeTimeout = 10;
    double sendTimeout = 60;
    double messageTimeout = 60;
    int fragmentSize;
    double handshakeTimeout = 30;
    Headers headers = new Headers();
    TlsOptions tls;

    /** Options with the defaults each setting names. */
    public WebSocketOptions() {}

    /**
     * Subprotocols this side speaks, preferred first ({@code Sec-WebSocket-Protocol}); none by default.
     *
     * @param names the subprotocols, HTTP tokens
     * @return these options
     * @throws IllegalArgumentException if a name is not a token
     */
    public WebSocketOptions protocols(String... names) {
        for (String n : names) {
            if (n == null || n.isEmpty() || !n.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw new IllegalArgumentException("a subprotocol name must be an HTTP token, got \"" + n + "\"");
            }
        }
        protocols = List.of(names);
        return this;
    }

    /**
     * Sends a ping every {@code seconds} without traffic from the peer, and closes the connection (code 1006, an
     * ERROR message with a {@link io.jasyncio.TimeoutError}) when nothing comes back within half of it; 0 (the
     * default) sends none.
     *
     * @param seconds the interval, 0 for no heartbeat
     * @return these options
     */
    public WebSocketOptions heartbeat(double seconds) {
        heartbeat = nonNegative(seconds, "heartbeat");
        return this;
    }

    /**
     * Answers pings with pongs itself and delivers neither (default true); false delivers PING and PONG messages.
     *
     * @param on whether to answer pings itself
     * @return these options
     */
    public WebSocketOptions autoPing(boolean on) {
        autoPing = on;
        return this;
    }

    /**
     * Answers the peer's close frame itself (default true); false leaves it to {@link WebSocket#close}.
     *
     * @param on whether to answer the peer's close frame itself
     * @return these options
     */
    public WebSocketOptions autoClose(boolean on) {
        autoClose = on;
        return this;
    }

    /**
     * The largest message received, in bytes, compressed or once inflated (default 4 MiB); larger: close 1009.
     *
     * @param bytes the limit, 1 or more
     * @return these options
     * @throws IllegalArgumentException if {@code bytes} is less than 1
     */
    public WebSocketOptions maxMsgSize(int bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("maxMsgSize must be > 0 bytes, got " + bytes);
        maxMsgSize = bytes;
        return this;
    }

    /**
     * Whether to negotiate permessage-deflate (RFC 7692). Default: a server accepts it when offered (aiohttp's
     * {@code compress=True}), a client does not offer it (aiohttp's {@code compress=0}).
     *
     * @param on whether to negotiate permessage-deflate
     * @return these options
     */
    public WebSocketOptions compress(boolean on) {
        compress = on;
        return this;
    }

    /**
     * How long {@link WebSocket#receive()} waits before a {@link io.jasyncio.TimeoutError}; 0 (default): for ever.
     *
     * @param seconds the limit, 0 for none
     * @return these options
     */
    public WebSocketOptions receiveTimeout(double seconds) {
        receiveTimeout = nonNegative(seconds, "receiveTimeout");
        return this;
    }

    /**
     * How long close() waits for the peer's close frame before dropping the connection (default 10 s, as aiohttp).
     *
     * @param seconds the limit
     * @return these options
     */
    public WebSocketOptions closeTimeout(double seconds) {
        closeTimeout = positive(seconds, "closeTimeout");
        return this;
    }

    /**
     * How long a send may wait for a peer that takes no byte of what is buffered for it (default 60 s): then the
     * connection is dropped and the send fails. 0: for ever.
     *
     * @param seconds the limit, 0 for none
     * @return these options
     */
    public WebSocketOptions sendTimeout(double seconds) {
        sendTimeout = nonNegative(seconds, "sendTimeout");
        return this;
    }

    /**
     * How long a message (or control frame) may take to arrive once its first byte has (default 60 s): a peer
     * that trickles, or stops in the middle of a frame, is closed with 1008 then. 0: for ever.
     *
     * @param seconds the limit, 0 for none
     * @return these options
     */
    public WebSocketOptions messageTimeout(double seconds) {
        messageTimeout = nonNegative(seconds, "messageTimeout");
        return this;
    }

    /**
     * Sends messages longer than {@code bytes} as several frames of at most that many bytes; 0 (default): one frame.
     *
     * @param bytes the largest frame sent, 0 for one frame per message
     * @return these options
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public WebSocketOptions fragmentSize(int bytes) {
        if (bytes < 0) throw new IllegalArgumentException("fragmentSize must be >= 0, got " + bytes);
        fragmentSize = bytes;
        return this;
    }

    /**
     * Client: how long the connection and the opening handshake may take (default 30 s).
     *
     * @param seconds the limit
     * @return these options
     */
    public WebSocketOptions handshakeTimeout(double seconds) {
        handshakeTimeout = positive(seconds, "handshakeTimeout");
        return this;
    }

    /**
     * Client side, for {@code wss://}: the TLS options (a trust store of one's own, client certificates), as
     * aiohttp's {@code ws_connect(ssl=...)}; the host name to verify is the URL's unless the options name one.
     * Default: the session's connector's ({@code TcpConnector.tls}), else the JDK's trust store.
     *
     * @param options client TLS options, or null for the default
     * @return these options
     * @throws IllegalArgumentException if {@code options} are server-side options
     */
    public WebSocketOptions tls(TlsOptions options) {
        if (options != null && options.serverSide()) throw new IllegalArgumentException("a WebSocket client needs client TLS options (TlsOptions.client(...))");
        this.tls = options;
        return this;
    }

    /**
     * Client: a header to add to the opening handshake (an {@code Origin}, an {@code Authorization}, ...).
     *
     * @param name the header's name, a token
     * @param value the header's value
     * @return these options
     */
    public WebSocketOptions header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    private static double nonNegative(double v, String what) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " must be >= 0 seconds, got " + v);
        return v;
    }

    private static double positive(double v, String what) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " must be > 0 seconds, got " + v);
        return v;
    }
}
