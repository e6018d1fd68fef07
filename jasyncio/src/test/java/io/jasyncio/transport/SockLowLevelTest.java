package io.jasyncio.transport;

import static io.jasyncio.transport.NetTesting.b;
import static io.jasyncio.transport.NetTesting.s;
import static io.jasyncio.transport.NetTesting.waitFor;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's low-level socket operations (CPython's test_sock_lowlevel.py). */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SockLowLevelTest {

    private static void clientOps(SocketChannel sock, SocketAddress address) throws Exception {
        // a blocking channel is refused (asyncio checks this in debug mode)
        assertThrows(IllegalArgumentException.class, () -> Sockets.sockConnect(sock, address));
        assertThrows(IllegalArgumentException.class, () -> Sockets.sockSendall(sock, b("GET / HTTP/1.0\r\n\r\n")));
        assertThrows(IllegalArgumentException.class, () -> Sockets.sockRecv(sock, 1024));
        assertThrows(IllegalArgumentException.class, () -> Sockets.sockRecvInto(sock, ByteBuffer.allocate(0)));
        sock.configureBlocking(false);
        Sockets.sockConnect(sock, address);
        Sockets.sockSendall(sock, b("GET / HTTP/1.0\r\n\r\n"));
        byte[] data = Sockets.sockRecv(sock, 1024);
        Sockets.sockRecv(sock, 1024); // consume the rest
        sock.close();
        assertTrue(s(data).startsWith("HTTP/1.0 200 OK"), s(data));
    }

    private static void recvInto(SocketChannel sock, SocketAddress address) throws Exception {
        sock.configureBlocking(false);
        Sockets.sockConnect(sock, address);
        Sockets.sockSendall(sock, b("GET / HTTP/1.0\r\n\r\n"));
        ByteBuffer data = ByteBuffer.allocate(1024);
        int nbytes = Sockets.sockRecvInto(sock, data);
        assertTrue(nbytes > 0);
        Sockets.sockRecvInto(sock, data);
        sock.close();
        assertTrue(s(Arrays.copyOf(data.array(), data.position())).startsWith("HTTP/1.0 200 OK"));
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_sock_client_ops
    @Test
    void sockClientOps() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            InetSocketAddress addr = new InetSocketAddress(httpd.host(), httpd.port());
            Asyncio.run(() -> {
                clientOps(SocketChannel.open(), addr);
                recvInto(SocketChannel.open(), addr);
                return null;
            });
        }
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_unix_sock_client_ops
    @Test
    void unixSockClientOps() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.unix()) {
            UnixDomainSocketAddress addr = UnixDomainSocketAddress.of(httpd.path());
            Asyncio.run(() -> {
                clientOps(SocketChannel.open(StandardProtocolFamily.UNIX), addr);
                recvInto(SocketChannel.open(StandardProtocolFamily.UNIX), addr);
                return null;
            });
        }
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_sock_client_racing
    @Test
    void sockClientRacing() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            InetSocketAddress addr = new InetSocketAddress(httpd.host(), httpd.port());
            Asyncio.run(() -> {
                // recv racing: a cancelled sock_recv must not steal the next one's data
                try (SocketChannel sock = SocketChannel.open()) {
                    waitFor(() -> {
                        sock.configureBlocking(false);
                        Sockets.sockConnect(sock, addr);
                        Task<byte[]> task = Asyncio.createTask(() -> Sockets.sockRecv(sock, 1024));
                        Asyncio.sleep(0);
                        task.cancel();
                        Asyncio.createTask(() -> {
                            Sockets.sockSendall(sock, b("GET / HTTP/1.0\r\n\r\n"));
                            return null;
                        });
                        byte[] data = Sockets.sockRecv(sock, 1024);
                        Sockets.sockRecv(sock, 1024);
                        assertTrue(s(data).startsWith("HTTP/1.0 200 OK"));
                        return null;
                    }, 10);
                }
                // recv_into racing
                try (SocketChannel sock = SocketChannel.open()) {
                    waitFor(() -> {
                        sock.configureBlocking(false);
                        Sockets.sockConnect(sock, addr);
                        ByteBuffer buf = ByteBuffer.allocate(1024);
                        Task<Integer> task = Asyncio.createTask(() -> Sockets.sockRecvInto(sock, buf));
                        Asyncio.sleep(0);
                        task.cancel();
                        Task<Void> send = Asyncio.createTask(() -> {
                            Sockets.sockSendall(sock, b("GET / HTTP/1.0\r\n\r\n"));
                            return null;
                        });
                        Sockets.sockRecvInto(sock, buf);
                        Sockets.sockRecvInto(sock, buf);
                        assertTrue(s(Arrays.copyOf(buf.array(), buf.position())).startsWith("HTTP/1.0 200 OK"));
                        Asyncio.await(send);
                        return null;
                    }, 10);
                }
                // send racing: a cancelled sock_sendall must not disturb the next one
                try (ServerSocketChannel listener = ServerSocketChannel.open(); SocketChannel sock = SocketChannel.open()) {
                    waitFor(() -> {
                        listener.bind(new InetSocketAddress("127.0.0.1", 0), 1);
                        sock.setOption(StandardSocketOptions.SO_SNDBUF, 1024);
                        sock.configureBlocking(false);
                        Task<Void> connect = Asyncio.createTask(() -> {
                            Sockets.sockConnect(sock, listener.getLocalAddress());
                            return null;
                        });
                        listener.configureBlocking(false);
                        SocketChannel server = Sockets.sockAccept(listener);
                        try (server) {
                            Asyncio.await(connect);
                            // fill the send buffer until even 4 bytes do not fit
                            for (int size = 8192; size >= 4; size /= 2) {
                                while (sock.write(ByteBuffer.wrap(b(" ".repeat(size)))) > 0) { /* fill */ }
                            }
                            Task<Void> blocked = Asyncio.createTask(() -> {
                                Sockets.sockSendall(sock, b("hello"));
                                return null;
                            });
                            Asyncio.sleep(0);
                            blocked.cancel();
                            Task<String> recvAll = Asyncio.createTask(() -> {
                                StringBuilder rv = new StringBuilder();
                                while (true) {
                                    byte[] chunk = Sockets.sockRecv(server, 8192);
                                    if (chunk.length == 0) return rv.toString();
                                    rv.append(s(chunk).strip());
                                }
                            });
                            Sockets.sockSendall(sock, b("world"));
                            sock.shutdownOutput();
                            assertTrue(Asyncio.await(recvAll).endsWith("world"));
                        }
                        return null;
                    }, 10);
                }
                return null;
            });
        }
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_sock_client_connect_racing
    @Test
    void sockClientConnectRacing() throws Exception {
        Asyncio.run(() -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                // Java binds and listens in one call: connect a first socket, cancel it, then connect again.
                listener.bind(new InetSocketAddress("127.0.0.1", 0), 1);
                SocketAddress addr = listener.getLocalAddress();
                try (SocketChannel first = SocketChannel.open()) {
                    first.configureBlocking(false);
                    Task<Void> task = Asyncio.createTask(() -> {
                        Sockets.sockConnect(first, addr);
                        return null;
                    });
                    Asyncio.sleep(0);
                    task.cancel();
                }
                try (SocketChannel sock = SocketChannel.open()) {
                    sock.configureBlocking(false);
                    waitFor(() -> {
                        Sockets.sockConnect(sock, addr);
                        return null;
                    }, 10);
                    assertTrue(sock.isConnected());
                }
            }
            return null;
        });
    }

    private static void hugeContent(boolean recvInto) throws Exception {
        try (NetTesting.TcpEchoServer echo = new NetTesting.TcpEchoServer()) {
            Asyncio.run(() -> {
                int size = 1_000_000;
                byte[] chunk = b("0123456789".repeat(size / 10));
                try (SocketChannel sock = SocketChannel.open()) {
                    sock.configureBlocking(false);
                    Sockets.sockConnect(sock, echo.address());
                    Task<Void> send = Asyncio.createTask(() -> {
                        Sockets.sockSendall(sock, chunk);
                        sock.shutdownOutput();
                        return null;
                    });
                    int got = 0;
                    ByteBuffer buf = ByteBuffer.allocate(size);
                    while (true) {
                        byte[] data;
                        if (recvInto) {
                            buf.clear();
                            int n = Sockets.sockRecvInto(sock, buf);
                            data = Arrays.copyOf(buf.array(), n);
                        } else {
                            data = Sockets.sockRecv(sock, size);
                        }
                        if (data.length == 0) break;
                        for (int i = 0; i < data.length; i++) {
                            assertEquals('0' + (got + i) % 10, data[i], "byte " + (got + i));
                        }
                        got += data.length;
                    }
                    assertEquals(size, got);
                    Asyncio.await(send);
                }
                return null;
            });
        }
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_huge_content
    @Test
    void hugeContent() throws Exception {
        hugeContent(false);
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_huge_content_recvinto
    @Test
    void hugeContentRecvinto() throws Exception {
        hugeContent(true);
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_recvfrom
    @Test
    void recvfrom() throws Exception {
        try (NetTesting.UdpEchoServer server = new NetTesting.UdpEchoServer()) {
            InetSocketAddress serverAddress = server.address();
            Asyncio.run(() -> {
                try (DatagramChannel sock = DatagramChannel.open()) {
                    sock.configureBlocking(false);
                    byte[] data = new byte[4096];
                    Arrays.fill(data, (byte) 1);
                    Sockets.sockSendto(sock, data, serverAddress);
                    Sockets.Datagram d = Sockets.sockRecvfrom(sock, 4096);
                    assertArrayEquals(data, d.data());
                    assertEquals(serverAddress, d.address());
                }
                return null;
            });
        }
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_recvfrom_into
    @Test
    void recvfromInto() throws Exception {
        try (NetTesting.UdpEchoServer server = new NetTesting.UdpEchoServer()) {
            InetSocketAddress serverAddress = server.address();
            Asyncio.run(() -> {
                try (DatagramChannel sock = DatagramChannel.open()) {
                    sock.configureBlocking(false);
                    byte[] data = new byte[4096];
                    Arrays.fill(data, (byte) 1);
                    ByteBuffer buf = ByteBuffer.allocate(4096);
                    Sockets.sockSendto(sock, data, serverAddress);
                    Sockets.Received r = Sockets.sockRecvfromInto(sock, buf);
                    assertEquals(4096, r.nbytes());
                    assertArrayEquals(data, buf.array());
                    assertEquals(serverAddress, r.address());

                    ByteBuffer big = ByteBuffer.allocate(8192).limit(4096);
                    Sockets.sockSendto(sock, data, serverAddress);
                    r = Sockets.sockRecvfromInto(sock, big);
                    assertEquals(4096, r.nbytes());
                    assertArrayEquals(data, Arrays.copyOf(big.array(), 4096));
                }
                return null;
            });
        }
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_sock_client_fail
    @Test
    void sockClientFail() throws Exception {
        InetSocketAddress address;
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            address = (InetSocketAddress) s.getLocalAddress();
        }
        Asyncio.run(() -> {
            try (SocketChannel sock = SocketChannel.open()) {
                sock.configureBlocking(false);
                ConnectException e = assertThrows(ConnectException.class, () -> Sockets.sockConnect(sock, address));
                assertTrue(e.getMessage().contains("127.0.0.1:" + address.getPort()), e.getMessage());
            }
            return null;
        });
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_sock_accept
    @Test
    void sockAccept() throws Exception {
        Asyncio.run(() -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.configureBlocking(false);
                listener.bind(new InetSocketAddress("127.0.0.1", 0), 1);
                SocketChannel client = SocketChannel.open();
                client.configureBlocking(false);
                Task<Void> connecting = Asyncio.createTask(() -> {
                    Sockets.sockConnect(client, listener.getLocalAddress());
                    return null;
                });
                try (client; SocketChannel conn = Sockets.sockAccept(listener)) {
                    Asyncio.await(connecting);
                    assertFalse(conn.isBlocking());
                    assertEquals(client.getLocalAddress(), conn.getRemoteAddress());
                    assertEquals(listener.getLocalAddress(), client.getRemoteAddress());
                }
            }
            return null;
        });
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_cancel_sock_accept
    @Test
    void cancelSockAccept() throws Exception {
        Asyncio.run(() -> {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.configureBlocking(false);
            listener.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            SocketAddress sockaddr = listener.getLocalAddress();
            assertThrows(TimeoutError.class, () -> waitFor(() -> Sockets.sockAccept(listener), 0.1));
            // the cancelled accept left nothing registered
            SelectionKey key = listener.keyFor(Asyncio.getRunningLoop().selector());
            assertTrue(key == null || !key.isValid() || key.interestOps() == 0);
            listener.close();
            try (SocketChannel client = SocketChannel.open()) {
                client.configureBlocking(false);
                assertThrows(ConnectException.class, () -> Sockets.sockConnect(client, sockaddr));
            }
            return null;
        });
    }

    // ports test_sock_lowlevel.py::BaseSockTestsMixin::test_create_connection_sock
    @Test
    void createConnectionSock() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            Asyncio.run(() -> {
                SocketChannel sock = SocketChannel.open();
                sock.configureBlocking(false);
                Sockets.sockConnect(sock, new InetSocketAddress(httpd.host(), httpd.port()));
                EventLoop loop = Asyncio.getRunningLoop();
                Connection<MyProto> c = Net.createConnection(() -> new MyProto(loop), sock);
                assertNotNull(c.transport());
                Asyncio.await(c.protocol().done);
                assertTrue(c.protocol().nbytes > 0);
                assertEquals("CLOSED", c.protocol().state);
                c.transport().close();
                return null;
            });
        }
    }

    // Cancelling a waiting sockRecv removes its reader at once; the channel can be read again afterwards.
    @Test
    void cancelledRecvLeavesNoRegistration() throws Exception {
        Asyncio.run(() -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                listener.configureBlocking(false);
                SocketChannel client = SocketChannel.open();
                client.configureBlocking(false);
                Task<Void> connecting = Asyncio.createTask(() -> {
                    Sockets.sockConnect(client, listener.getLocalAddress());
                    return null;
                });
                try (client; SocketChannel conn = Sockets.sockAccept(listener)) {
                    Asyncio.await(connecting);
                    Task<byte[]> t = Asyncio.createTask(() -> Sockets.sockRecv(conn, 10));
                    Asyncio.sleep(0);
                    SelectionKey key = conn.keyFor(Asyncio.getRunningLoop().selector());
                    assertTrue(key != null && (key.interestOps() & SelectionKey.OP_READ) != 0);
                    t.cancel();
                    assertThrows(CancelledError.class, () -> Asyncio.await(t));
                    assertTrue(!key.isValid() || (key.interestOps() & SelectionKey.OP_READ) == 0);
                    Sockets.sockSendall(client, b("abc"));
                    assertEquals("abc", s(Sockets.sockRecv(conn, 10)));
                }
            }
            return null;
        });
    }

    /** CPython's MyProto of test_sock_lowlevel.py: sends a request, counts the reply, tracks its state. */
    static final class MyProto implements Protocol {
        String state = "INITIAL";
        int nbytes;
        Transport transport;
        final io.jasyncio.Future<Void> connected;
        final io.jasyncio.Future<Void> done;

        MyProto(EventLoop loop) {
            connected = loop == null ? null : loop.createFuture();
            done = loop == null ? null : loop.createFuture();
        }

        private void expect(String... states) {
            if (!Arrays.asList(states).contains(state)) {
                throw new AssertionError("state: " + state + ", expected: " + Arrays.toString(states));
            }
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            expect("INITIAL");
            state = "CONNECTED";
            if (connected != null) connected.setResult(null);
            transport.write(b("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            expect("CONNECTED");
            nbytes += data.remaining();
        }

        @Override
        public boolean eofReceived() {
            expect("CONNECTED");
            state = "EOF";
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {
            expect("CONNECTED", "EOF");
            state = "CLOSED";
            if (done != null) done.setResult(null);
        }
    }
}
