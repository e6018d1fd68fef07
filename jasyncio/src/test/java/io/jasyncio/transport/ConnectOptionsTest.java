package io.jasyncio.transport;

import io.jasyncio.datagram.DatagramOptions;
import static io.jasyncio.transport.NetTesting.b;
import static io.jasyncio.transport.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.datagram.DatagramEndpoint;
import io.jasyncio.datagram.DatagramProtocol;
import io.jasyncio.internal.io.HappyEyeballs;
import io.jasyncio.internal.io.SocketChannels;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.Streams;
import io.jasyncio.tls.TlsUnixTest;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code create_connection(local_addr=)}, its {@code open_connection} passthrough, and
 * {@code create_datagram_endpoint(reuse_port=, allow_broadcast=)}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectOptionsTest {

    /** CPython's find_unused_port: a port that was free a moment ago. */
    static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_connection_local_addr
    @Test
    void createConnectionLocalAddr() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            int port = unusedPort();
            Asyncio.run(() -> {
                Connection<ServerTest.MyProto> c = Net.createConnection(() -> new ServerTest.MyProto(Asyncio.getRunningLoop()),
                        httpd.host(), httpd.port(), ConnectOptions.DEFAULTS.withLocalAddr(new InetSocketAddress(httpd.host(), port)));
                InetSocketAddress sockname = (InetSocketAddress) c.protocol().transport.getExtraInfo("sockname");
                assertEquals(port, sockname.getPort());
                c.transport().close();
                Asyncio.await(c.protocol().done);
                return null;
            });
        }
    }

    /** create_connection(ssl=..., local_addr=...): the TCP socket is bound first, then the handshake runs over it. */
    @Test
    void tlsConnectionLocalAddr() throws Exception {
        int port = unusedPort();
        Asyncio.run(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                writer.write(reader.readline());
                writer.close();
            }, "127.0.0.1", 0, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS.withTls(TlsUnixTest.serverTls()));
            int serverPort = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            StreamPair p = Streams.openConnection("127.0.0.1", serverPort, StreamReader.DEFAULT_LIMIT, ConnectOptions.DEFAULTS.withLocalAddr(new InetSocketAddress("127.0.0.1", port)).withTls(TlsUnixTest.insecureClient()));
            assertEquals(port, ((InetSocketAddress) p.writer().getExtraInfo("sockname")).getPort());
            assertNotNull(p.writer().getExtraInfo("ssl_object"));
            p.writer().write(b("over tls\n"));
            assertEquals("over tls\n", s(p.reader().readline()));
            p.writer().close();
            server.close();
            server.waitClosed();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_connection_local_addr_in_use
    @Test
    void createConnectionLocalAddrInUse() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            InetSocketAddress address = new InetSocketAddress(httpd.host(), httpd.port());
            Asyncio.run(() -> {
                BindException e = assertThrows(BindException.class, () -> Net.createConnection(
                        () -> new ServerTest.MyProto(Asyncio.getRunningLoop()), httpd.host(), httpd.port(), ConnectOptions.DEFAULTS.withLocalAddr(address)));
                assertTrue(e.getMessage().contains("error while attempting to bind on address " + httpd.host() + ":"
                        + httpd.port()), e.getMessage());
                assertTrue(e.getMessage().contains("address already in use"), e.getMessage());
                return null;
            });
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_connection_local_addr_skip_different_family
    @Test
    void createConnectionLocalAddrSkipDifferentFamily() throws Exception {
        int port1 = unusedPort();
        int port2 = unusedPort();
        Asyncio.run(() -> {
            InetSocketAddress remote = new InetSocketAddress("127.0.0.1", port1);
            // the IPv6 local address is skipped, the IPv4 one is bound
            try (SocketChannel ch = SocketChannels.openBound(remote, List.of(new InetSocketAddress("::1", port2),
                    new InetSocketAddress("127.0.0.1", port2)))) {
                assertEquals(new InetSocketAddress("127.0.0.1", port2), ch.getLocalAddress());
            }
            // nobody listens on port1: the connection fails, not the bind
            assertThrows(ConnectException.class, () -> Net.createConnection(() -> new Protocol() {}, "127.0.0.1", port1, ConnectOptions.DEFAULTS.withLocalAddr(new InetSocketAddress("127.0.0.1", port2))));
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_connection_local_addr_nomatch_family
    @Test
    void createConnectionLocalAddrNomatchFamily() throws Exception {
        int port1 = unusedPort();
        int port2 = unusedPort();
        Asyncio.run(() -> {
            SocketException e = assertThrows(SocketException.class, () -> Net.createConnection(() -> new Protocol() {},
                    "127.0.0.1", port1, ConnectOptions.DEFAULTS.withLocalAddr(new InetSocketAddress("::1", port2))));
            assertTrue(e.getMessage().contains("no matching local address"), e.getMessage());
            return null;
        });
    }

    // ports test_base_events.py::BaseEventLoopWithSelectorTests::test_create_connection_no_local_addr
    @Test
    void createConnectionNoLocalAddr() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            Asyncio.run(() -> {
                // asyncio's resolver returned no local address; the JDK's fails naming the host instead
                assertThrows(UnknownHostException.class, () -> Net.createConnection(() -> new Protocol() {},
                        httpd.host(), httpd.port(), ConnectOptions.DEFAULTS.withLocalAddr(InetSocketAddress.createUnresolved("no-such-host.invalid", 8080))));
                return null;
            });
        }
    }

    /** The wildcard local address fits the remote's family; an unresolved one is resolved first. */
    @Test
    void wildcardAndUnresolvedLocalAddr() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            int port = unusedPort();
            Asyncio.run(() -> {
                try (SocketChannel ch = SocketChannels.openBound(new InetSocketAddress(httpd.host(), httpd.port()),
                        List.of(new InetSocketAddress(0)))) {
                    assertTrue(((InetSocketAddress) ch.getLocalAddress()).getAddress().isAnyLocalAddress());
                }
                StreamPair p = Streams.openConnection(httpd.host(), httpd.port(), StreamReader.DEFAULT_LIMIT, ConnectOptions.DEFAULTS.withLocalAddr(InetSocketAddress.createUnresolved("127.0.0.1", port)));
                assertEquals(port, ((InetSocketAddress) p.writer().getExtraInfo("sockname")).getPort());
                p.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
                assertTrue(s(p.reader().read()).startsWith("HTTP/1.0 200 OK"));
                p.writer().close();
                p.writer().waitClosed();
                return null;
            });
        }
    }

    /** Happy eyeballs binds each attempt's socket too. */
    @Test
    void happyEyeballsBindsEachAttempt() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            int port = unusedPort();
            Asyncio.run(() -> {
                InetSocketAddress target = new InetSocketAddress(httpd.host(), httpd.port());
                try (SocketChannel ch = HappyEyeballs.connect(List.of(target), 0.05,
                        List.of(new InetSocketAddress("127.0.0.1", port)))) {
                    assertEquals(port, ((InetSocketAddress) ch.getLocalAddress()).getPort());
                }
                return null;
            });
        }
    }

    // ---------------------------------------------------------------- datagrams

    // ports test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_sockopts
    @Test
    void createDatagramEndpointSockopts() {
        Asyncio.run(() -> {
            // socket options are not applied unless asked for
            ServerTest.MyDatagramProto proto = new ServerTest.MyDatagramProto(Asyncio.getRunningLoop());
            DatagramEndpoint<ServerTest.MyDatagramProto> ep = Net.createDatagramEndpoint(() -> proto,
                    new InetSocketAddress("127.0.0.1", 0), null);
            DatagramChannel sock = (DatagramChannel) ep.transport().getExtraInfo("socket");
            assertFalse(sock.getOption(StandardSocketOptions.SO_REUSEPORT));
            assertFalse(sock.getOption(StandardSocketOptions.SO_BROADCAST));
            ep.transport().close();
            Asyncio.await(proto.done);
            assertEquals("CLOSED", proto.state);

            ServerTest.MyDatagramProto proto2 = new ServerTest.MyDatagramProto(Asyncio.getRunningLoop());
            DatagramEndpoint<ServerTest.MyDatagramProto> ep2 = Net.createDatagramEndpoint(() -> proto2,
                    new InetSocketAddress("127.0.0.1", 0), null, DatagramOptions.DEFAULTS.withReusePort(true).withAllowBroadcast(true));
            DatagramChannel sock2 = (DatagramChannel) ep2.transport().getExtraInfo("socket");
            assertFalse(sock2.getOption(StandardSocketOptions.SO_REUSEADDR));
            assertTrue(sock2.getOption(StandardSocketOptions.SO_REUSEPORT));
            assertTrue(sock2.getOption(StandardSocketOptions.SO_BROADCAST));
            ep2.transport().close();
            Asyncio.await(proto2.done);
            assertEquals("CLOSED", proto2.state);
            return null;
        });
    }

    // ports test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_allow_broadcast
    @Test
    void createDatagramEndpointAllowBroadcast() throws Exception {
        try (NetTesting.UdpEchoServer echo = new NetTesting.UdpEchoServer()) {
            Asyncio.run(() -> {
                io.jasyncio.Future<byte[]> got = Asyncio.getRunningLoop().createFuture();
                class Proto implements DatagramProtocol {
                    final io.jasyncio.Future<Void> done = Asyncio.getRunningLoop().createFuture();
                    @Override public void datagramReceived(ByteBuffer data, java.net.SocketAddress addr) {
                        byte[] copy = new byte[data.remaining()];
                        data.get(copy);
                        got.setResult(copy);
                    }
                    @Override public void connectionLost(Throwable exc) {
                        done.setResult(null);
                    }
                }
                Proto proto = new Proto();
                DatagramEndpoint<Proto> ep = Net.createDatagramEndpoint(() -> proto, null, echo.address(), DatagramOptions.DEFAULTS.withAllowBroadcast(true));
                DatagramChannel sock = (DatagramChannel) ep.transport().getExtraInfo("socket");
                assertFalse(sock.isConnected(), "with allow_broadcast the remote address is not connected to");
                assertNull(ep.transport().getExtraInfo("peername"));
                ep.transport().sendto(b("ping")); // the remote address is the default one
                assertEquals("ping", s(Asyncio.await(got)));
                ep.transport().close();
                Asyncio.await(proto.done);
                return null;
            });
        }
    }

    // ports test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_noaddr_nofamily
    @Test
    void createDatagramEndpointNoAddrNoFamily() {
        Asyncio.run(() -> {
            assertThrows(IllegalArgumentException.class,
                    () -> Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, null, null));
            return null;
        });
    }

    // ports test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_no_matching_family
    @Test
    void createDatagramEndpointNoMatchingFamily() {
        Asyncio.run(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Net.createDatagramEndpoint(() -> new DatagramProtocol() {},
                            new InetSocketAddress("::1", 0), new InetSocketAddress("127.0.0.1", 0)));
            assertTrue(e.getMessage().contains("no matching"), e.getMessage());
            // a name is paired by family with the other address, as asyncio does
            DatagramEndpoint<DatagramProtocol> ep = Net.createDatagramEndpoint(() -> new DatagramProtocol() {},
                    InetSocketAddress.createUnresolved("localhost", 0), new InetSocketAddress("127.0.0.1", 9));
            InetSocketAddress bound = (InetSocketAddress) ((DatagramChannel) ep.transport().getExtraInfo("socket"))
                    .getLocalAddress();
            assertInstanceOf(java.net.Inet4Address.class, bound.getAddress());
            ep.transport().close();
            return null;
        });
    }

    /**
     * asyncio's {@code family=}: without addresses, an unbound socket of that family; with a host name, only its
     * addresses of that family; an address of another family is refused, naming it (our own test).
     */
    @Test
    void createDatagramEndpointFamily() {
        Asyncio.run(() -> {
            DatagramEndpoint<DatagramProtocol> ep = Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, null, null, DatagramOptions.DEFAULTS.withFamily(java.net.StandardProtocolFamily.INET6));
            DatagramChannel ch = (DatagramChannel) ep.transport().getExtraInfo("socket");
            assertNull(ch.getLocalAddress(), "unbound until it sends");
            ep.transport().close();

            DatagramEndpoint<DatagramProtocol> v4 = Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, InetSocketAddress.createUnresolved("localhost", 0), null, DatagramOptions.DEFAULTS.withFamily(java.net.StandardProtocolFamily.INET));
            InetSocketAddress bound = (InetSocketAddress) ((DatagramChannel) v4.transport().getExtraInfo("socket"))
                    .getLocalAddress();
            assertInstanceOf(java.net.Inet4Address.class, bound.getAddress());
            v4.transport().close();

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, new InetSocketAddress("127.0.0.1", 0), null, DatagramOptions.DEFAULTS.withFamily(java.net.StandardProtocolFamily.INET6)));
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, null, null, DatagramOptions.DEFAULTS.withFamily(java.net.StandardProtocolFamily.UNIX)));
            return null;
        });
    }

    /** {@code reuse_port}: two endpoints may bind the same address; without it the second bind fails. */
    @Test
    void createDatagramEndpointReusePort() {
        Asyncio.run(() -> {
            DatagramEndpoint<DatagramProtocol> a = Net.createDatagramEndpoint(() -> new DatagramProtocol() {},
                    new InetSocketAddress("127.0.0.1", 0), null, DatagramOptions.DEFAULTS.withReusePort(true));
            java.net.SocketAddress addr = ((DatagramChannel) a.transport().getExtraInfo("socket")).getLocalAddress();
            DatagramEndpoint<DatagramProtocol> b = Net.createDatagramEndpoint(() -> new DatagramProtocol() {},
                    addr, null, DatagramOptions.DEFAULTS.withReusePort(true));
            assertEquals(addr, ((DatagramChannel) b.transport().getExtraInfo("socket")).getLocalAddress());
            assertThrows(BindException.class, () -> Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, addr, null));
            a.transport().close();
            b.transport().close();
            return null;
        });
    }
}
