package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.WriteBufferLimits;

/**
 * The write side of flow control, once for every transport (asyncio's {@code _FlowControlMixin}, and
 * {@code SSLProtocol._control_app_writing} for TLS): the water marks, and whether the protocol has been told to
 * pause. After the buffer grows, {@link #pauseNow} says when the protocol must be paused (the buffered size went
 * over the high-water mark); after it drains, {@link #resumeNow} says when it must resume (the size is at or
 * below the low-water mark). Each says so once per crossing; {@link #tell} then calls the protocol.
 *
 * <p>TLS pauses its application at the high-water mark already ({@code size >= high}, as CPython's sslproto
 * does); the plain transports only above it ({@code size > high}, as {@code _FlowControlMixin}).
 *
 * <p>Threading: the loop's thread only.
 */
public final class WriteFlowControl {
    private final int defaultHigh;
    private final boolean pauseAtHigh;
    private WriteBufferLimits limits;
    private boolean paused;

    private WriteFlowControl(int defaultHigh, boolean pauseAtHigh) {
        this.defaultHigh = defaultHigh;
        this.pauseAtHigh = pauseAtHigh;
        this.limits = WriteBufferLimits.withDefaults(null, null, defaultHigh);
    }

    /** A transport's ({@code _FlowControlMixin}): pauses above the high-water mark, {@code defaultHigh} unless set. */
    public static WriteFlowControl forTransport(int defaultHigh) {
        return new WriteFlowControl(defaultHigh, false);
    }

    /** TLS's application side ({@code _control_app_writing}): pauses at the high-water mark already. */
    public static WriteFlowControl forTlsApplication(int defaultHigh) {
        return new WriteFlowControl(defaultHigh, true);
    }

    /** Asyncio's {@code set_write_buffer_limits(high, low)} with its defaults (see {@link WriteBufferLimits}). */
    public void setLimits(Integer high, Integer low) {
        limits = WriteBufferLimits.withDefaults(high, low, defaultHigh);
    }

    /** The current water marks. */
    public WriteBufferLimits limits() {
        return limits;
    }

    /** Whether the protocol has been told to pause writing and not yet to resume. */
    public boolean paused() {
        return paused;
    }

    /** The buffer holds {@code size} bytes: true if the protocol must be paused now (once per crossing). */
    public boolean pauseNow(long size) {
        if (paused || (pauseAtHigh ? size < limits.high() : size <= limits.high())) return false;
        paused = true;
        return true;
    }

    /** The buffer holds {@code size} bytes: true if the paused protocol must resume now (once per crossing). */
    public boolean resumeNow(long size) {
        if (!paused || size > limits.low()) return false;
        paused = false;
        return true;
    }

    /**
     * Calls {@code protocol.pauseWriting()} (or {@code resumeWriting()}); one that throws is reported to the
     * loop's exception handler, naming {@code transport} and {@code reportedProtocol}, as asyncio does.
     */
    public static void tell(BaseProtocol protocol, boolean pause, EventLoop loop, Object transport,
            Object reportedProtocol) {
        try {
            if (pause) protocol.pauseWriting();
            else protocol.resumeWriting();
        } catch (RuntimeException | Error e) {
            loop.callExceptionHandler(ExceptionContext.builder(pause ? "protocol.pause_writing() failed"
                    : "protocol.resume_writing() failed").exception(e).put("transport", transport)
                    .put("protocol", reportedProtocol).build());
        }
    }
}
