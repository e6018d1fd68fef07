package io.jasyncio.http.h2;

/**
 * The bounds and timeouts of a server's HTTP/2 connections: what a client may hold and for how long.
 *
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: streams whose handlers run at once (a reset stream
 *     counts until its handler has ended); a stream over it is refused (RST_STREAM REFUSED_STREAM)
 * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE, and the bound on a header block's compressed bytes
 * @param maxContinuationFrames CONTINUATION frames one header block may take before it is a flood
 * @param connectionWindow the receive window of the whole connection: request body bytes held for handlers
 * @param streamWindow SETTINGS_INITIAL_WINDOW_SIZE: request body bytes held for one handler
 * @param maxResetsBurst and {@code maxResetsPerSecond}: streams the client may reset (a token bucket); past it the
 *     connection ends with GOAWAY ENHANCE_YOUR_CALM (rapid reset, CVE-2023-44487)
 * @param maxControlFramesPerSecond SETTINGS, PING, PRIORITY, WINDOW_UPDATE and empty DATA frames a client may send
 *     in one second (a burst of as many allowed); past it, GOAWAY ENHANCE_YOUR_CALM
 * @param idleTimeout seconds a connection with no stream open is kept; also the time the client has for its
 *     preface and for finishing a header block
 * @param sendTimeout seconds a response may wait for the client's flow-control window or to take what was written,
 *     before its stream (or, for the connection's window, the connection) is ended
 *
 * <p>Threading: immutable.
 */
public record Http2Options(int maxConcurrentStreams, int maxHeaderListSize, int maxContinuationFrames, int connectionWindow,
                           int streamWindow, int maxResetsBurst, int maxResetsPerSecond, int maxControlFramesPerSecond,
                           double idleTimeout, double sendTimeout) {
    public static final Http2Options DEFAULTS = new Http2Options(100, 64 * 1024, 32, 1 << 20, 65_535, 200, 100, 1000, 75.0, 60.0);

    public Http2Options {
        if (maxConcurrentStreams < 1 || maxHeaderListSize < 1024 || maxContinuationFrames < 1 || connectionWindow < 65_535
                || streamWindow < 1 || maxResetsBurst < 1 || maxResetsPerSecond < 1 || maxControlFramesPerSecond < 1
                || !(idleTimeout > 0) || !(sendTimeout > 0)) {
            throw new IllegalArgumentException("HTTP/2 options out of range: " + this);
        }
    }

    public Http2Options withMaxConcurrentStreams(int n) {
        return new Http2Options(n, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow, maxResetsBurst,
                maxResetsPerSecond, maxControlFramesPerSecond, idleTimeout, sendTimeout);
    }

    public Http2Options withMaxHeaderListSize(int n) {
        return new Http2Options(maxConcurrentStreams, n, maxContinuationFrames, connectionWindow, streamWindow, maxResetsBurst,
                maxResetsPerSecond, maxControlFramesPerSecond, idleTimeout, sendTimeout);
    }

    public Http2Options withResetLimit(int burst, int perSecond) {
        return new Http2Options(maxConcurrentStreams, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow,
                burst, perSecond, maxControlFramesPerSecond, idleTimeout, sendTimeout);
    }

    public Http2Options withTimeouts(double idle, double send) {
        return new Http2Options(maxConcurrentStreams, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow,
                maxResetsBurst, maxResetsPerSecond, maxControlFramesPerSecond, idle, send);
    }
}
