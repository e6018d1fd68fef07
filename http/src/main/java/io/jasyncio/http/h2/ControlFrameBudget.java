package io.jasyncio.http.h2;

/**
 * The per-second budget of control frames a peer may make us answer or process (SETTINGS, PING, PRIORITY, …): a
 * token bucket of {@code perSecond} tokens refilled continuously; an empty bucket is a flood, a connection error
 * (ENHANCE_YOUR_CALM) — the defence against the SETTINGS and PING floods (CVE-2019-9512, -9515), the same on both
 * ends of a connection.
 *
 * <p>Threading: the connection's (its loop's) only.
 */
final class ControlFrameBudget {
    private final int perSecond;
    private double tokens;
    private double stamp;

    ControlFrameBudget(int perSecond, double now) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.stamp = now;
    }

    /** Starts counting from {@code now} (loop time, seconds), the bucket full. */
    void restart(double now) {
        tokens = perSecond;
        stamp = now;
    }

    /** Takes one token for a frame of kind {@code what} at {@code now}; none left is a flood. */
    void spend(double now, String what) {
        tokens = Math.min(perSecond, tokens + (now - stamp) * perSecond);
        stamp = now;
        if (--tokens < 0) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "more than " + perSecond + " control frames a second (" + what + " flood)");
        }
    }
}
