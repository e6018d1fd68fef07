package io.jasyncio.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.tls.TlsOptions;
import io.jasyncio.tls.TlsTesting;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.NetTesting;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import io.jasyncio.transport.WriteBufferLimits;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ports of test_sslproto.py's {@code SslProtoHandshakeTests}: the TLS layer alone, over a recording stand-in
 * for the plain transport (CPython uses mocks), with a real engine whose handshake waits for a server that
 * never answers.
 */
class SslProtoHandshakeTest {

    /** Records what the TLS layer does to the plain transport. */
    static final class RecordingTransport implements Transport {
        final List<byte[]> writes = new ArrayList<>();
        final Map<String, Object> extra = new HashMap<>();
        int aborts, closes, pauses, resumes;
        BaseProtocol protocol;

        RecordingTransport() {
            extra.put("socket", new Object());
            extra.put("peername", new InetSocketAddress("127.0.0.1", 4433));
        }

        @Override public Object getExtraInfo(String name) { return extra.get(name); }
        @Override public boolean isClosing() { return closes + aborts > 0; }
        @Override public void close() { closes++; }
        @Override public void setProtocol(BaseProtocol p) { protocol = p; }
        @Override public BaseProtocol getProtocol() { return protocol; }
        @Override public boolean isReading() { return pauses == resumes; }
        @Override public void pauseReading() { pauses++; }
        @Override public void resumeReading() { resumes++; }
        @Override public void setWriteBufferLimits(Integer high, Integer low) {}
        @Override public WriteBufferLimits getWriteBufferLimits() { return new WriteBufferLimits(0, 0); }
        @Override public long getWriteBufferSize() { return 0; }
        @Override public void write(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            writes.add(b);
        }
        @Override public void writelines(List<ByteBuffer> data) { data.forEach(this::write); }
        @Override public void writeEof() {}
        @Override public boolean canWriteEof() { return true; }
        @Override public void abort() { aborts++; }
    }

    private static SslProtocol sslProtocol(Future<Void> waiter, BaseProtocol proto) {
        TlsOptions tls = TlsOptions.client(TlsTesting.clientContext()).withServerHostname("localhost")
                .withHandshakeTimeout(0.1);
        SslProtocol p = new SslProtocol(Asyncio.getRunningLoop(), proto, tls, "localhost", 4433, waiter, true);
        assertSame(proto, p.appTransport().getProtocol());
        return p;
    }

    private static SslProtocol sslProtocol(Future<Void> waiter) {
        return sslProtocol(waiter, new Protocol() {});
    }

    private static RecordingTransport connectionMade(SslProtocol p) {
        RecordingTransport t = new RecordingTransport();
        p.connectionMade(t);
        return t;
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_handshake_timeout_zero
    @Test
    void handshakeTimeoutZero() {
        TlsOptions tls = TlsOptions.client(TlsTesting.clientContext());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tls.withHandshakeTimeout(0));
        assertTrue(e.getMessage().contains("a positive number"), e.getMessage());
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_handshake_timeout_negative
    @Test
    void handshakeTimeoutNegative() {
        TlsOptions tls = TlsOptions.client(TlsTesting.clientContext());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tls.withHandshakeTimeout(-10));
        assertTrue(e.getMessage().contains("a positive number"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tls.withShutdownTimeout(0));
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_eof_received_waiter
    @Test
    void eofReceivedWaiter() {
        io.jasyncio.TestLoops.run(() -> {
            Future<Void> waiter = Asyncio.getRunningLoop().createFuture();
            SslProtocol p = sslProtocol(waiter);
            RecordingTransport t = connectionMade(p);
            assertEquals(1, t.writes.size(), "the ClientHello went out");
            p.eofReceived();
            Asyncio.sleep(0);
            SocketException e = assertInstanceOf(SocketException.class, waiter.exception());
            assertTrue(e.getMessage().contains("127.0.0.1:4433"), e.getMessage());
            return null;
        });
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_fatal_error_no_name_error
    @Test
    void fatalErrorWithoutException() {
        List<ExceptionContext> messages = io.jasyncio.TestLoops.runCollectingErrors(() -> {
            SslProtocol p = sslProtocol(Asyncio.getRunningLoop().createFuture());
            p.fatalError(null, "Fatal error on transport");
            return null;
        });
        assertEquals(1, messages.size());
        assertEquals("Fatal error on transport", messages.get(0).message());
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_connection_lost
    @Test
    void connectionLostWakesTheWaiter() {
        io.jasyncio.TestLoops.run(() -> {
            Future<Void> waiter = Asyncio.getRunningLoop().createFuture();
            SslProtocol p = sslProtocol(waiter);
            connectionMade(p);
            SocketException aborted = new SocketException("aborted");
            p.connectionLost(aborted);
            Asyncio.sleep(0);
            assertSame(aborted, waiter.exception());
            return null;
        });
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_close_during_handshake
    @Test
    void closeDuringHandshakeAbortsThePlainTransport() {
        io.jasyncio.TestLoops.run(() -> {
            Future<Void> waiter = Asyncio.getRunningLoop().createFuture();
            SslProtocol p = sslProtocol(waiter);
            RecordingTransport t = connectionMade(p);
            Asyncio.sleep(0);
            p.appTransport().close();
            assertEquals(1, t.aborts);
            return null;
        });
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_close_during_ssl_over_ssl
    @Test
    void closeDuringSslOverSsl() {
        List<ExceptionContext> messages = new ArrayList<>();
        io.jasyncio.TestLoops.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            SslProtocol inner = sslProtocol(null);
            SslProtocol outer = sslProtocol(null, inner);
            connectionMade(outer);
            loop.setExceptionHandler((l, ctx) -> messages.add(ctx));
            outer.appTransport().close();
            Asyncio.sleep(0);
            return null;
        });
        assertEquals(List.of(), messages);
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_get_extra_info_on_closed_connection
    @Test
    void getExtraInfoOnClosedConnection() {
        io.jasyncio.TestLoops.run(() -> {
            Future<Void> waiter = Asyncio.getRunningLoop().createFuture();
            SslProtocol p = sslProtocol(waiter);
            assertNull(p.getExtraInfo("socket"));
            Object dflt = new Object();
            assertSame(dflt, p.appTransport().getExtraInfo("socket", dflt));
            assertNotNull(p.getExtraInfo("sslcontext"));
            RecordingTransport t = connectionMade(p);
            assertSame(t.extra.get("socket"), p.getExtraInfo("socket"));
            p.connectionLost(null);
            assertNull(p.getExtraInfo("socket"));
            // lost during the handshake: the waiter fails (asyncio would report success)
            assertInstanceOf(SocketException.class, waiter.exception());
            return null;
        });
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_set_new_app_protocol
    @Test
    void setNewAppProtocol() {
        io.jasyncio.TestLoops.run(() -> {
            SslProtocol p = sslProtocol(Asyncio.getRunningLoop().createFuture());
            Protocol next = new Protocol() {};
            p.appTransport().setProtocol(next);
            assertSame(next, p.appTransport().getProtocol());
            assertSame(next, p.appProtocol());
            return null;
        });
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_data_received_after_closing
    @Test
    void dataReceivedAfterClosing() {
        io.jasyncio.TestLoops.run(() -> {
            SslProtocol p = sslProtocol(null);
            connectionMade(p);
            p.appTransport().close();
            ByteBuffer buf = p.getBuffer(-1);
            buf.put(new byte[5]);
            p.bufferUpdated(5); // must not throw
            assertEquals(SslProtocol.State.UNWRAPPED, p.state);
            return null;
        });
    }

    // ports test_sslproto.py::SslProtoHandshakeTests::test_write_after_closing
    @Test
    void writeAfterClosing() {
        io.jasyncio.TestLoops.run(() -> {
            SslProtocol p = sslProtocol(null);
            RecordingTransport t = connectionMade(p);
            int before = t.writes.size();
            SslAppTransport tr = p.appTransport();
            tr.close();
            ByteBuffer data = ByteBuffer.wrap(new byte[] {'d', 'a', 't', 'a'});
            tr.write(data); // must not throw
            assertEquals(0, data.remaining(), "the bytes are consumed (dropped)");
            assertEquals(before, t.writes.size());
            return null;
        });
    }

    // Our own: the handshake timeout aborts the connection at exactly its deadline, with an error naming the peer.
    @Test
    void handshakeTimeoutFiresAtItsDeadline() {
        io.jasyncio.TestLoops.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> waiter = loop.createFuture();
            SslProtocol p = sslProtocol(waiter);
            RecordingTransport t = connectionMade(p);
            Asyncio.sleep(0.0999);
            assertEquals(0, t.aborts);
            Asyncio.sleep(0.0002);
            assertEquals(1, t.aborts, "the layer force-closed the plain transport");
            return null;
        });
    }
}
