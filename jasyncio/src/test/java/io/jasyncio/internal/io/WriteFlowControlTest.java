package io.jasyncio.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.WriteBufferLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one write-side flow-control component of every transport (SelectorTransport, PipeWriteTransport, TLS). */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WriteFlowControlTest {

    // asyncio's _FlowControlMixin: pause once the buffer is over high (not at it), resume once at or below low.
    @Test
    void transportPausesAboveHighAndResumesAtLow() {
        WriteFlowControl f = WriteFlowControl.forTransport(64 * 1024);
        f.setLimits(1000, 100);
        assertFalse(f.pauseNow(1000), "at the high-water mark: not over it");
        assertFalse(f.paused());
        assertTrue(f.pauseNow(1001));
        assertTrue(f.paused());
        assertFalse(f.pauseNow(5000), "already paused: said once per crossing");
        assertFalse(f.resumeNow(101), "above the low-water mark");
        assertTrue(f.resumeNow(100), "at the low-water mark");
        assertFalse(f.paused());
        assertFalse(f.resumeNow(0), "not paused: nothing to resume");
    }

    // asyncio's sslproto _control_app_writing: the application is paused at high already.
    @Test
    void tlsApplicationPausesAtHigh() {
        WriteFlowControl f = WriteFlowControl.forTlsApplication(512 * 1024);
        f.setLimits(1000, 100);
        assertFalse(f.pauseNow(999));
        assertTrue(f.pauseNow(1000));
        assertTrue(f.resumeNow(100));
    }

    // asyncio's set_write_buffer_limits defaults: high given, low = high / 4; low given, high = 4 * low.
    @Test
    void limitsDefaults() {
        WriteFlowControl f = WriteFlowControl.forTransport(64 * 1024);
        assertEquals(new WriteBufferLimits(16 * 1024, 64 * 1024), f.limits());
        f.setLimits(null, 1000);
        assertEquals(new WriteBufferLimits(1000, 4000), f.limits());
        f.setLimits(8000, null);
        assertEquals(new WriteBufferLimits(2000, 8000), f.limits());
        f.setLimits(0, null);
        assertEquals(new WriteBufferLimits(0, 0), f.limits());
        assertEquals(new WriteBufferLimits(128 * 1024, 512 * 1024), WriteFlowControl.forTlsApplication(512 * 1024).limits());
    }

    // test_transports.py: test_flowcontrol_mixin_set_write_limits's message, "high (%r) must be >= low (%r) must be >= 0".
    @Test
    void limitsValidationMessages() {
        WriteFlowControl f = WriteFlowControl.forTransport(64 * 1024);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.setLimits(0, 1));
        assertEquals("high (0) must be >= low (1) must be >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.setLimits(null, -1));
        assertEquals("high (-4) must be >= low (-1) must be >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new WriteBufferLimits(-1, 10));
        assertEquals("high (10) must be >= low (-1) must be >= 0", e.getMessage());
        assertEquals(new WriteBufferLimits(16 * 1024, 64 * 1024), f.limits(), "a refused setting changes nothing");
    }

    // A protocol whose pauseWriting/resumeWriting throws is reported to the loop's handler, not propagated.
    @Test
    void failingProtocolCallbackIsReported() {
        try (EventLoop loop = new EventLoop()) {
            List<ExceptionContext> reported = new ArrayList<>();
            loop.setExceptionHandler((l, c) -> reported.add(c));
            List<String> calls = new ArrayList<>();
            BaseProtocol p = new BaseProtocol() {
                @Override public void pauseWriting() { calls.add("pause"); throw new IllegalStateException("boom"); }
                @Override public void resumeWriting() { calls.add("resume"); }
            };
            WriteFlowControl.tell(p, true, loop, "the transport", p);
            WriteFlowControl.tell(p, false, loop, "the transport", p);
            assertEquals(List.of("pause", "resume"), calls);
            assertEquals(1, reported.size());
            assertEquals("protocol.pause_writing() failed", reported.get(0).message());
            assertEquals("the transport", reported.get(0).extra().get("transport"));
            assertEquals(p, reported.get(0).extra().get("protocol"));
        }
    }
}
