package io.jasyncio.tls;

import io.jasyncio.transport.Net;
import io.jasyncio.streams.Streams;
import io.jasyncio.internal.tls.SslAppTransport;
import io.jasyncio.internal.tls.SslProtocol;
import io.jasyncio.transport.ConnectOptions;
import static io.jasyncio.transport.NetTesting.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamReaderProtocol;
import io.jasyncio.tls.TlsTesting.PeerSocket;
import io.jasyncio.tls.TlsTesting.ThreadedClient;
import io.jasyncio.tls.TlsTesting.ThreadedServer;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Ports of test_ssl.py's shutdown and layering tests: close_notify exchanges, flushing before close_notify,
 * trailing data after the peer's close_notify or TCP EOF, TLS over TLS. Blocking JSSE peers on their threads.
 */
class SslShutdownTest {
    static final int CHUNK = 1024 * 128;
    static final int SIZE = 32;

    // ports test_ssl.py::TestSSL::test_shutdown_cleanly
    @Test
    void shutdownCleanly() throws Exception {
        int totalCnt = 5;
        byte[] aData = SslTest.filled((byte) 'A', 256 * 1024);
        SSLContext serverCtx = TlsTesting.serverContext();
        AtomicInteger cnt = new AtomicInteger();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            assertArrayEquals(aData, sock.recvAll(aData.length));
            sock.sendAll(b("OK"));
            // Python's unwrap(): send close_notify, then wait for the peer's
            sock.sock.shutdownOutput();
            assertEquals(0, sock.recvToEof());
        }, totalCnt, 10_000)) {
            List<ExceptionContext> messages = SslTest.run(() -> {
                List<Future<?>> tasks = new ArrayList<>();
                for (int i = 0; i < totalCnt; i++) {
                    tasks.add(Asyncio.createTask(() -> {
                        StreamPair rw = Streams.openConnection("127.0.0.1", srv.port(), StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(SslTest.clientTls().withHandshakeTimeout(10)));
                        rw.writer().write(aData);
                        assertArrayEquals(b("OK"), rw.reader().readexactly(2));
                        assertEquals(0, rw.reader().read().length, "close_notify reads as EOF");
                        cnt.incrementAndGet();
                        rw.writer().close();
                        rw.writer().waitClosed();
                        return null;
                    }));
                }
                Asyncio.await(Asyncio.gather(tasks, false));
                return null;
            });
            assertEquals(List.of(), messages);
        }
        assertEquals(totalCnt, cnt.get());
    }

    // ports test_ssl.py::TestSSL::test_flush_before_shutdown
    @Test
    void flushBeforeShutdown() throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            assertArrayEquals(b("ping"), sock.recvAll(4));
            sock.sendAll(b("pong"));
            assertEquals(CHUNK * SIZE, sock.recvAll(CHUNK * SIZE).length);
        })) {
            SslTest.run(() -> {
                StreamPair rw = Streams.openConnection("127.0.0.1", srv.port(), StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(SslTest.clientTls()));
                SslProtocol sslprotocol = ((SslAppTransport) rw.writer().transport()).sslProtocol();
                rw.writer().write(b("ping"));
                assertArrayEquals(b("pong"), rw.reader().readexactly(4));
                sslprotocol.pauseWriting();
                for (int i = 0; i < SIZE; i++) rw.writer().write(new byte[CHUNK]);
                rw.writer().close();
                sslprotocol.resumeWriting();
                try {
                    rw.writer().waitClosed();
                    assertEquals(0, rw.reader().read().length);
                } catch (Exception e) {
                    // the peer may close with a reset after its last read, as CPython's test allows
                    if (!(e instanceof IOException)) throw e;
                }
                return null;
            });
        }
    }

    /** A server that sends close_notify (or a TCP FIN), then must still receive all the client's trailing data. */
    private static void remoteShutdownReceivesTrailingData(boolean tcpEof) throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        CountDownLatch backlogFilled = new CountDownLatch(1);
        AtomicReference<Long> received = new AtomicReference<>();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            assertArrayEquals(b("ping"), sock.recvAll(4));
            sock.sendAll(b("pong"));
            assertTrue(backlogFilled.await(10, TimeUnit.SECONDS));
            if (tcpEof) {
                sock.plain.shutdownOutput(); // a plain EOF, no close_notify
                received.set((long) sock.recvAll(CHUNK * SIZE).length);
            } else {
                sock.sock.shutdownOutput(); // close_notify, without waiting for the answer
                received.set(sock.recvToEof()); // all the data, then the client's close_notify
            }
        })) {
            SslTest.run(() -> {
                StreamPair rw = Streams.openConnection("127.0.0.1", srv.port(), StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(SslTest.clientTls()));
                rw.writer().write(b("ping"));
                assertArrayEquals(b("pong"), rw.reader().readexactly(4));
                // fill the write backlog behind the layer's back (CPython: _test__append_write_backlog)
                SslProtocol ssl = ((SslAppTransport) rw.writer().transport()).sslProtocol();
                for (int i = 0; i < SIZE; i++) ssl.testAppendWriteBacklog(ByteBuffer.wrap(new byte[CHUNK]));
                backlogFilled.countDown();
                try {
                    assertEquals(0, rw.reader().read().length);
                } catch (Exception e) {
                    // BrokenPipe / ConnectionReset are accepted by CPython's test
                    if (!(e instanceof IOException)) throw e;
                }
                rw.writer().close();
                try {
                    rw.writer().waitClosed();
                } catch (Exception e) {
                    // as above
                    if (!(e instanceof IOException)) throw e;
                }
                return null;
            });
        }
        assertEquals(CHUNK * SIZE, received.get());
    }

    // ports test_ssl.py::TestSSL::test_remote_shutdown_receives_trailing_data
    @Test
    void remoteShutdownReceivesTrailingData() throws Exception {
        remoteShutdownReceivesTrailingData(false);
        remoteShutdownReceivesTrailingData(true);
    }

    // ports test_ssl.py::TestSSL::test_shutdown_timeout_handler_not_set
    @Test
    void shutdownTimeoutHandlerNotSet() throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        AtomicReference<Runnable> signalEof = new AtomicReference<>();
        AtomicReference<byte[]> extra = new AtomicReference<>();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            sock.sendAll(b("hello"));
            assertArrayEquals(b("world"), sock.recvAll(5));
            sock.sendAll(b("extra bytes"));
            sock.plain.shutdownOutput(); // EOF without close_notify
            signalEof.get().run();
            try {
                sock.recvToEof();
            } catch (IOException e) {
                // the client closes without close_notify (it saw a plain EOF): JSSE may call that an error
            }
        })) {
            SslTest.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Void> eof = loop.createFuture();
                signalEof.set(() -> loop.callSoonThreadsafe(() -> eof.setResult(null)));
                Future<Void> fut = loop.createFuture();
                Connection<Protocol> c = Net.createConnection(() -> new Protocol() {
                    Transport transport;

                    @Override
                    public void connectionMade(BaseTransport t) {
                        transport = (Transport) t;
                    }

                    @Override
                    public void dataReceived(ByteBuffer data) {
                        byte[] d = new byte[data.remaining()];
                        data.get(d);
                        if (new String(d).equals("hello")) {
                            transport.write(b("world"));
                            // paused reading keeps the incoming data in the TLS layer
                            transport.pauseReading();
                        } else {
                            extra.set(d);
                        }
                    }

                    @Override
                    public void connectionLost(Throwable exc) {
                        if (exc == null) fut.setResult(null);
                        else fut.setException(exc);
                    }
                }, "127.0.0.1", srv.port(), ConnectOptions.overTls(SslTest.clientTls()));
                Asyncio.await(eof);
                c.transport().resumeReading();
                Asyncio.await(fut);
                c.transport().close();
                return null;
            });
        }
        assertArrayEquals(b("extra bytes"), extra.get());
    }

    // ports test_ssl.py::TestSSL::test_create_server_ssl_over_ssl
    @Test
    void createServerSslOverSsl() throws Exception {
        int totalCnt = 3;
        byte[] aData = SslTest.filled((byte) 'A', 64 * 1024);
        byte[] bData = SslTest.filled((byte) 'B', 64 * 1024);
        TlsOptions outerTls = SslTest.serverTls();
        TlsOptions innerTls = SslTest.serverTls();
        SSLContext clientCtx1 = TlsTesting.insecureClientContext();
        SSLContext clientCtx2 = TlsTesting.insecureClientContext();
        AtomicInteger cnt = new AtomicInteger();
        SslTest.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            StreamReaderProtocol.ClientConnected handleClient = (reader, writer) -> {
                assertArrayEquals(aData, reader.readexactly(aData.length));
                writer.write(b("OK"));
                assertArrayEquals(bData, reader.readexactly(bData.length));
                writer.writelines(List.of(b("SP"), b("A"), b("M")));
                writer.drain();
                writer.close();
                cnt.incrementAndGet();
            };
            // the protocol of the outer TLS connection upgrades it again (TLS in TLS) before serving streams
            class ServerProtocol extends StreamReaderProtocol {
                ServerProtocol() {
                    super(new StreamReader(), handleClient);
                }

                @Override
                public void connectionMade(BaseTransport transport) {
                    Transport tr = (Transport) transport;
                    tr.pauseReading();
                    Task<Transport> fut = loop.createTask(() -> Tls.startTls(tr, this, innerTls));
                    fut.addDoneCallback(f -> {
                        if (f.exception() != null) super.connectionLost(f.exception());
                        else super.connectionMade(f.result());
                    });
                }
            }
            Server srv = Net.createServer(ServerProtocol::new, "127.0.0.1", 0, ServerOptions.DEFAULTS.withTls(outerTls));
            try {
                int port = ((InetSocketAddress) srv.getSockets().get(0).getLocalAddress()).getPort();
                List<ThreadedClient> clients = new ArrayList<>();
                for (int i = 0; i < totalCnt; i++) {
                    clients.add(new ThreadedClient(port, sock -> {
                        sock.startTls(clientCtx1, false);
                        // the second level over the first: an SSLSocket layered on an SSLSocket
                        Socket outer = sock.sock;
                        SSLSocket inner = (SSLSocket) clientCtx2.getSocketFactory().createSocket(outer, "localhost", port, true);
                        inner.setUseClientMode(true);
                        inner.startHandshake();
                        inner.getOutputStream().write(aData);
                        InputStream in = inner.getInputStream();
                        assertArrayEquals(b("OK"), in.readNBytes(2));
                        inner.getOutputStream().write(bData);
                        assertArrayEquals(b("SPAM"), in.readNBytes(4));
                        assertEquals(-1, in.read(), "the server closed the inner TLS session");
                        inner.close();
                    }));
                }
                for (ThreadedClient c : clients) Asyncio.toThread(() -> {
                    c.join();
                    return null;
                });
            } finally {
                srv.close();
                srv.waitClosed();
            }
            return null;
        });
        assertEquals(totalCnt, cnt.get());
    }
}
