package io.jasyncio.tls;

import io.jasyncio.transport.ConnectOptions;
import static io.jasyncio.transport.NetTesting.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Runner;
import io.jasyncio.TestLoops;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.Streams;
import io.jasyncio.tls.TlsTesting.PeerSocket;
import io.jasyncio.tls.TlsTesting.ThreadedClient;
import io.jasyncio.tls.TlsTesting.ThreadedServer;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.BufferedProtocol;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.NetTesting;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Ports of the transport-level tests of test_ssl.py ({@code TestSSL}), test_sslproto.py ({@code BaseStartTLS})
 * and the TLS cases of test_events.py, test_streams.py and test_base_events.py: jasyncio TLS clients and servers
 * against blocking JSSE peers on their own threads (CPython's threaded test servers). Everything on loopback,
 * every socket with a read timeout, every test bounded by an overall timeout. Tests whose point is a time-out
 * run on a virtual clock: the loop jumps to the deadline as soon as it has nothing else to do.
 */
class SslTest {
    static final int PAYLOAD_SIZE = 1024 * 100;
    static final byte[] HELLO_MSG = filled((byte) '1', PAYLOAD_SIZE);
    static final double TIMEOUT = 20.0;

    static byte[] filled(byte c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, c);
        return b;
    }

    /** Runs {@code main} on a real-time loop, bounded by {@link #TIMEOUT}; returns the exception-handler reports. */
    static List<ExceptionContext> run(Coroutine<?> main) {
        return NetTesting.runCollectingErrors(() -> Asyncio.waitFor(main, TIMEOUT));
    }

    /**
     * Runs {@code main} on a virtual-clock loop; returns the exception-handler reports. Not
     * {@link TestLoops#runCollectingErrors}: these tests wait for peer threads, and while the loop waits the
     * virtual clock would jump to that helper's deadlock timer and cancel the test.
     */
    static List<ExceptionContext> runVirtual(Coroutine<?> main) {
        List<ExceptionContext> messages = new ArrayList<>();
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            r.run(() -> {
                Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> messages.add(ctx));
                return main.call();
            });
        }
        return messages;
    }

    static TlsOptions serverTls() {
        return TlsOptions.server(TlsTesting.serverContext());
    }

    /** CPython's {@code simple_client_sslcontext()}: no verification, {@code server_hostname=''}. */
    static TlsOptions clientTls() {
        return TlsTesting.clientNoHostname(TlsTesting.insecureClientContext());
    }

    /** asyncio's test {@code MyBaseProto}: counts bytes and checks the order of the callbacks. */
    static class MyProto implements Protocol {
        final Future<Void> connected;
        final Future<Void> done;
        Transport transport;
        String state = "INITIAL";
        int nbytes;

        MyProto() {
            EventLoop loop = Asyncio.getRunningLoop();
            connected = loop.createFuture();
            done = loop.createFuture();
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            assertEquals("INITIAL", state);
            state = "CONNECTED";
            connected.setResult(null);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            assertEquals("CONNECTED", state);
            nbytes += data.remaining();
            data.position(data.limit());
        }

        @Override
        public boolean eofReceived() {
            assertEquals("CONNECTED", state);
            state = "EOF";
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {
            assertTrue(state.equals("CONNECTED") || state.equals("EOF"), state);
            state = "CLOSED";
            transport = null;
            done.setResult(null);
        }
    }

    /** A protocol that reports its first data and its EOF on futures (BaseStartTLS's {@code ClientProto}). */
    static class ClientProto implements Protocol {
        final Future<byte[]> onData;
        final Future<Boolean> onEof;
        int conMadeCnt;

        ClientProto(Future<byte[]> onData, Future<Boolean> onEof) {
            this.onData = onData;
            this.onEof = onEof;
        }

        @Override
        public void connectionMade(BaseTransport t) {
            conMadeCnt++;
            assertEquals(1, conMadeCnt, "connectionMade is called only once");
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            if (!onData.done()) onData.setResult(b);
        }

        @Override
        public boolean eofReceived() {
            if (!onEof.done()) onEof.setResult(true);
            return false;
        }
    }

    // ================================================================ servers and clients

    // ports test_ssl.py::TestSSL::test_create_server_ssl_1
    @Test
    void createServerSsl1() throws Exception {
        int totalCnt = 5;
        byte[] aData = filled((byte) 'A', 256 * 1024);
        byte[] bData = filled((byte) 'B', 256 * 1024);
        AtomicInteger cnt = new AtomicInteger();
        SSLContext clientCtx = TlsTesting.insecureClientContext();
        run(() -> {
            Server srv = Streams.startServer((reader, writer) -> {
                assertArrayEquals(aData, reader.readexactly(aData.length));
                writer.write(b("OK"));
                assertArrayEquals(bData, reader.readexactly(bData.length));
                writer.writelines(List.of(b("SP"), b("A"), b("M")));
                writer.drain();
                writer.close();
                cnt.incrementAndGet();
            }, "127.0.0.1", 0, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS.withTls(serverTls().withHandshakeTimeout(10)));
            try {
                int port = ((InetSocketAddress) srv.getSockets().get(0).getLocalAddress()).getPort();
                List<ThreadedClient> clients = new ArrayList<>();
                for (int i = 0; i < totalCnt; i++) {
                    clients.add(new ThreadedClient(port, sock -> {
                        sock.startTls(clientCtx, false);
                        sock.sendAll(aData);
                        assertArrayEquals(b("OK"), sock.recvAll(2));
                        sock.sendAll(bData);
                        assertArrayEquals(b("SPAM"), sock.recvAll(4));
                    }));
                }
                for (ThreadedClient c : clients) Asyncio.toThread(() -> { c.join(); return null; });
            } finally {
                srv.close();
                srv.waitClosed();
            }
            return null;
        });
        assertEquals(totalCnt, cnt.get());
    }

    private static void createConnectionSsl1(boolean overSock) throws Exception {
        int totalCnt = 5;
        byte[] aData = filled((byte) 'A', 256 * 1024);
        byte[] bData = filled((byte) 'B', 256 * 1024);
        SSLContext serverCtx = TlsTesting.serverContext();
        AtomicInteger cnt = new AtomicInteger();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            assertArrayEquals(aData, sock.recvAll(aData.length));
            sock.sendAll(b("OK"));
            assertArrayEquals(bData, sock.recvAll(bData.length));
            sock.sendAll(b("SPAM"));
        }, totalCnt, 10_000)) {
            List<ExceptionContext> messages = run(() -> {
                List<Future<?>> tasks = new ArrayList<>();
                for (int i = 0; i < totalCnt; i++) {
                    tasks.add(Asyncio.createTask(() -> {
                        StreamPair rw;
                        if (overSock) {
                            SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", srv.port()));
                            rw = Streams.openConnection(ch, StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(clientTls()));
                        } else {
                            rw = Streams.openConnection("127.0.0.1", srv.port(), StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(clientTls().withHandshakeTimeout(10)));
                        }
                        rw.writer().write(aData);
                        assertArrayEquals(b("OK"), rw.reader().readexactly(2));
                        rw.writer().write(bData);
                        assertArrayEquals(b("SPAM"), rw.reader().readexactly(4));
                        cnt.incrementAndGet();
                        rw.writer().close();
                        try {
                            rw.writer().waitClosed();
                        } catch (Exception e) {
                            // as CPython's wait_closed helper: the peer may reset after its last send
                            if (!(e instanceof IOException)) throw e;
                        }
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

    // ports test_ssl.py::TestSSL::test_create_connection_ssl_1
    @Test
    void createConnectionSsl1() throws Exception {
        createConnectionSsl1(false);
        createConnectionSsl1(true);
    }

    // ports test_ssl.py::TestSSL::test_create_connection_ssl_slow_handshake
    @Test
    void createConnectionSslSlowHandshake() throws Exception {
        try (ThreadedServer srv = new ThreadedServer(SslTest::readUntilAborted)) {
            runVirtual(() -> {
                Exception e = assertThrows(SocketTimeoutException.class, () -> Streams.openConnection("127.0.0.1", srv.port(), StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(clientTls().withHandshakeTimeout(1.0))));
                assertTrue(e.getMessage().matches("TLS handshake with 127\\.0\\.0\\.1:\\d+ is taking longer than 1\\.0 "
                        + "seconds: aborting the connection"), e.getMessage());
                return null;
            });
        }
    }

    /** A peer that never answers: reads until the client gives up. */
    static void readUntilAborted(PeerSocket sock) {
        try {
            sock.recvToEof();
        } catch (IOException e) {
            // the client aborted the connection
        }
    }

    // ports test_sslproto.py::BaseStartTLS::test_create_connection_ssl_slow_handshake
    @Test
    void startTlsSuiteSlowHandshakeReportsNothing() throws Exception {
        try (ThreadedServer srv = new ThreadedServer(SslTest::readUntilAborted)) {
            List<ExceptionContext> messages = runVirtual(() -> {
                assertThrows(SocketTimeoutException.class, () -> Streams.openConnection("127.0.0.1", srv.port(), StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(clientTls().withHandshakeTimeout(1.0))));
                return null;
            });
            assertEquals(List.of(), messages);
        }
    }

    private static void failedCertificate(TlsOptions clientOptions, String expected) throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            try {
                sock.startTls(serverCtx, true);
                sock.recvToEof();
            } catch (IOException e) {
                // the client rejects the certificate: an alert or a closed connection here
            }
        })) {
            List<ExceptionContext> messages = run(() -> {
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                        () -> Streams.openConnection("127.0.0.1", srv.port(), StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(clientOptions.withHandshakeTimeout(10))));
                assertTrue(e.getMessage().startsWith("TLS handshake with 127.0.0.1:" + srv.port()
                        + " failed on verifying the certificate"), e.getMessage());
                assertTrue(e.getMessage().contains(expected), e.getMessage());
                return null;
            });
            assertEquals(List.of(), messages);
        }
    }

    // ports test_ssl.py::TestSSL::test_create_connection_ssl_failed_certificate
    @Test
    void createConnectionSslFailedCertificate() throws Exception {
        failedCertificate(TlsTesting.clientNoHostname(TlsTesting.untrustingClientContext()), "PKIX path building failed");
    }

    // ports test_sslproto.py::BaseStartTLS::test_create_connection_ssl_failed_certificate
    @Test
    void startTlsSuiteFailedCertificateDefaultTrust() throws Exception {
        // the JDK's own trusted authorities do not know the test CA
        failedCertificate(TlsTesting.clientNoHostname(SSLContext.getDefault()), "unable to find valid certification path");
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_server_ssl_verify_failed
    @Test
    void createServerSslVerifyFailed() throws Exception {
        run(() -> {
            MyProto proto = new MyProto();
            Server server = Net.createServer(() -> proto, "127.0.0.1", 0, ServerOptions.DEFAULTS.withTls(serverTls()));
            int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> Net.createConnection(MyProto::new,
                    "localhost", port, ConnectOptions.overTls(TlsOptions.client(TlsTesting.untrustingClientContext()))));
            assertTrue(e.getMessage().contains("failed on verifying the certificate (server hostname 'localhost')"),
                    e.getMessage());
            Asyncio.sleep(0.05);
            assertNull(proto.transport, "the server's protocol never saw a connection");
            server.close();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_server_ssl_match_failed
    @Test
    void createServerSslMatchFailed() throws Exception {
        run(() -> {
            MyProto proto = new MyProto();
            Server server = Net.createServer(() -> proto, "127.0.0.1", 0, ServerOptions.DEFAULTS.withTls(serverTls()));
            int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            // trusted CA, but the certificate is for "localhost", not 127.0.0.1
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> Net.createConnection(MyProto::new,
                    "127.0.0.1", port, ConnectOptions.overTls(TlsOptions.client(TlsTesting.clientContext()))));
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertTrue(e.getMessage().contains("No subject alternative names matching IP address 127.0.0.1"), e.getMessage());
            Asyncio.sleep(0.05);
            assertNull(proto.transport);
            server.close();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_server_ssl_verified
    @Test
    void createServerSslVerified() throws Exception {
        run(() -> {
            MyProto proto = new MyProto();
            Server server = Net.createServer(() -> proto, "127.0.0.1", 0, ServerOptions.DEFAULTS.withTls(serverTls()));
            int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            Connection<MyProto> c = Net.createConnection(MyProto::new, "127.0.0.1", port, ConnectOptions.overTls(TlsOptions.client(TlsTesting.clientContext()).withServerHostname("localhost")));
            Asyncio.await(proto.connected);
            Transport client = c.transport();
            assertInstanceOf(SslTransport.class, client);
            assertEquals(new InetSocketAddress("127.0.0.1", port), client.getExtraInfo("peername"));
            @SuppressWarnings("unchecked")
            List<Certificate> peercert = (List<Certificate>) client.getExtraInfo("peercert");
            assertTrue(peercert.get(0).toString().contains("CN=localhost"));
            assertInstanceOf(SSLEngine.class, client.getExtraInfo("ssl_object"));
            assertInstanceOf(SSLSession.class, client.getExtraInfo("ssl_session"));
            assertInstanceOf(SSLContext.class, client.getExtraInfo("sslcontext"));
            assertNotNull(client.getExtraInfo("cipher"));
            assertNull(proto.transport.getExtraInfo("peercert"), "the client sent no certificate");
            proto.transport.close();
            client.close();
            server.close();
            Asyncio.await(proto.done);
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_server_ssl
    @Test
    void createServerSsl() throws Exception {
        run(() -> {
            MyProto proto = new MyProto();
            Server server = Net.createServer(() -> proto, "127.0.0.1", 0, ServerOptions.DEFAULTS.withTls(serverTls()));
            int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            Connection<MyProto> c = Net.createConnection(MyProto::new, "127.0.0.1", port, ConnectOptions.overTls(clientTls()));
            c.transport().write(b("xxx"));
            Asyncio.await(proto.connected);
            assertEquals("CONNECTED", proto.state);
            while (proto.nbytes == 0) Asyncio.sleep(0.001);
            assertEquals(3, proto.nbytes);
            assertEquals(new InetSocketAddress("127.0.0.1", port), c.transport().getExtraInfo("peername"));
            assertNotNull(c.transport().getExtraInfo("sockname"));
            proto.transport.close();
            Asyncio.await(proto.done);
            assertEquals("CLOSED", proto.state);
            c.transport().close();
            server.close();
            return null;
        });
    }

    // ports test_ssl.py::TestSSL::test_ssl_handshake_timeout
    @Test
    void sslHandshakeTimeout() throws Exception {
        AtomicReference<Boolean> serverSideAborted = new AtomicReference<>(false);
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            try {
                sock.recvAll(1024 * 1024);
            } catch (IOException e) {
                serverSideAborted.set(true);
            }
        })) {
            List<ExceptionContext> messages = runVirtual(() -> {
                assertThrows(TimeoutError.class, () -> Asyncio.waitFor(() -> Net.createConnection(() -> new Protocol() {},
                        "127.0.0.1", srv.port(), ConnectOptions.overTls(clientTls().withHandshakeTimeout(10.0))), 0.5));
                return null;
            });
            // cancelling a handshake must not raise an exception or log an error
            assertEquals(List.of(), messages);
        }
        assertTrue(serverSideAborted.get());
    }

    // ports test_sslproto.py::BaseStartTLS::test_handshake_timeout
    @Test
    void startTlsSuiteHandshakeTimeout() throws Exception {
        AtomicReference<Boolean> serverSideAborted = new AtomicReference<>(false);
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            try {
                sock.recvAll(1024 * 1024);
            } catch (IOException e) {
                serverSideAborted.set(true);
            }
        })) {
            List<ExceptionContext> messages = runVirtual(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                assertThrows(TimeoutError.class, () -> Asyncio.waitFor(() -> Net.createConnection(() -> new Protocol() {},
                        "127.0.0.1", srv.port(), ConnectOptions.overTls(clientTls().withHandshakeTimeout(30.0))), 0.5));
                // the 30 s handshake timer was cancelled with the connection: the clock never gets there
                Asyncio.sleep(0);
                assertTrue(loop.time() < 30.0, "time is " + loop.time());
                return null;
            });
            assertEquals(List.of(), messages);
        }
        assertTrue(serverSideAborted.get());
    }

    // ports test_ssl.py::TestSSL::test_ssl_handshake_connection_lost
    @Test
    void sslHandshakeConnectionLost() throws Exception {
        AtomicReference<Boolean> made = new AtomicReference<>(false), lost = new AtomicReference<>(false);
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.sock.getInputStream().read(new byte[1024]);
            // break the connection during the handshake
        })) {
            run(() -> {
                SocketException e = assertThrows(SocketException.class, () -> Net.createConnection(() -> new Protocol() {
                    @Override
                    public void connectionMade(BaseTransport t) {
                        made.set(true);
                    }

                    @Override
                    public void connectionLost(Throwable exc) {
                        lost.set(true);
                    }
                }, "127.0.0.1", srv.port(), ConnectOptions.overTls(clientTls())));
                assertTrue(e.getMessage().contains("127.0.0.1:" + srv.port()), e.getMessage());
                Asyncio.sleep(0.01);
                return null;
            });
        }
        assertFalse(made.get(), "unexpected call to connectionMade()");
        assertFalse(lost.get(), "unexpected call to connectionLost()");
    }

    // ports test_ssl.py::TestSSL::test_ssl_connect_accepted_socket
    @Test
    void sslConnectAcceptedSocket() throws Exception {
        connectAcceptedSocket(true);
    }

    // ports test_events.py::EventLoopTestsMixin::test_ssl_connect_accepted_socket
    @Test
    void sslConnectAcceptedSocketEventsSuite() throws Exception {
        connectAcceptedSocket(false);
    }

    private static void connectAcceptedSocket(boolean clientVerifies) throws Exception {
        byte[] message = b("test data");
        byte[] expectedResponse = b("roger");
        SSLContext clientCtx = clientVerifies ? TlsTesting.clientContext() : TlsTesting.insecureClientContext();
        AtomicReference<byte[]> response = new AtomicReference<>();
        AtomicReference<Throwable> clientFailure = new AtomicReference<>();
        try (java.nio.channels.ServerSocketChannel lsock = java.nio.channels.ServerSocketChannel.open()) {
            lsock.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            int port = ((InetSocketAddress) lsock.getLocalAddress()).getPort();
            Thread client = new Thread(() -> {
                try (Socket raw = new Socket("127.0.0.1", port)) {
                    raw.setSoTimeout(10_000);
                    SSLSocket csock = (SSLSocket) clientCtx.getSocketFactory().createSocket(raw, "localhost", port, true);
                    csock.getOutputStream().write(message);
                    byte[] buf = new byte[99];
                    int n = csock.getInputStream().read(buf);
                    response.set(Arrays.copyOf(buf, n));
                    csock.close();
                } catch (Throwable e) {
                    clientFailure.set(e);
                }
            });
            client.setDaemon(true);
            client.start();
            SocketChannel conn = lsock.accept();
            run(() -> {
                MyProto proto = new MyProto() {
                    @Override
                    public void dataReceived(ByteBuffer data) {
                        super.dataReceived(data);
                        transport.write(expectedResponse);
                    }
                };
                Connection<MyProto> c = Net.connectAcceptedSocket(() -> proto, conn, ConnectOptions.overTls(serverTls().withHandshakeTimeout(10)));
                assertInstanceOf(SslTransport.class, c.transport());
                Asyncio.await(proto.done);
                assertEquals("CLOSED", proto.state);
                assertEquals(message.length, proto.nbytes);
                return null;
            });
            client.join(5_000);
            assertFalse(client.isAlive());
            assertNull(clientFailure.get());
            assertArrayEquals(expectedResponse, response.get());
        }
    }

    // ================================================================ start_tls

    // ports test_ssl.py::TestSSL::test_start_tls_client_reg_proto_1
    @Test
    void startTlsClientRegProto1() throws Exception {
        startTlsClientRegProto();
    }

    // ports test_sslproto.py::BaseStartTLS::test_start_tls_client_reg_proto_1
    @Test
    void startTlsSuiteClientRegProto1() throws Exception {
        startTlsClientRegProto();
    }

    private static void startTlsClientRegProto() throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            assertEquals(HELLO_MSG.length, sock.recvAll(HELLO_MSG.length).length);
            sock.startTls(serverCtx, true);
            sock.sendAll(b("O"));
            assertEquals(HELLO_MSG.length, sock.recvAll(HELLO_MSG.length).length);
            sock.plainShutdown();
        })) {
            run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<byte[]> onData = loop.createFuture();
                Future<Boolean> onEof = loop.createFuture();
                Connection<ClientProto> c = Net.createConnection(() -> new ClientProto(onData, onEof), "127.0.0.1", srv.port());
                c.transport().write(HELLO_MSG);
                Transport newTr = Tls.startTls(c.transport(), c.protocol(), clientTls());
                assertArrayEquals(b("O"), Asyncio.await(onData));
                newTr.write(HELLO_MSG);
                Asyncio.await(onEof);
                newTr.close();
                return null;
            });
        }
    }

    // ports test_ssl.py::TestSSL::test_start_tls_client_buf_proto_1
    @Test
    void startTlsClientBufProto1() throws Exception {
        startTlsClientBufProto();
    }

    // ports test_sslproto.py::BaseStartTLS::test_start_tls_client_buf_proto_1
    @Test
    void startTlsSuiteClientBufProto1() throws Exception {
        startTlsClientBufProto();
    }

    private static void startTlsClientBufProto() throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        AtomicInteger conMadeCalls = new AtomicInteger();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            assertEquals(HELLO_MSG.length, sock.recvAll(HELLO_MSG.length).length);
            sock.startTls(serverCtx, true);
            sock.sendAll(b("O"));
            assertEquals(HELLO_MSG.length, sock.recvAll(HELLO_MSG.length).length);
            sock.sendAll(b("2"));
            assertEquals(HELLO_MSG.length, sock.recvAll(HELLO_MSG.length).length);
            sock.plainShutdown();
        })) {
            run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<byte[]> onData1 = loop.createFuture();
                Future<byte[]> onData2 = loop.createFuture();
                Future<Boolean> onEof = loop.createFuture();
                class ClientProtoFirst implements BufferedProtocol {
                    final ByteBuffer buf = ByteBuffer.allocate(1);

                    @Override
                    public void connectionMade(BaseTransport t) {
                        conMadeCalls.incrementAndGet();
                    }

                    @Override
                    public ByteBuffer getBuffer(int sizeHint) {
                        return buf.clear();
                    }

                    @Override
                    public void bufferUpdated(int nbytes) {
                        assertEquals(1, nbytes);
                        onData1.setResult(new byte[] {buf.get(0)});
                    }
                }
                Connection<ClientProtoFirst> c = Net.createConnection(ClientProtoFirst::new, "127.0.0.1", srv.port());
                c.transport().write(HELLO_MSG);
                Transport newTr = Tls.startTls(c.transport(), c.protocol(), clientTls());
                assertArrayEquals(b("O"), Asyncio.await(onData1));
                newTr.write(HELLO_MSG);
                newTr.setProtocol(new ClientProto(onData2, onEof) {
                    @Override
                    public void connectionMade(BaseTransport t) {
                        conMadeCalls.incrementAndGet();
                    }
                });
                assertArrayEquals(b("2"), Asyncio.await(onData2));
                newTr.write(HELLO_MSG);
                Asyncio.await(onEof);
                newTr.close();
                // startTls does not call connectionMade again
                assertEquals(1, conMadeCalls.get());
                return null;
            });
        }
    }

    // ports test_ssl.py::TestSSL::test_start_tls_slow_client_cancel
    @Test
    void startTlsSlowClientCancel() throws Exception {
        startTlsSlowClient();
    }

    // ports test_sslproto.py::BaseStartTLS::test_start_tls_slow_client_cancel
    @Test
    void startTlsSuiteSlowClientCancel() throws Exception {
        startTlsSlowClient();
    }

    private static void startTlsSlowClient() throws Exception {
        AtomicReference<Runnable> serverWaits = new AtomicReference<>();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            assertEquals(HELLO_MSG.length, sock.recvAll(HELLO_MSG.length).length);
            serverWaits.get().run();
            assertThrows(IOException.class, () -> sock.recvAll(1024 * 1024));
        })) {
            runVirtual(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Void> serverWaitsOnHandshake = loop.createFuture();
                serverWaits.set(() -> loop.callSoonThreadsafe(() -> serverWaitsOnHandshake.setResult(null)));
                Connection<ClientProto> c = Net.createConnection(
                        () -> new ClientProto(loop.createFuture(), loop.createFuture()), "127.0.0.1", srv.port());
                c.transport().write(HELLO_MSG);
                Asyncio.await(serverWaitsOnHandshake);
                assertThrows(TimeoutError.class, () -> Asyncio.waitFor(
                        () -> Tls.startTls(c.transport(), c.protocol(), clientTls()), 0.5));
                assertTrue(c.transport().isClosing(), "a cancelled startTls closes the transport");
                return null;
            });
        }
    }

    // ports test_ssl.py::TestSSL::test_start_tls_server_1
    @Test
    void startTlsServer1() throws Exception {
        startTlsServer();
    }

    // ports test_sslproto.py::BaseStartTLS::test_start_tls_server_1
    @Test
    void startTlsSuiteServer1() throws Exception {
        startTlsServer();
    }

    private static void startTlsServer() throws Exception {
        byte[] answer = b("answer");
        SSLContext clientCtx = TlsTesting.insecureClientContext();
        // made up front: loading a key store in the task would let the loop run (blocking file I/O) mid-step
        TlsOptions srvTls = serverTls().withHandshakeTimeout(TIMEOUT);
        AtomicReference<byte[]> got = new AtomicReference<>();
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Transport> onCon = loop.createFuture();
            Future<Void> onConLost = loop.createFuture();
            Future<Void> onGotHello = loop.createFuture();
            java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
            Protocol proto = new Protocol() {
                @Override
                public void connectionMade(BaseTransport t) {
                    onCon.setResult((Transport) t);
                }

                @Override
                public void dataReceived(ByteBuffer d) {
                    byte[] b = new byte[d.remaining()];
                    d.get(b);
                    data.writeBytes(b);
                    if (data.size() >= HELLO_MSG.length && !onGotHello.done()) onGotHello.setResult(null);
                }

                @Override
                public void connectionLost(Throwable exc) {
                    if (exc == null) onConLost.setResult(null);
                    else onConLost.setException(exc);
                }
            };
            Server server = Net.createServer(() -> proto, "127.0.0.1", 0);
            int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            ThreadedClient client = new ThreadedClient(port, sock -> {
                assertEquals(HELLO_MSG.length, sock.recvAll(HELLO_MSG.length).length);
                sock.startTls(clientCtx, false);
                sock.sendAll(HELLO_MSG);
                got.set(sock.recvAll(answer.length));
            });
            Transport tr = Asyncio.await(onCon);
            tr.write(HELLO_MSG);
            assertEquals(0, data.size());
            Transport newTr;
            try {
                newTr = Tls.startTls(tr, proto, srvTls);
            } catch (Exception e) {
                Asyncio.toThread(() -> {
                    client.join();
                    return null;
                });
                throw e;
            }
            Asyncio.await(onGotHello);
            newTr.write(answer);
            Asyncio.await(onConLost);
            assertArrayEquals(HELLO_MSG, data.toByteArray());
            newTr.close();
            Asyncio.toThread(() -> {
                client.join();
                return null;
            });
            server.close();
            server.waitClosed();
            return null;
        });
        assertArrayEquals(answer, got.get());
    }

    // ports test_sslproto.py::BaseStartTLS::test_start_tls_wrong_args
    @Test
    void startTlsWrongArgs() {
        run(() -> {
            assertThrows(NullPointerException.class, () -> Tls.startTls(null, new Protocol() {}, null, false, null));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tls.startTls(null, new Protocol() {}, TlsTesting.serverContext(), true, null));
            assertTrue(e.getMessage().contains("is not supported"), e.getMessage());
            return null;
        });
    }

    // ports test_ssl.py::TestSSL::test_start_tls_client_corrupted_ssl
    @Test
    void startTlsClientCorruptedSsl() throws Exception {
        clientCorruptedSsl();
    }

    // ports test_sslproto.py::BaseStartTLS::test_start_tls_client_corrupted_ssl
    @Test
    void startTlsSuiteClientCorruptedSsl() throws Exception {
        clientCorruptedSsl();
    }

    private static void clientCorruptedSsl() throws Exception {
        SSLContext serverCtx = TlsTesting.serverContext();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            Socket orig = sock.sock;
            sock.startTls(serverCtx, true);
            sock.sendAll(b("A\n"));
            sock.recvAll(1);
            orig.getOutputStream().write(b("please corrupt the SSL connection"));
            orig.getOutputStream().flush();
            try {
                sock.recvToEof();
            } catch (IOException e) {
                // the client aborts
            }
        })) {
            run(() -> {
                StreamPair rw = Streams.openConnection("127.0.0.1", srv.port(), StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(clientTls()));
                assertArrayEquals(b("A\n"), rw.reader().readline());
                rw.writer().write(b("B"));
                assertThrows(SSLException.class, () -> rw.reader().readline());
                rw.writer().close();
                return null;
            });
        }
    }

    // ports test_streams.py::StreamTests::test_start_tls
    @Test
    void streamWriterStartTls() throws Exception {
        run(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                byte[] data1 = reader.readline();
                writer.write(data1);
                writer.drain();
                assertNull(writer.getExtraInfo("sslcontext"));
                writer.startTls(TlsTesting.serverContext(), null);
                assertNotNull(writer.getExtraInfo("sslcontext"));
                byte[] data2 = reader.readline();
                writer.write(data2);
                writer.drain();
                writer.close();
                writer.waitClosed();
            }, "127.0.0.1", 0);
            int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            StreamPair rw = Streams.openConnection("127.0.0.1", port);
            rw.writer().write(b("hello world 1!\n"));
            rw.writer().drain();
            assertArrayEquals(b("hello world 1!\n"), rw.reader().readline());
            assertNull(rw.writer().getExtraInfo("sslcontext"));
            rw.writer().startTls(TlsTesting.clientContext(), "localhost");
            assertNotNull(rw.writer().getExtraInfo("sslcontext"));
            rw.writer().write(b("hello world 2!\n"));
            rw.writer().drain();
            assertArrayEquals(b("hello world 2!\n"), rw.reader().readline());
            rw.writer().close();
            rw.writer().waitClosed();
            server.close();
            server.waitClosed();
            return null;
        });
    }

    // ports test_base_events.py::BaseEventLoopWithSelectorTests::test_create_connection_ssl_server_hostname_errors
    @Test
    void createConnectionSslServerHostnameErrors() throws Exception {
        run(() -> {
            TlsOptions tls = TlsOptions.client(TlsTesting.clientContext());
            assertThrows(IllegalArgumentException.class, () -> Net.createConnection(MyProto::new, "", 80, ConnectOptions.overTls(tls)));
            assertThrows(IllegalArgumentException.class, () -> Net.createConnection(MyProto::new, (String) null, 80, ConnectOptions.overTls(tls)));
            try (SocketChannel sock = SocketChannel.open()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Net.createConnection(MyProto::new, sock, ConnectOptions.overTls(tls)));
                assertTrue(e.getMessage().contains("server_hostname"), e.getMessage());
            }
            return null;
        });
    }
}
