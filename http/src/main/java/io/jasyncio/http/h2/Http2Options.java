package io.jasyncio.http.h2;

/**
 * The bounds and timeouts of a server's HTTP/2 connections: what a client may hold and for how long.
 *
 * <p>Threading: immutable.
 *
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: streams whose handlers run at once (a reset stream
 *     counts until its handler has ended); a stream over it is refused (RST_STREAM REFUSED_STREAM)
 * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE, and the bound on a header block's compressed bytes
 * @param maxContinuationFrames CONTINUATION frames one header block may take before it is a flood
 * @param connectionWindow the receive window of the whole connection: request body bytes held for handlers
 * @param streamWindow SETTINGS_INITIAL_WINDOW_SIZE: request body bytes held for one handler
 * @param maxResetsBurst streams the client may reset in a burst (a token bucket, with {@code maxResetsPerSecond});
 *     past it the connection ends with GOAWAY ENHANCE_YOUR_CALM (rapid reset, CVE-2023-44487)
 * @param maxResetsPerSecond the rate the bucket of {@code maxResetsBurst} refills at, per second
 * @param maxControlFramesPerSecond SETTINGS, PING, PRIORITY, WINDOW_UPDATE and empty DATA frames a client may send
 *     in one second (a burst of as many allowed); past it, GOAWAY ENHANCE_YOUR_CALM
 * @param idleTimeout seconds a connection with no stream open is kept; also the time the client has for its
 *     preface and for finishing a header block
 * @param sendTimeout seconds a response may wait for the client's flow-control window or to take what was written,
 *     before its stream (or, for the connection's window, the connection) is ended
 */
public record Http2Options(int maxConcurrentStreams, int maxHeaderListSize, int maxContinuationFrames, int connectionWindow,
                           int streamWindow, int maxResetsBurst, int maxResetsPerSecond, int maxControlFramesPerSecond,
                           double idleTimeout, double sendTimeout) {
    public static final Http2Options DEFAULTS = new Http2Options(100, 64 * 1024, 32, 1 << 20, 65_535, 200, 100, 1000, 75.0, 60.0);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if a bound is out of range (a count below 1, a window below 65535, a header list
     *     below 1024, a timeout not above 0)
     */
    public Http2Options {
        if (maxConcurrentStreams < 1 || maxHeaderListSize < 1024 || maxContinuationFrames < 1 || connectionWindow < 65_535
                || streamWindow < 1 || maxResetsBurst < 1 || maxResetsPerSecond < 1 || maxControlFramesPerSecond < 1
                || !(idleTimeout > 0) || !(sendTimeout > 0)) {
            throw new IllegalArgumentException("HTTP/2 options out of range: " + this);
        }
    }

    /**
     * These options with another {@code maxConcurrentStreams}.
     *
     * @param n the streams handled at once, 1 or more
     * @return new options
     */
    public Http2Options withMaxConcurrentStreams(int n) {
        return new Http2Options(n, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow, maxResetsBurst,
                maxResetsPerSecond, maxControlFramesPerSecond, idleTimeout, sendTimeout);
    }

    /**
     * These options with another {@code maxHeaderListSize}.
     *
     * @param n the largest header list, 1024 or more
     * @return new options
     */
    public Http2Options withMaxHeaderListSize(int n) {
        return new Http2Options(maxConcurrentStreams, n, maxContinuationFrames, connectionWindow, streamWindow, maxResetsBurst,
                maxResetsPerSecond, maxControlFramesPerSecond, idleTimeout, sendTimeout);
    }

    /**
     * These options with another rapid-reset bucket.
     *
     * @param burst the resets allowed in a burst, 1 or more
     * @param perSecond the resets allowed per second, 1 or more
     * @return new options
     */
    public Http2Options withResetLimit(int burst, int perSecond) {
        return new Http2Options(maxConcurrentStreams, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow,
                burst, perSecond, maxControlFramesPerSecond, idleTimeout, sendTimeout);
    }

    /**
     * These options with other timeouts.
     *
     * @param idle the idle timeout in seconds, above 0
     * @param send the send timeout in seconds, above 0
     * @return new options
     */
    public Http2Options withTimeouts(double idle, double send) {
        return new Http2Options(maxConcurrentStreams, maxHeaderListSize, maxContinuationFrames, connectionWindow, streamWindow,
                maxResetsBurst, maxResetsPerSecond, maxControlFramesPerSecond, idle, send);
    }
}
