package io.jasyncio.transport;

import static io.jasyncio.transport.NetTesting.b;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TestLoops;
import io.jasyncio.datagram.DatagramEndpoint;
import io.jasyncio.datagram.DatagramProtocol;
import io.jasyncio.datagram.DatagramTransport;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamReaderProtocol;
import io.jasyncio.streams.Streams;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Servers and the create_* functions (CPython's test_server.py, and the socket parts of test_events.py). */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class ServerTest {

    public static int portOf(Server s) throws IOException {
        return ((InetSocketAddress) s.getSockets().get(0).getLocalAddress()).getPort();
    }

    /** A non-blocking client channel connected from inside a task. */
    public static SocketChannel connect(SocketAddress addr) throws IOException {
        SocketChannel c = SocketChannel.open(addr instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
        c.configureBlocking(false);
        Sockets.sockConnect(c, addr);
        return c;
    }

    /** CPython's MyBaseProto of test_events.py, plus a wait for the bytes received so far to reach a count. */
    public static class MyBaseProto implements Protocol {
        public String state = "INITIAL";
        public long nbytes;
        public Transport transport;
        public final Future<Void> connected;
        public final Future<Void> done;
        private Future<Void> reached;
        private long target;

        public MyBaseProto(EventLoop loop) {
            connected = loop == null ? null : loop.createFuture();
            done = loop == null ? null : loop.createFuture();
        }

        public void expect(String... states) {
            if (!Arrays.asList(states).contains(state)) {
                throw new AssertionError("state: " + state + ", expected: " + Arrays.toString(states));
            }
        }

        /** Suspends the calling task until {@code n} bytes in all have arrived. */
        public void awaitBytes(long n) {
            if (nbytes >= n) return;
            target = n;
            reached = Asyncio.getRunningLoop().createFuture();
            Asyncio.await(reached);
        }

        @Override public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            expect("INITIAL");
            state = "CONNECTED";
            if (connected != null) connected.setResult(null);
        }

        @Override public void dataReceived(ByteBuffer data) {
            expect("CONNECTED");
            nbytes += data.remaining();
            if (reached != null && nbytes >= target) {
                reached.setResult(null);
                reached = null;
            }
        }

        @Override public boolean eofReceived() {
            expect("CONNECTED");
            state = "EOF";
            return false;
        }

        @Override public void connectionLost(Throwable exc) {
            expect("CONNECTED", "EOF");
            state = "CLOSED";
            if (done != null) done.setResult(null);
        }
    }

    /** CPython's MyProto of test_events.py: sends a request once connected. */
    public static class MyProto extends MyBaseProto {
        public MyProto(EventLoop loop) {
            super(loop);
        }

        @Override public void connectionMade(BaseTransport t) {
            super.connectionMade(t);
            transport.write(b("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"));
        }
    }

    /** CPython's MyDatagramProto of test_events.py. */
    public static class MyDatagramProto implements DatagramProtocol {
        public String state = "INITIAL";
        public int nbytes;
        public DatagramTransport transport;
        public final Future<Void> done;

        public MyDatagramProto(EventLoop loop) {
            done = loop == null ? null : loop.createFuture();
        }

        public void expect(String s) {
            if (!state.equals(s)) throw new AssertionError("state: " + state + ", expected: " + s);
        }

        @Override public void connectionMade(BaseTransport t) {
            transport = (DatagramTransport) t;
            expect("INITIAL");
            state = "INITIALIZED";
        }

        @Override public void datagramReceived(ByteBuffer data, SocketAddress addr) {
            expect("INITIALIZED");
            nbytes += data.remaining();
        }

        @Override public void errorReceived(Exception exc) {
            expect("INITIALIZED");
        }

        @Override public void connectionLost(Throwable exc) {
            expect("INITIALIZED");
            state = "CLOSED";
            if (done != null) done.setResult(null);
        }
    }

    // ---------------------------------------------------------------- test_server.py

    private static void startServer1(boolean unix) throws Exception {
        byte[] hello = b("1".repeat(1024 * 5) + "\n");
        Path path = unix ? NetTesting.tempSocketPath() : null;
        try {
            TestLoops.runReal(() -> {
                Task<?>[] mainTask = new Task<?>[1];
                StreamReaderProtocol.ClientConnected serve = (reader, writer) -> {
                    reader.readline();
                    mainTask[0].cancel();
                    writer.write(b("1"));
                    writer.close();
                    writer.waitClosed();
                };
                ServerOptions opts = ServerOptions.DEFAULTS.withStartServing(false);
                Server srv = unix ? Streams.startUnixServer(serve, path, StreamReader.DEFAULT_LIMIT, opts)
                        : Streams.startServer(serve, "127.0.0.1", 0, StreamReader.DEFAULT_LIMIT, opts);
                assertFalse(srv.isServing());
                SocketAddress addr = srv.getSockets().get(0).getLocalAddress();
                mainTask[0] = Asyncio.createTask(() -> {
                    try (srv) {
                        srv.serveForever();
                    }
                    return null;
                });
                // the client is a plain blocking thread
                Thread client = new Thread(() -> {
                    try (SocketChannel c = SocketChannel.open(addr)) {
                        c.write(ByteBuffer.wrap(hello));
                        c.read(ByteBuffer.allocate(1));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                client.start();
                assertThrows(CancelledError.class, () -> Asyncio.await(mainTask[0]));
                Asyncio.toThread(() -> {
                    client.join();
                    return null;
                });
                assertEquals(0, srv.getSockets().size());
                assertFalse(srv.isServing());
                IllegalStateException e = assertThrows(IllegalStateException.class, srv::serveForever);
                assertTrue(e.getMessage().contains("is closed"));
                return null;
            });
        } finally {
            if (path != null) NetTesting.deleteSocketPath(path);
        }
    }

    /** asyncio's keep_alive=: SO_KEEPALIVE on the accepted connections, off by default (our own test). */
    @Test
    void keepAliveSetsSoKeepaliveOnAcceptedConnections() {
        TestLoops.runReal(() -> {
            for (boolean on : new boolean[] {false, true}) {
                EventLoop loop = Asyncio.getRunningLoop();
                MyBaseProto proto = new MyBaseProto(loop);
                ServerOptions options = on ? ServerOptions.DEFAULTS.withKeepAlive(true) : ServerOptions.DEFAULTS;
                try (Server srv = Net.createServer(() -> proto, "127.0.0.1", 0, options);
                        SocketChannel client = connect(new InetSocketAddress("127.0.0.1", portOf(srv)))) {
                    Asyncio.await(proto.connected);
                    SocketChannel accepted = (SocketChannel) proto.transport.getExtraInfo("socket");
                    assertEquals(on, accepted.getOption(StandardSocketOptions.SO_KEEPALIVE), "keepAlive " + on);
                    proto.transport.close();
                }
            }
            return null;
        });
    }

    /** asyncio's family=: only that family's addresses; the wildcard of that family without a host (our own test). */
    @Test
    void familyChoosesTheAddresses() {
        TestLoops.runReal(() -> {
            ServerOptions v4 = ServerOptions.DEFAULTS.withFamily(StandardProtocolFamily.INET);
            try (Server srv = Net.createServer(() -> new MyBaseProto(null), "localhost", 0, v4)) {
                for (ServerSocketChannel s : srv.getSockets()) {
                    assertInstanceOf(java.net.Inet4Address.class, ((InetSocketAddress) s.getLocalAddress()).getAddress());
                }
            }
            try (Server srv = Net.createServer(() -> new MyBaseProto(null), null, 0, v4)) {
                InetSocketAddress a = (InetSocketAddress) srv.getSockets().get(0).getLocalAddress();
                assertEquals("0.0.0.0", a.getAddress().getHostAddress());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Net.createServer(() -> new MyBaseProto(null), "127.0.0.1", 0,
                            ServerOptions.DEFAULTS.withFamily(StandardProtocolFamily.INET6)));
            assertTrue(e.getMessage().contains("127.0.0.1") && e.getMessage().contains("INET6"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> ServerOptions.DEFAULTS.withFamily(StandardProtocolFamily.UNIX));
            return null;
        });
    }

    // ports test_server.py::BaseStartServer::test_start_server_1
    @Test
    void startServer1() throws Exception {
        startServer1(false);
    }

    // ports test_server.py::SelectorStartServerTests::test_start_unix_server_1
    @Test
    void startUnixServer1() throws Exception {
        startServer1(true);
    }

    private static StreamReaderProtocol.ClientConnected readThenClose() {
        return (rd, wr) -> {
            try {
                rd.read();
            } finally {
                wr.close();
                wr.waitClosed();
            }
        };
    }

    // ports test_server.py::TestServer2::test_wait_closed_basic
    @Test
    void waitClosedBasic() {
        TestLoops.runReal(() -> {
            Server srv = Streams.startServer(readThenClose(), "127.0.0.1", 0);
            try (srv) {
                Task<Void> task1 = Asyncio.createTask(() -> { srv.waitClosed(); return null; });
                Asyncio.sleep(0);
                assertFalse(task1.done());
                StreamPair p = Streams.openConnection("127.0.0.1", portOf(srv));
                Task<Void> task2 = Asyncio.createTask(() -> { srv.waitClosed(); return null; });
                Asyncio.sleep(0);
                assertFalse(task1.done());
                assertFalse(task2.done());
                srv.close();
                Asyncio.sleep(0);
                Task<Void> task3 = Asyncio.createTask(() -> { srv.waitClosed(); return null; });
                Asyncio.sleep(0);
                assertFalse(task1.done());
                assertFalse(task2.done());
                assertFalse(task3.done());
                p.writer().close();
                p.writer().waitClosed();
                Asyncio.await(task1);
                Asyncio.await(task2);
                Asyncio.await(task3);
                srv.waitClosed(); // returns at once
            }
            return null;
        });
    }

    // ports test_server.py::TestServer2::test_wait_closed_race
    @Test
    void waitClosedRace() {
        TestLoops.runReal(() -> {
            Server srv = Streams.startServer(readThenClose(), "127.0.0.1", 0);
            try (srv) {
                Task<Void> task = Asyncio.createTask(() -> { srv.waitClosed(); return null; });
                Asyncio.sleep(0);
                assertFalse(task.done());
                StreamPair p = Streams.openConnection("127.0.0.1", portOf(srv));
                EventLoop loop = Asyncio.getRunningLoop();
                loop.callSoon(srv::close);
                loop.callSoon(p.writer()::close);
                srv.waitClosed();
                Asyncio.await(task);
            }
            return null;
        });
    }

    // ports test_server.py::TestServer2::test_close_clients
    @Test
    void closeClients() {
        TestLoops.runReal(() -> {
            Server srv = Streams.startServer(readThenClose(), "127.0.0.1", 0);
            try (srv) {
                StreamPair p = Streams.openConnection("127.0.0.1", portOf(srv));
                try {
                    Task<Void> task = Asyncio.createTask(() -> { srv.waitClosed(); return null; });
                    Asyncio.sleep(0);
                    assertFalse(task.done());
                    srv.close();
                    srv.closeClients();
                    Asyncio.sleep(0);
                    Asyncio.sleep(0);
                    assertTrue(task.done());
                } finally {
                    p.writer().close();
                }
            }
            return null;
        });
    }

    // ports test_server.py::TestServer2::test_abort_clients
    @Test
    void abortClients() {
        TestLoops.runReal(() -> {
            Future<StreamPair> fut = Asyncio.getRunningLoop().createFuture();
            Server srv = Streams.startServer((rd, wr) -> {
                fut.setResult(new StreamPair(rd, wr));
                wr.waitClosed();
            }, "127.0.0.1", 0);
            try (srv) {
                StreamPair c = Streams.openConnection("127.0.0.1", portOf(srv), 4096);
                try {
                    StreamPair s = Asyncio.await(fut);
                    SocketChannel sSock = (SocketChannel) s.writer().getExtraInfo("socket");
                    sSock.setOption(StandardSocketOptions.SO_SNDBUF, 65536);
                    SocketChannel cSock = (SocketChannel) c.writer().getExtraInfo("socket");
                    cSock.setOption(StandardSocketOptions.SO_RCVBUF, 65536);
                    // pause the client's reading by sending more than twice its limit
                    for (int i = 0; i < 3; i++) s.writer().write(new byte[4096]);
                    while (c.writer().transport().isReading()) Asyncio.sleep(0);
                    // fill the kernel buffers until the server's transport buffers data itself
                    int cBuf = cSock.getOption(StandardSocketOptions.SO_RCVBUF);
                    int sBuf = sSock.getOption(StandardSocketOptions.SO_SNDBUF);
                    for (int i = 0; i < 10; i++) {
                        s.writer().write(new byte[cBuf]);
                        s.writer().write(new byte[sBuf]);
                        if (s.writer().transport().getWriteBufferSize() > 0) break;
                    }
                    assertNotEquals(0, s.writer().transport().getWriteBufferSize());
                    Task<Void> task = Asyncio.createTask(() -> { srv.waitClosed(); return null; });
                    Asyncio.sleep(0);
                    assertFalse(task.done());
                    srv.close();
                    srv.abortClients();
                    Asyncio.sleep(0);
                    Asyncio.sleep(0);
                    assertTrue(task.done());
                } finally {
                    c.writer().close();
                }
            }
            return null;
        });
    }

    private static final StreamReaderProtocol.ClientConnected NOTHING = (r, w) -> {};

    // ports test_server.py::UnixServerCleanupTests::test_unix_server_addr_cleanup
    @Test
    void unixServerAddrCleanup() {
        NetTesting.runWithSocketPath(addr -> {
            Server srv = Streams.startUnixServer(NOTHING, addr);
            srv.close();
            assertFalse(Files.exists(addr));
        });
    }

    // ports test_server.py::UnixServerCleanupTests::test_unix_server_sock_cleanup
    @Test
    void unixServerSockCleanup() {
        NetTesting.runWithSocketPath(addr -> {
            try (ServerSocketChannel sock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                sock.bind(UnixDomainSocketAddress.of(addr));
                Server srv = Net.createServer(() -> new StreamReaderProtocol(new StreamReader(), NOTHING), sock,
                        ServerOptions.DEFAULTS);
                srv.close();
                assertFalse(Files.exists(addr));
            }
        });
    }

    // ports test_server.py::UnixServerCleanupTests::test_unix_server_cleanup_gone
    @Test
    void unixServerCleanupGone() {
        NetTesting.runWithSocketPath(addr -> {
            try (ServerSocketChannel sock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                sock.bind(UnixDomainSocketAddress.of(addr));
                Server srv = Net.createServer(() -> new StreamReaderProtocol(new StreamReader(), NOTHING), sock,
                        ServerOptions.DEFAULTS);
                Files.delete(addr);
                srv.close(); // no error
                assertFalse(Files.exists(addr));
            }
        });
    }

    // ports test_server.py::UnixServerCleanupTests::test_unix_server_cleanup_replaced
    @Test
    void unixServerCleanupReplaced() {
        NetTesting.runWithSocketPath(addr -> {
            Server srv = Streams.startUnixServer(NOTHING, addr);
            Files.delete(addr);
            try (ServerSocketChannel sock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                sock.bind(UnixDomainSocketAddress.of(addr));
                srv.close();
                assertTrue(Files.exists(addr));
            }
        });
    }

    // ports test_server.py::UnixServerCleanupTests::test_unix_server_cleanup_prevented
    @Test
    void unixServerCleanupPrevented() {
        NetTesting.runWithSocketPath(addr -> {
            Server srv = Streams.startUnixServer(NOTHING, addr, StreamReader.DEFAULT_LIMIT,
                    ServerOptions.DEFAULTS.withCleanupSocket(false));
            srv.close();
            assertTrue(Files.exists(addr));
        });
    }

    // ---------------------------------------------------------------- test_events.py (sockets)

    // ports test_events.py::EventLoopTestsMixin::test_create_server
    @Test
    void createServer() {
        TestLoops.runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            MyProto proto = new MyProto(loop);
            Server server = Net.createServer(() -> proto, "0.0.0.0", 0);
            assertEquals(1, server.getSockets().size());
            InetSocketAddress sa = (InetSocketAddress) server.getSockets().get(0).getLocalAddress();
            assertEquals("0.0.0.0", sa.getAddress().getHostAddress());
            SocketChannel client = connect(new InetSocketAddress("127.0.0.1", sa.getPort()));
            Sockets.sockSendall(client, b("xxx"));
            Asyncio.await(proto.connected);
            assertEquals("CONNECTED", proto.state);
            io.jasyncio.TestLoops.waitUntil(() -> proto.nbytes > 0);
            assertEquals(3, proto.nbytes);
            assertNotNull(proto.transport.getExtraInfo("sockname"));
            assertEquals("127.0.0.1", ((InetSocketAddress) proto.transport.getExtraInfo("peername")).getAddress().getHostAddress());
            proto.transport.close();
            Asyncio.await(proto.done);
            assertEquals("CLOSED", proto.state);
            client.close();
            server.close();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_server_sock
    @Test
    void createServerSock() {
        TestLoops.runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            MyProto proto = new MyProto(loop);
            ServerSocketChannel sockOb = ServerSocketChannel.open();
            sockOb.bind(new InetSocketAddress("0.0.0.0", 0));
            Server server = Net.createServer(() -> proto, sockOb, ServerOptions.DEFAULTS);
            assertSame(sockOb, server.getSockets().get(0));
            server.close();
            assertFalse(sockOb.isOpen());
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_server_addr_in_use
    @Test
    void createServerAddrInUse() {
        TestLoops.runReal(() -> {
            ServerSocketChannel sockOb = ServerSocketChannel.open();
            sockOb.bind(new InetSocketAddress("0.0.0.0", 0));
            Server server = Net.createServer(() -> new MyProto(null), sockOb, ServerOptions.DEFAULTS);
            int port = portOf(server);
            BindException e = assertThrows(BindException.class, () -> Net.createServer(() -> new MyProto(null), "0.0.0.0", port));
            assertTrue(e.getMessage().contains("0.0.0.0:" + port), e.getMessage());
            assertTrue(e.getMessage().contains("address already in use"), e.getMessage());
            server.close();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_server_close
    @Test
    void serverClose() {
        TestLoops.runReal(() -> {
            Server server = Net.createServer(() -> new MyProto(null), "0.0.0.0", 0);
            int port = portOf(server);
            SocketChannel client = connect(new InetSocketAddress("127.0.0.1", port));
            Sockets.sockSendall(client, b("xxx"));
            client.close();
            server.close();
            SocketChannel client2 = SocketChannel.open();
            client2.configureBlocking(false);
            assertThrows(ConnectException.class, () -> Sockets.sockConnect(client2, new InetSocketAddress("127.0.0.1", port)));
            client2.close();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_connection
    @Test
    void createConnection() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            TestLoops.runReal(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Connection<MyProto> c = Net.createConnection(() -> new MyProto(loop), httpd.host(), httpd.port());
                assertInstanceOf(Transport.class, c.transport());
                Asyncio.await(c.protocol().done);
                assertTrue(c.protocol().nbytes > 0);
                c.transport().close();
                return null;
            });
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_unix_connection
    @Test
    void createUnixConnection() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.unix()) {
            TestLoops.runReal(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Connection<MyProto> c = Net.createUnixConnection(() -> new MyProto(loop), httpd.path());
                Asyncio.await(c.protocol().done);
                assertTrue(c.protocol().nbytes > 0);
                c.transport().close();
                return null;
            });
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_unix_server
    @Test
    void createUnixServer() {
        Path path = NetTesting.tempSocketPath();
        try {
            TestLoops.runReal(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                MyProto proto = new MyProto(loop);
                Server server = Net.createUnixServer(() -> proto, path);
                assertEquals(1, server.getSockets().size());
                SocketChannel client = connect(UnixDomainSocketAddress.of(path));
                Sockets.sockSendall(client, b("xxx"));
                Asyncio.await(proto.connected);
                assertEquals("CONNECTED", proto.state);
                io.jasyncio.TestLoops.waitUntil(() -> proto.nbytes > 0);
                assertEquals(3, proto.nbytes);
                assertNotNull(proto.transport.getExtraInfo("sockname"));
                proto.transport.close();
                Asyncio.await(proto.done);
                assertEquals("CLOSED", proto.state);
                client.close();
                server.close();
                return null;
            });
        } finally {
            NetTesting.deleteSocketPath(path);
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_unix_server_path_socket_error
    @Test
    void createUnixServerPathIsNotASocket() throws Exception {
        Path path = NetTesting.tempSocketPath();
        Files.writeString(path, "not a socket");
        try {
            TestLoops.runReal(() -> {
                assertThrows(Exception.class, () -> Net.createUnixServer(() -> new MyProto(null), path));
                assertTrue(Files.exists(path)); // a regular file is never removed
                return null;
            });
        } finally {
            NetTesting.deleteSocketPath(path);
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_connect_accepted_socket
    @Test
    void connectAcceptedSocket() {
        TestLoops.runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (ServerSocketChannel lsock = ServerSocketChannel.open()) {
                lsock.bind(new InetSocketAddress("127.0.0.1", 0));
                lsock.configureBlocking(false);
                SocketChannel csock = SocketChannel.open();
                csock.configureBlocking(false);
                Task<Void> connecting = Asyncio.createTask(() -> {
                    Sockets.sockConnect(csock, lsock.getLocalAddress());
                    return null;
                });
                SocketChannel accepted = Sockets.sockAccept(lsock);
                Asyncio.await(connecting);
                MyProto proto = new MyProto(loop);
                Connection<MyProto> c = Net.connectAcceptedSocket(() -> proto, accepted);
                // the client reads the request MyProto sends, then closes
                byte[] data = Sockets.sockRecv(csock, 1024);
                assertTrue(NetTesting.s(data).startsWith("GET / HTTP/1.0"));
                csock.close();
                Asyncio.await(proto.done);
                assertEquals("CLOSED", proto.state);
                c.transport().close();
            }
            return null;
        });
    }

    private static void createDatagramEndpoint(String host) {
        TestLoops.runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            class TestMyDatagramProto extends MyDatagramProto {
                TestMyDatagramProto() {
                    super(loop);
                }

                @Override public void datagramReceived(ByteBuffer data, SocketAddress addr) {
                    int n = data.remaining();
                    super.datagramReceived(data, addr);
                    byte[] copy = new byte[n];
                    data.get(copy);
                    transport.sendto(b("resp:" + NetTesting.s(copy)), addr);
                }
            }
            DatagramEndpoint<TestMyDatagramProto> s = Net.createDatagramEndpoint(TestMyDatagramProto::new,
                    new InetSocketAddress(host, 0), null);
            InetSocketAddress sockname = (InetSocketAddress) s.transport().getExtraInfo("sockname");
            assertEquals("INITIALIZED", s.protocol().state);
            assertSame(s.transport(), s.protocol().transport);
            DatagramEndpoint<MyDatagramProto> c = Net.createDatagramEndpoint(() -> new MyDatagramProto(loop), null,
                    new InetSocketAddress(host, sockname.getPort()));
            assertEquals("INITIALIZED", c.protocol().state);
            assertSame(c.transport(), c.protocol().transport);
            c.transport().sendto(b("xxx"));
            io.jasyncio.TestLoops.waitUntil(() -> s.protocol().nbytes > 0);
            assertEquals(3, s.protocol().nbytes);
            io.jasyncio.TestLoops.waitUntil(() -> c.protocol().nbytes > 0);
            assertEquals(8, c.protocol().nbytes);
            assertNotNull(c.transport().getExtraInfo("sockname"));
            c.transport().close();
            Asyncio.await(c.protocol().done);
            assertEquals("CLOSED", c.protocol().state);
            s.transport().close();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_datagram_endpoint
    @Test
    void createDatagramEndpoint() {
        createDatagramEndpoint("127.0.0.1");
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_datagram_endpoint_ipv6
    @Test
    void createDatagramEndpointIpv6() {
        boolean ipv6;
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress("::1", 0));
            ipv6 = true;
        } catch (IOException | UnsupportedOperationException e) {
            ipv6 = false;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(ipv6, "IPv6 loopback not available on this machine");
        createDatagramEndpoint("::1");
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_datagram_endpoint_sock
    @Test
    void createDatagramEndpointSock() {
        TestLoops.runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramChannel sock = DatagramChannel.open();
            sock.bind(new InetSocketAddress("127.0.0.1", 0));
            DatagramEndpoint<MyDatagramProto> e = Net.createDatagramEndpoint(() -> new MyDatagramProto(loop), sock);
            e.transport().close();
            Asyncio.await(e.protocol().done);
            assertFalse(sock.isOpen());
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_datagram_send_to_non_listening_address
    @Test
    void datagramSendToNonListeningAddress() {
        TestLoops.runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            class Proto implements DatagramProtocol {
                Future<byte[]> received;

                @Override public void datagramReceived(ByteBuffer data, SocketAddress addr) {
                    byte[] copy = new byte[data.remaining()];
                    data.get(copy);
                    received.setResult(copy);
                }

                byte[] waitForDatagram() {
                    received = loop.createFuture();
                    byte[] r = NetTesting.waitFor(() -> Asyncio.await(received), 10);
                    received = null;
                    return r;
                }
            }
            DatagramChannel s1 = DatagramChannel.open();
            s1.bind(new InetSocketAddress("127.0.0.1", 0));
            DatagramEndpoint<Proto> e1 = Net.createDatagramEndpoint(Proto::new, s1);
            SocketAddress addr1 = s1.getLocalAddress();
            DatagramChannel s2 = DatagramChannel.open();
            s2.bind(new InetSocketAddress("127.0.0.1", 0));
            DatagramEndpoint<Proto> e2 = Net.createDatagramEndpoint(Proto::new, s2);
            SocketAddress addr2 = s2.getLocalAddress();
            SocketAddress addr3;
            try (DatagramChannel s3 = DatagramChannel.open()) {
                s3.bind(new InetSocketAddress("127.0.0.1", 0));
                addr3 = s3.getLocalAddress();
            }
            Task<byte[]> r2 = Asyncio.createTask(() -> e2.protocol().waitForDatagram());
            Asyncio.sleep(0);
            e1.transport().sendto(b("a"), addr2);
            assertEquals("a", NetTesting.s(Asyncio.await(r2)));
            Task<byte[]> r1 = Asyncio.createTask(() -> e1.protocol().waitForDatagram());
            Asyncio.sleep(0);
            e2.transport().sendto(b("b"), addr1);
            assertEquals("b", NetTesting.s(Asyncio.await(r1)));
            // sending to an address nobody listens on must not break receiving
            e1.transport().sendto(b("c"), addr3);
            r1 = Asyncio.createTask(() -> e1.protocol().waitForDatagram());
            Asyncio.sleep(0);
            e2.transport().sendto(b("d"), addr1);
            assertEquals("d", NetTesting.s(Asyncio.await(r1)));
            e1.transport().close();
            e2.transport().close();
            return null;
        });
    }
}
