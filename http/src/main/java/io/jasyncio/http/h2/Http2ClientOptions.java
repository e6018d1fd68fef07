package io.jasyncio.http.h2;

/**
 * How a {@link io.jasyncio.http.ClientSession} speaks HTTP/2, and the bounds of its HTTP/2 connections against a
 * hostile server.
 *
 * @param alpn offer {@code h2} (then {@code http/1.1}) by ALPN on https connections; the server's choice is used
 * @param priorKnowledge speak HTTP/2 from the first byte on http:// connections (h2c with prior knowledge, RFC 9113
 *     §3.3): for servers known to speak it
 * @param upgrade offer {@code Upgrade: h2c} (RFC 7540 §3.2) with the first request (one without a body) on a new
 *     http:// connection: a {@code 101} makes the connection HTTP/2 and the response arrives as stream 1; any other
 *     answer keeps it HTTP/1.1, and the origin is remembered as HTTP/1.1 (not offered again). Ignored with
 *     {@code priorKnowledge}
 * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE: the decoded size of a response's header list, and the bound
 *     on its compressed header block
 * @param maxContinuationFrames CONTINUATION frames one header block may take before it is a flood
 * @param connectionWindow the receive window of the whole connection: response body bytes held unread, in all
 * @param streamWindow SETTINGS_INITIAL_WINDOW_SIZE: response body bytes held unread for one response
 * @param maxControlFramesPerSecond SETTINGS and PING frames the server may send in one second (as many in a burst)
 * @param settingsTimeout seconds the server has to send its SETTINGS after the connection is made
 *
 * <p>Threading: immutable.
 */
public record Http2ClientOptions(boolean alpn, boolean priorKnowledge, boolean upgrade, int maxHeaderListSize, int maxContinuationFrames,
                                 int connectionWindow, int streamWindow, int maxControlFramesPerSecond, double settingsTimeout) {
    /** h2 offered by ALPN over TLS; http:// stays HTTP/1.1. */
    public static final Http2ClientOptions DEFAULTS = new Http2ClientOptions(true, false, false, 64 * 1024, 32, 4 << 20, 1 << 20, 1000, 10.0);
    /** HTTP/1.1 only, as aiohttp. */
    public static final Http2ClientOptions OFF = DEFAULTS.withAlpn(false);
    /** {@link #DEFAULTS} with h2c by prior knowledge on http:// connections. */
    public static final Http2ClientOptions PRIOR_KNOWLEDGE = DEFAULTS.withPriorKnowledge(true);
    /** {@link #DEFAULTS} with h2c offered by {@code Upgrade: h2c} on http:// connections (as {@code curl --http2}). */
    public static final Http2ClientOptions UPGRADE = DEFAULTS.withUpgrade(true);

    /** Checks the bounds: an {@link IllegalArgumentException} names the options when one is out of range. */
    public Http2ClientOptions {
        if (maxHeaderListSize < 1024 || maxContinuationFrames < 1 || connectionWindow < 65_535 || streamWindow < 1
                || maxControlFramesPerSecond < 1 || !(settingsTimeout > 0)) {
            throw new IllegalArgumentException("HTTP/2 client options out of range: " + this);
        }
    }

    /** These options with h2 offered by ALPN on https ({@code on}) or not. */
    public Http2ClientOptions withAlpn(boolean on) {
        return new Http2ClientOptions(on, priorKnowledge, upgrade, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow,
                maxControlFramesPerSecond, settingsTimeout);
    }

    /** These options with h2c by prior knowledge on http:// ({@code on}) or not. */
    public Http2ClientOptions withPriorKnowledge(boolean on) {
        return new Http2ClientOptions(alpn, on, upgrade, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow,
                maxControlFramesPerSecond, settingsTimeout);
    }

    /** These options with {@code Upgrade: h2c} offered on http:// ({@code on}) or not. */
    public Http2ClientOptions withUpgrade(boolean on) {
        return new Http2ClientOptions(alpn, priorKnowledge, on, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow,
                maxControlFramesPerSecond, settingsTimeout);
    }

    /** The receive windows: of the connection, and of each stream. */
    public Http2ClientOptions withWindows(int connection, int stream) {
        return new Http2ClientOptions(alpn, priorKnowledge, upgrade, maxHeaderListSize, maxContinuationFrames, connection, stream,
                maxControlFramesPerSecond, settingsTimeout);
    }

    /** These options with SETTINGS_MAX_HEADER_LIST_SIZE {@code n} (bytes). */
    public Http2ClientOptions withMaxHeaderListSize(int n) {
        return new Http2ClientOptions(alpn, priorKnowledge, upgrade, n, maxContinuationFrames, connectionWindow, streamWindow,
                maxControlFramesPerSecond, settingsTimeout);
    }

    /** These options with {@code seconds} for the server's first SETTINGS. */
    public Http2ClientOptions withSettingsTimeout(double seconds) {
        return new Http2ClientOptions(alpn, priorKnowledge, upgrade, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow,
                maxControlFramesPerSecond, seconds);
    }
}
