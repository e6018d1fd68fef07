package io.jasyncio.tls;

import io.jasyncio.streams.StreamReader;
import io.jasyncio.transport.ConnectOptions;
import java.io.IOException;
import static io.jasyncio.transport.NetTesting.b;
import static io.jasyncio.transport.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.TestLoops;
import io.jasyncio.Future;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.NetTesting;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.ServerTest;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TLS over Unix domain sockets: {@code create_unix_connection}/{@code create_unix_server} & co. with {@code ssl=}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class TlsUnixTest {
    Path path;

    @BeforeEach
    void makePath() {
        path = NetTesting.tempSocketPath();
    }

    @AfterEach
    void deletePath() {
        NetTesting.deleteSocketPath(path);
    }

    public static TlsOptions serverTls() {
        return TlsOptions.server(TlsTesting.serverContext());
    }

    /** CPython's dummy_ssl_context with {@code server_hostname=''}: no verification at all. */
    public static TlsOptions insecureClient() {
        return TlsTesting.clientNoHostname(TlsTesting.insecureClientContext());
    }

    /** CPython's run_test_unix_server(use_ssl=True), on our own TLS Unix server: answers one request and closes. */
    static Server httpServer(Path path) throws IOException {
        return Streams.startUnixServer((reader, writer) -> {
            reader.readuntil(b("\r\n\r\n"));
            writer.write(b("HTTP/1.0 200 OK\r\n\r\nTest message"));
            writer.close();
            writer.waitClosed();
        }, path, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS.withTls(serverTls()));
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_ssl_unix_connection
    @Test
    void createSslUnixConnection() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Server server = httpServer(path);
            Connection<ServerTest.MyProto> c = Net.createUnixConnection(() -> new ServerTest.MyProto(loop), path, ConnectOptions.overTls(insecureClient()));
            assertInstanceOf(SslTransport.class, c.transport());
            assertNotNull(c.transport().getExtraInfo("ssl_object"));
            assertEquals(UnixDomainSocketAddress.of(path), c.transport().getExtraInfo("peername"));
            Asyncio.await(c.protocol().done);
            assertTrue(c.protocol().nbytes > 0);
            c.transport().close();

            // with the JVM's default trust store, the test certificate fails verification
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> Net.createUnixConnection(
                    () -> new ServerTest.MyProto(loop), path, ConnectOptions.overTls(TlsOptions.client(SSLContext.getDefault()).withServerHostname("127.0.0.1"))));
            assertTrue(e.getMessage().contains("certif"), e.getMessage());
            server.close();
            server.waitClosed();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_unix_server_ssl
    @Test
    void createUnixServerSsl() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ServerTest.MyProto proto = new ServerTest.MyProto(loop);
            Server server = Net.createUnixServer(() -> proto, path, ServerOptions.DEFAULTS.withTls(serverTls()));
            Connection<ServerTest.MyBaseProto> client = Net.createUnixConnection(() -> new ServerTest.MyBaseProto(loop), path, ConnectOptions.overTls(insecureClient()));
            client.transport().write(b("xxx"));
            Asyncio.await(proto.connected);
            assertEquals("CONNECTED", proto.state);
            proto.awaitBytes(3);
            assertEquals(3, proto.nbytes);

            // close connection
            proto.transport.close();
            Asyncio.await(proto.done);
            assertEquals("CLOSED", proto.state);
            client.transport().close();
            Asyncio.await(client.protocol().done);
            server.close();
            server.waitClosed();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_unix_server_ssl_verify_failed
    @Test
    void createUnixServerSslVerifyFailed() {
        TestLoops.runRealCollectingErrors(() -> { // the failed handshake is reported: kept out of the log
            EventLoop loop = Asyncio.getRunningLoop();
            ServerTest.MyProto proto = new ServerTest.MyProto(loop);
            Server server = Net.createUnixServer(() -> proto, path, ServerOptions.DEFAULTS.withTls(serverTls()));
            // no CA loaded
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> Net.createUnixConnection(
                    () -> new ServerTest.MyBaseProto(loop), path, ConnectOptions.overTls(TlsOptions.client(TlsTesting.untrustingClientContext()).withServerHostname("invalid"))));
            assertTrue(e.getMessage().toLowerCase().contains("certif"), e.getMessage());
            assertNull(proto.transport);
            server.close();
            server.waitClosed();
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_create_unix_server_ssl_verified
    @Test
    void createUnixServerSslVerified() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ServerTest.MyProto proto = new ServerTest.MyProto(loop);
            Server server = Net.createUnixServer(() -> proto, path, ServerOptions.DEFAULTS.withTls(serverTls()));
            // connection succeeds with the right CA and server name
            Connection<ServerTest.MyBaseProto> client = Net.createUnixConnection(() -> new ServerTest.MyBaseProto(loop), path, ConnectOptions.overTls(TlsOptions.client(TlsTesting.clientContext()).withServerHostname("localhost")));
            Asyncio.await(proto.connected);
            proto.transport.close();
            client.transport().close();
            server.close();
            Asyncio.await(proto.done);
            Asyncio.await(client.protocol().done);
            server.waitClosed();
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_open_unix_connection_no_loop_ssl
    @Test
    void openUnixConnectionSsl() {
        List<ExceptionContext> messages = TestLoops.runRealCollectingErrors(() -> {
            Server server = httpServer(path);
            StreamPair p = Streams.openUnixConnection(path, StreamReader.DEFAULT_LIMIT, ConnectOptions.overTls(insecureClient()));
            p.writer().write(b("GET / HTTP/1.0\r\n\r\n"));
            assertTrue(s(p.reader().read()).endsWith("\r\n\r\nTest message"));
            p.writer().close();
            p.writer().waitClosed();
            server.close();
            server.waitClosed();
            return null;
        });
        assertEquals(List.of(), messages);
    }

    // ports test_unix_events.py::SelectorEventLoopUnixSocketTests::test_create_unix_connection_ssl_noserverhost
    @Test
    void createUnixConnectionSslNoServerHostname() {
        Asyncio.run(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Net.createUnixConnection(() -> new Protocol() {}, Path.of("/dev/null"), ConnectOptions.overTls(TlsOptions.client())));
            assertTrue(e.getMessage().contains("you have to pass server_hostname when using ssl"), e.getMessage());
            return null;
        });
    }

    /** A TLS Unix stream server with a limit and options, and a client with a limit; the socket file is cleaned up. */
    @Test
    void startUnixServerSslStreams() {
        Asyncio.run(() -> {
            Server server = Streams.startUnixServer((reader, writer) -> {
                byte[] line = reader.readline();
                writer.write(line);
                writer.close();
            }, path, 1024, ServerOptions.DEFAULTS.withTls(serverTls()));
            StreamPair p = Streams.openUnixConnection(path, 1024, ConnectOptions.overTls(insecureClient()));
            p.writer().write(b("echo me\n"));
            assertEquals("echo me\n", s(p.reader().read()));
            p.writer().close();
            p.writer().waitClosed();
            server.close();
            server.waitClosed();
            assertFalse(java.nio.file.Files.exists(path), "the socket file is removed on close");
            return null;
        });
    }
}
