package io.jasyncio.streams;

import static io.jasyncio.transport.NetTesting.b;
import static io.jasyncio.transport.NetTesting.runCollectingErrors;
import static io.jasyncio.transport.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ExceptionContext;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.NetTesting;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.TestHttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streams over real sockets (CPython's test_streams.py, the parts with connections). */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamsTest {

    private static void basetestOpenConnection(StreamPair p) {
        p.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
        assertEquals("HTTP/1.0 200 OK\r\n", s(p.reader().readline()));
        assertTrue(s(p.reader().read()).endsWith("\r\n\r\nTest message"));
        p.writer().close();
    }

    // ports test_streams.py::StreamTests::test_open_connection
    @Test
    void openConnection() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            List<ExceptionContext> messages = runCollectingErrors(() -> {
                basetestOpenConnection(Streams.openConnection(httpd.host(), httpd.port()));
                return null;
            });
            assertEquals(List.of(), messages);
        }
    }

    // ports test_streams.py::StreamTests::test_open_unix_connection
    @Test
    void openUnixConnection() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.unix()) {
            List<ExceptionContext> messages = runCollectingErrors(() -> {
                basetestOpenConnection(Streams.openUnixConnection(httpd.path()));
                return null;
            });
            assertEquals(List.of(), messages);
        }
    }

    private static void basetestOpenConnectionError(StreamPair p) {
        // connectionLost with an error makes the reader fail with it
        StreamReaderProtocolAccess.protocolOf(p.writer()).connectionLost(new ArithmeticException());
        assertThrows(ArithmeticException.class, () -> p.reader().read());
        p.writer().close();
        Asyncio.sleep(0);
    }

    // ports test_streams.py::StreamTests::test_open_connection_error
    @Test
    void openConnectionError() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            List<ExceptionContext> messages = runCollectingErrors(() -> {
                basetestOpenConnectionError(Streams.openConnection(httpd.host(), httpd.port()));
                return null;
            });
            assertEquals(List.of(), messages);
        }
    }

    // ports test_streams.py::StreamTests::test_open_unix_connection_error
    @Test
    void openUnixConnectionError() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.unix()) {
            List<ExceptionContext> messages = runCollectingErrors(() -> {
                basetestOpenConnectionError(Streams.openUnixConnection(httpd.path()));
                return null;
            });
            assertEquals(List.of(), messages);
        }
    }

    private static void handleClient(StreamReader reader, StreamWriter writer) {
        byte[] data = reader.readline();
        writer.write(data);
        writer.drain();
        writer.close();
        writer.waitClosed();
    }

    private static byte[] client(StreamPair p) {
        p.writer().write(b("hello world!\n"));
        byte[] back = p.reader().readline();
        p.writer().close();
        p.writer().waitClosed();
        return back;
    }

    // ports test_streams.py::StreamTests::test_start_server
    @Test
    void startServer() {
        List<ExceptionContext> messages = runCollectingErrors(() -> {
            // with a server socket made beforehand (asyncio's sock= argument)
            ServerSocketChannel sock = ServerSocketChannel.open();
            sock.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress addr = (InetSocketAddress) sock.getLocalAddress();
            Server server = Net.createServer(() -> new StreamReaderProtocol(new StreamReader(), StreamsTest::handleClient),
                    sock, ServerOptions.DEFAULTS);
            assertEquals("hello world!\n", s(client(Streams.openConnection("127.0.0.1", addr.getPort()))));
            server.close();
            server.waitClosed();
            // with host and port; the handler starts its own task
            Server server2 = Streams.startServer((r, w) -> Asyncio.createTask(() -> {
                handleClient(r, w);
                return null;
            }), "127.0.0.1", 0);
            int port = ((InetSocketAddress) server2.getSockets().get(0).getLocalAddress()).getPort();
            assertEquals("hello world!\n", s(client(Streams.openConnection("127.0.0.1", port))));
            server2.close();
            server2.waitClosed();
            return null;
        });
        assertEquals(List.of(), messages);
    }

    // ports test_streams.py::StreamTests::test_start_unix_server
    @Test
    void startUnixServer() {
        Path path = NetTesting.tempSocketPath();
        try {
            List<ExceptionContext> messages = runCollectingErrors(() -> {
                Server server = Streams.startUnixServer(StreamsTest::handleClient, path);
                assertEquals("hello world!\n", s(client(Streams.openUnixConnection(path))));
                server.close();
                server.waitClosed();
                Server server2 = Streams.startUnixServer((r, w) -> Asyncio.createTask(() -> {
                    handleClient(r, w);
                    return null;
                }), path);
                assertEquals("hello world!\n", s(client(Streams.openUnixConnection(path))));
                server2.close();
                server2.waitClosed();
                return null;
            });
            assertEquals(List.of(), messages);
        } finally {
            NetTesting.deleteSocketPath(path);
        }
    }

    // ports test_streams.py::StreamTests::test_streamreader_constructor_use_running_loop
    @Test
    void streamreaderConstructorUseRunningLoop() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
            assertNotNull(protocol);
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_streamreader_constructor_without_loop
    @Test
    void streamreaderConstructorWithoutLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new StreamReader());
        assertTrue(e.getMessage().contains("no running event loop"));
    }

    // ports test_streams.py::StreamTests::test_drain_raises
    @Test
    void drainRaises() throws Exception {
        // The peer is a plain blocking thread that accepts and closes at once.
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            Thread t = new Thread(() -> {
                try (SocketChannel c = listener.accept()) {
                    // close at once
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            List<ExceptionContext> messages = runCollectingErrors(() -> {
                StreamPair p = Streams.openConnection("127.0.0.1", port);
                Exception e = assertThrows(Exception.class, () -> {
                    while (true) {
                        p.writer().write(b("foo\n"));
                        p.writer().drain();
                    }
                });
                assertInstanceOf(IOException.class, e); // connection reset, broken pipe or lost
                return null;
            });
            t.join();
            assertEquals(List.of(), messages);
        }
    }

    // ports test_streams.py::StreamTests::test_wait_closed_on_close
    @Test
    void waitClosedOnClose() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            Asyncio.run(() -> {
                StreamPair p = Streams.openConnection(httpd.host(), httpd.port());
                p.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
                assertEquals("HTTP/1.0 200 OK\r\n", s(p.reader().readline()));
                assertTrue(s(p.reader().read()).endsWith("\r\n\r\nTest message"));
                assertFalse(p.writer().isClosing());
                p.writer().close();
                assertTrue(p.writer().isClosing());
                p.writer().waitClosed();
                return null;
            });
        }
    }

    // ports test_streams.py::StreamTests::test_wait_closed_on_close_with_unread_data
    @Test
    void waitClosedOnCloseWithUnreadData() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            Asyncio.run(() -> {
                StreamPair p = Streams.openConnection(httpd.host(), httpd.port());
                p.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
                assertEquals("HTTP/1.0 200 OK\r\n", s(p.reader().readline()));
                p.writer().close();
                p.writer().waitClosed();
                return null;
            });
        }
    }

    // ports test_streams.py::StreamTests::test_async_writer_api
    @Test
    void asyncWriterApi() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            List<ExceptionContext> messages = runCollectingErrors(() -> {
                StreamPair p = Streams.openConnection(httpd.host(), httpd.port());
                p.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
                p.writer().drain();
                assertEquals("HTTP/1.0 200 OK\r\n", s(p.reader().readline()));
                assertTrue(s(p.reader().read()).endsWith("\r\n\r\nTest message"));
                p.writer().close();
                p.writer().waitClosed();
                return null;
            });
            assertEquals(List.of(), messages);
        }
    }

    // ports test_streams.py::StreamTests::test_async_writer_api_exception_after_close
    @Test
    void asyncWriterApiExceptionAfterClose() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            List<ExceptionContext> messages = runCollectingErrors(() -> {
                StreamPair p = Streams.openConnection(httpd.host(), httpd.port());
                p.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
                assertEquals("HTTP/1.0 200 OK\r\n", s(p.reader().readline()));
                assertTrue(s(p.reader().read()).endsWith("\r\n\r\nTest message"));
                p.writer().close();
                SocketException e = assertThrows(SocketException.class, () -> {
                    p.writer().write(b("data"));
                    p.writer().drain();
                });
                assertEquals("Connection lost", e.getMessage());
                return null;
            });
            assertEquals(List.of(), messages);
        }
    }

    // ports test_streams.py::StreamTests::test_eof_feed_when_closing_writer
    @Test
    void eofFeedWhenClosingWriter() throws Exception {
        try (TestHttpServer httpd = TestHttpServer.tcp()) {
            List<ExceptionContext> messages = runCollectingErrors(() -> {
                StreamPair p = Streams.openConnection(httpd.host(), httpd.port());
                p.writer().close();
                p.writer().waitClosed();
                assertTrue(p.reader().atEof());
                assertArrayEquals(b(""), p.reader().read());
                return null;
            });
            assertEquals(List.of(), messages);
        }
    }

    private static List<ExceptionContext> unhandled(StreamReaderProtocol.ClientConnected handler) {
        return runCollectingErrors(() -> {
            Server server = Streams.startServer(handler, "127.0.0.1", 0);
            int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
            StreamPair p = Streams.openConnection("127.0.0.1", port);
            p.reader().read(); // the server closes the connection
            p.writer().close();
            p.writer().waitClosed();
            server.close();
            server.waitClosed();
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_unhandled_exception
    @Test
    void unhandledException() {
        List<ExceptionContext> messages = unhandled((r, w) -> {
            throw new Exception("test");
        });
        assertEquals("Unhandled exception in client_connected_cb", messages.get(0).message());
    }

    // ports test_streams.py::StreamTests::test_unhandled_cancel
    @Test
    void unhandledCancel() {
        List<ExceptionContext> messages = unhandled((r, w) -> {
            w.close();
            Asyncio.currentTask().cancel();
            Asyncio.sleep(0);
        });
        assertEquals(List.of(), messages);
    }

    // openConnection to a port nobody listens on fails with an error naming the address.
    @Test
    void refusedConnectionNamesAddress() throws Exception {
        int port;
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        Asyncio.run(() -> {
            java.net.ConnectException e = assertThrows(java.net.ConnectException.class,
                    () -> Streams.openConnection("127.0.0.1", port));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            return null;
        });
    }

    // An unresolvable host fails with UnknownHostException naming the host.
    @Test
    void unresolvableHostNamesHost() {
        Asyncio.run(() -> {
            java.net.UnknownHostException e = assertThrows(java.net.UnknownHostException.class,
                    () -> Streams.openConnection("no-such-host.invalid", 80));
            assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
            return null;
        });
    }

    private static int portOf(Server server) throws IOException {
        return ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
    }

    /**
     * Issue 13 item 22: StreamWriter and StreamPair are AutoCloseable, so a handler (and a client) written with
     * try-with-resources closes its connection however it ends, and Server.waitClosed() returns.
     */
    @Test
    void tryWithResourcesClosesTheConnectionSoWaitClosedReturns() throws Exception {
        List<ExceptionContext> messages = runCollectingErrors(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                try (writer) {
                    writer.write(reader.readline());
                    writer.drain();
                }
            }, "127.0.0.1", 0);
            try (StreamPair conn = Streams.openConnection("127.0.0.1", portOf(server))) {
                conn.writer().write(b("echo me\n"));
                assertEquals("echo me\n", s(conn.reader().readline()));
                assertEquals("", s(conn.reader().read())); // the handler's block closed its end
            }
            server.close();
            NetTesting.waitFor(() -> {
                server.waitClosed();
                return null;
            }, 10);
            assertEquals(0, server.activeConnections());
            return null;
        });
        assertEquals(List.of(), messages);
    }

    /** The semantics kept (as in asyncio): a handler that returns without closing keeps waitClosed() waiting. */
    @Test
    void anUnclosedWriterKeepsWaitClosedWaiting() throws Exception {
        runCollectingErrors(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                writer.write(reader.readline());
                writer.drain(); // returns without writer.close()
            }, "127.0.0.1", 0);
            try (StreamPair conn = Streams.openConnection("127.0.0.1", portOf(server))) {
                conn.writer().write(b("x\n"));
                assertEquals("x\n", s(conn.reader().readline()));
            }
            server.close();
            assertThrows(io.jasyncio.TimeoutError.class, () -> NetTesting.waitFor(() -> {
                server.waitClosed();
                return null;
            }, 0.2));
            assertEquals(1, server.activeConnections());
            server.closeClients();
            server.waitClosed();
            return null;
        });
    }
}
