package io.jasyncio.tls;

import io.jasyncio.transport.Net;
import io.jasyncio.transport.ConnectOptions;
import static io.jasyncio.transport.NetTesting.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.internal.io.ReadBuffer;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.Streams;
import io.jasyncio.tls.TlsTesting.ThreadedServer;
import io.jasyncio.transport.BufferedProtocol;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.ReadBufferLimits;
import io.jasyncio.transport.WriteBufferLimits;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Server names, flow control, bulk data and the shutdown timeout of TLS connections. */
class TlsFlowTest {

    // ports test_base_events.py::BaseEventLoopWithSelectorTests::test_create_connection_ssl_server_hostname_default
    @Test
    void serverHostnameDefaultsToTheHost() {
        List<ExceptionContext> messages = SslTest.run(() -> {
            Server server = Net.createServer(() -> new Protocol() {}, "127.0.0.1", 0, ServerOptions.DEFAULTS.withTls(SslTest.serverTls()));
            int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            TlsOptions verified = TlsOptions.client(TlsTesting.clientContext());
            // the default name is the host: "localhost" matches the certificate
            Connection<Protocol> c1 = Net.createConnection(() -> new Protocol() {}, "localhost", port, ConnectOptions.overTls(verified));
            c1.transport().close();
            // an explicit name wins over the host
            Connection<Protocol> c2 = Net.createConnection(() -> new Protocol() {}, "127.0.0.1", port, ConnectOptions.overTls(verified.withServerHostname("localhost")));
            c2.transport().close();
            assertThrows(SSLHandshakeException.class, () -> Net.createConnection(() -> new Protocol() {}, "localhost", port, ConnectOptions.overTls(verified.withServerHostname("perl.com"))));
            // an empty name with the check off: no SNI, no name check
            Connection<Protocol> c3 = Net.createConnection(() -> new Protocol() {}, "127.0.0.1", port, ConnectOptions.overTls(verified.withServerHostname("").withCheckHostname(false)));
            c3.transport().close();
            server.close();
            return null;
        });
        assertEquals(List.of(), messages);
    }

    /** A peer that reads nothing until told to, then reads everything and checks its digest. */
    @Test
    void writeFlowControlPausesAndResumesTheApplication() throws Exception {
        int total = 24 * 1024 * 1024; // more than the kernel's loopback buffers hold
        byte[] data = new byte[total];
        new Random(7).nextBytes(data);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
        SSLContext serverCtx = TlsTesting.serverContext();
        CountDownLatch startReading = new CountDownLatch(1);
        AtomicReference<byte[]> got = new AtomicReference<>();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            assertTrue(startReading.await(10, TimeUnit.SECONDS));
            got.set(MessageDigest.getInstance("SHA-256").digest(sock.recvAll(total)));
        })) {
            SslTest.run(() -> {
                AtomicInteger pauses = new AtomicInteger(), resumes = new AtomicInteger();
                Future<Void> lost = Asyncio.getRunningLoop().createFuture();
                Connection<Protocol> c = Net.createConnection(() -> new Protocol() {
                    @Override
                    public void connectionLost(Throwable exc) {
                        lost.setResult(null);
                    }

                    @Override
                    public void pauseWriting() {
                        pauses.incrementAndGet();
                    }

                    @Override
                    public void resumeWriting() {
                        resumes.incrementAndGet();
                    }
                }, "127.0.0.1", srv.port(), ConnectOptions.overTls(SslTest.clientTls()));
                SslTransport t = (SslTransport) c.transport();
                t.setWriteBufferLimits(256 * 1024, 64 * 1024);
                assertEquals(new WriteBufferLimits(64 * 1024, 256 * 1024), t.getWriteBufferLimits());
                ByteBuffer src = ByteBuffer.wrap(data);
                // write in 64 KiB pieces until the TLS layer holds data back and pauses us
                while (src.hasRemaining() && pauses.get() == 0) {
                    ByteBuffer piece = src.slice(src.position(), Math.min(65536, src.remaining()));
                    t.write(piece);
                    src.position(src.position() + piece.capacity());
                    Asyncio.sleep(0);
                }
                assertEquals(1, pauses.get(), "the peer does not read: the application is paused");
                assertTrue(t.getWriteBufferSize() >= 256 * 1024, "buffered: " + t.getWriteBufferSize());
                startReading.countDown();
                while (resumes.get() == 0) Asyncio.sleep(0.001);
                assertTrue(t.getWriteBufferSize() <= 64 * 1024);
                t.write(src);
                t.close();
                Asyncio.await(lost);
                return null;
            });
        }
        assertArrayEquals(digest, got.get(), "every byte arrived, in order");
    }

    @Test
    void pausedReadingStopsReadingTheSocket() throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        int total = 2 * 1024 * 1024;
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            sock.sendAll(new byte[total]);
            sock.recvAll(2);
        })) {
            SslTest.run(() -> {
                AtomicInteger received = new AtomicInteger();
                Future<Void> lost = Asyncio.getRunningLoop().createFuture();
                Connection<Protocol> c = Net.createConnection(() -> new Protocol() {
                    @Override
                    public void connectionLost(Throwable exc) {
                        lost.setResult(null);
                    }

                    @Override
                    public void dataReceived(ByteBuffer data) {
                        received.addAndGet(data.remaining());
                        data.position(data.limit());
                    }
                }, "127.0.0.1", srv.port(), ConnectOptions.overTls(SslTest.clientTls()));
                SslTransport t = (SslTransport) c.transport();
                // asyncio's defaults (256 KiB, a quarter) and set_read_buffer_limits' defaults and checks
                assertEquals(new ReadBufferLimits(64 * 1024, 256 * 1024), t.getReadBufferLimits());
                t.setReadBufferLimits(null, 1000);
                assertEquals(new ReadBufferLimits(1000, 4000), t.getReadBufferLimits());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.setReadBufferLimits(1, 2));
                assertEquals("high (1) must be >= low (2) must be >= 0", e.getMessage());
                t.setReadBufferLimits(null, null);
                t.pauseReading();
                assertFalse(t.isReading());
                int before = received.get();
                // wait until the TLS layer has stopped reading the socket: ciphertext piles up to the high-water mark
                while (t.getReadBufferSize() < t.getReadBufferLimits().high()) Asyncio.sleep(0.001);
                Asyncio.sleep(0.05);
                assertEquals(before, received.get(), "nothing was delivered while paused");
                assertTrue(t.getReadBufferSize() < t.getReadBufferLimits().high() + 2 * ReadBuffer.SIZE,
                        "the socket is no longer read: " + t.getReadBufferSize());
                t.resumeReading();
                while (received.get() < total) Asyncio.sleep(0.001);
                assertEquals(total, received.get());
                t.write(b("ok"));
                t.close();
                Asyncio.await(lost);
                return null;
            });
        }
    }

    @Test
    void bufferedProtocolReceivesBulkDataThroughASmallBuffer() throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        byte[] data = new byte[1024 * 1024 + 17];
        new Random(3).nextBytes(data);
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            sock.sendAll(data);
            sock.sock.shutdownOutput(); // close_notify
            sock.recvToEof();
        })) {
            SslTest.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<byte[]> all = loop.createFuture();
                Future<Void> lost = loop.createFuture();
                ByteArrayOutputStream acc = new ByteArrayOutputStream();
                Net.createConnection(() -> new BufferedProtocol() {
                    final ByteBuffer buf = ByteBuffer.allocate(1000);

                    @Override
                    public void connectionLost(Throwable exc) {
                        lost.setResult(null);
                    }

                    @Override
                    public ByteBuffer getBuffer(int sizeHint) {
                        return buf.clear();
                    }

                    @Override
                    public void bufferUpdated(int nbytes) {
                        acc.write(buf.array(), 0, nbytes);
                    }

                    @Override
                    public boolean eofReceived() {
                        all.setResult(acc.toByteArray());
                        return false;
                    }
                }, "127.0.0.1", srv.port(), ConnectOptions.overTls(SslTest.clientTls()));
                assertArrayEquals(data, Asyncio.await(all));
                Asyncio.await(lost); // close_notify answered, connection closed by the TLS layer
                return null;
            });
        }
    }

    @Test
    void shutdownTimeoutClosesAfterASilentPeer() throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        CountDownLatch clientDone = new CountDownLatch(1);
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            sock.sendAll(b("hi"));
            // never answers close_notify: stays silent until the client has given up
            assertTrue(clientDone.await(10, TimeUnit.SECONDS));
        })) {
            // real clock: on a virtual one the handshake's own timer would fire while waiting for the peer
            SslTest.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Throwable> lost = loop.createFuture();
                Future<Void> hi = loop.createFuture();
                Connection<Protocol> c = Net.createConnection(() -> new Protocol() {
                    @Override
                    public void dataReceived(ByteBuffer data) {
                        data.position(data.limit());
                        if (!hi.done()) hi.setResult(null);
                    }

                    @Override
                    public void connectionLost(Throwable exc) {
                        lost.setResult(exc);
                    }
                }, "127.0.0.1", srv.port(), ConnectOptions.overTls(SslTest.clientTls().withShutdownTimeout(0.3)));
                Asyncio.await(hi);
                c.transport().close();
                Throwable exc = Asyncio.await(lost);
                TimeoutError e = assertInstanceOf(TimeoutError.class, exc);
                assertTrue(e.getMessage().contains("SSL shutdown timed out"), e.getMessage());
                clientDone.countDown();
                return null;
            });
        }
    }

    @Test
    void handshakeTimeoutErrorReachesTheServerConnectionOnly() throws Exception {
        // a client that connects and never speaks: the server drops it at the handshake timeout, and serves others
        List<ExceptionContext> messages = SslTest.run(() -> {
            AtomicInteger served = new AtomicInteger();
            Server server = Streams.startServer((r, w) -> {
                served.incrementAndGet();
                w.write(r.readline());
                w.close();
            }, "127.0.0.1", 0, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS.withTls(SslTest.serverTls().withHandshakeTimeout(2)));
            int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            StreamPair silent = Streams.openConnection("127.0.0.1", port);
            assertEquals(0, silent.reader().read().length, "the server closed the silent connection");
            StreamPair rw = Streams.openConnection("127.0.0.1", port, StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(TlsOptions.client(TlsTesting.clientContext()).withServerHostname("localhost")));
            rw.writer().write(b("x\n"));
            assertArrayEquals(b("x\n"), rw.reader().readline());
            assertEquals(1, served.get());
            silent.writer().close();
            rw.writer().close();
            server.close();
            return null;
        });
        assertEquals(List.of(), messages);
    }
}
