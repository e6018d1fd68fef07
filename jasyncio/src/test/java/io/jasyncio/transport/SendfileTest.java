package io.jasyncio.transport;

import static io.jasyncio.TestLoops.runReal;
import static io.jasyncio.transport.NetTesting.b;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.datagram.DatagramEndpoint;
import io.jasyncio.datagram.DatagramProtocol;
import io.jasyncio.tls.Tls;
import io.jasyncio.tls.TlsOptions;
import io.jasyncio.tls.TlsTesting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loop.sock_sendfile} and {@code loop.sendfile} over real loopback connections (CPython's test_sendfile.py,
 * test_base_events.py::BaseLoopSockSendfileTests and the cancellation cases of test_unix_events.py). The data is
 * a byte pattern, not one repeated letter, so that a chunk sent twice or out of order shows.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SendfileTest {
    /** As CPython's: large enough that the kernel cannot buffer it all (Linux 6.10 buffers up to 17 pages). */
    static final byte[] DATA = pattern(1024 * 17 * 64 + 1);
    /** CPython reduces the socket buffers to this, to test on relatively small data. */
    static final int BUF_SIZE = 4 * 1024;

    @TempDir
    Path dir;
    Path path;
    FileChannel file;

    static byte[] pattern(int n) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) d[i] = (byte) (i % 251);
        return d;
    }

    @BeforeEach
    void openFile() throws IOException {
        path = dir.resolve("data.bin");
        Files.write(path, DATA);
        file = FileChannel.open(path, StandardOpenOption.READ);
    }

    @AfterEach
    void closeFile() throws IOException {
        file.close();
    }

    static long position(SeekableByteChannel ch) {
        try {
            return ch.position();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A channel over the same file that is not a FileChannel: only the fallback can send it. */
    static final class PlainChannel implements SeekableByteChannel {
        final FileChannel fc;

        PlainChannel(FileChannel fc) {
            this.fc = fc;
        }

        @Override public int read(ByteBuffer dst) throws IOException { return fc.read(dst); }
        @Override public int write(ByteBuffer src) throws IOException { return fc.write(src); }
        @Override public long position() throws IOException { return fc.position(); }
        @Override public SeekableByteChannel position(long p) throws IOException { fc.position(p); return this; }
        @Override public long size() throws IOException { return fc.size(); }
        @Override public SeekableByteChannel truncate(long size) throws IOException { fc.truncate(size); return this; }
        @Override public boolean isOpen() { return fc.isOpen(); }
        @Override public void close() throws IOException { fc.close(); }
    }

    // ---------------------------------------------------------------- protocols (test_sendfile.py)

    /** CPython's MySendfileProto: checks its state transitions, keeps what it received, may close early. */
    static final class MySendfileProto extends ServerTest.MyBaseProto {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final long closeAfter;

        MySendfileProto(EventLoop loop, long closeAfter) {
            super(loop);
            this.closeAfter = closeAfter;
        }

        @Override public void dataReceived(ByteBuffer d) {
            byte[] copy = new byte[d.remaining()];
            d.duplicate().get(copy);
            super.dataReceived(d);
            data.writeBytes(copy);
            if (closeAfter > 0 && nbytes >= closeAfter) transport.close();
        }
    }

    /** CPython's MyProto of test_sendfile.py: keeps the data, tells when the connection is closed. */
    static final class MyProto implements Protocol {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        Transport transport;
        final Future<Void> closed;

        MyProto(EventLoop loop) {
            closed = loop.createFuture();
        }

        @Override public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override public void dataReceived(ByteBuffer d) {
            byte[] copy = new byte[d.remaining()];
            d.get(copy);
            data.writeBytes(copy);
        }

        @Override public void connectionLost(Throwable exc) {
            closed.setResult(null);
        }
    }

    // ---------------------------------------------------------------- sock_sendfile

    /** A server with {@code proto} and a raw non-blocking client connected to it (CPython's prepare_socksendfile). */
    record SockFixture(Server server, SocketChannel sock, MyProto proto) {
        void cleanup() throws IOException {
            sock.close();
            if (proto.transport != null) {
                proto.transport.close();
                Asyncio.await(proto.closed);
            }
            server.close();
            server.waitClosed();
        }
    }

    static SockFixture prepareSock(boolean smallBuffers) throws IOException {
        MyProto proto = new MyProto(Asyncio.getRunningLoop());
        ServerSocketChannel srv = ServerSocketChannel.open();
        if (smallBuffers) srv.setOption(StandardSocketOptions.SO_RCVBUF, BUF_SIZE); // inherited by accepted sockets
        srv.bind(new InetSocketAddress("127.0.0.1", 0));
        Server server = Net.createServer(() -> proto, srv, ServerOptions.DEFAULTS);
        SocketChannel sock = SocketChannel.open();
        sock.configureBlocking(false);
        Sockets.sockConnect(sock, srv.getLocalAddress());
        if (smallBuffers) sock.setOption(StandardSocketOptions.SO_SNDBUF, BUF_SIZE);
        return new SockFixture(server, sock, proto);
    }

    /** Sends through the fixture's socket, closes it, and waits until the server saw everything. */
    static byte[] closeAndReceived(SockFixture f) throws IOException {
        f.sock().close();
        Asyncio.await(f.proto().closed);
        return f.proto().data.toByteArray();
    }

    // ports test_sendfile.py::SockSendfileMixin::test_sock_sendfile_success
    @Test
    void sockSendfileSuccess() {
        runReal(() -> {
            SockFixture f = prepareSock(true);
            long ret = Sockets.sockSendfile(f.sock(), file);
            assertArrayEquals(DATA, closeAndReceived(f));
            assertEquals(DATA.length, ret);
            assertEquals(DATA.length, file.position());
            f.cleanup();
            return null;
        });
    }

    // ports test_sendfile.py::SockSendfileMixin::test_sock_sendfile_with_offset_and_count
    @Test
    void sockSendfileWithOffsetAndCount() {
        runReal(() -> {
            SockFixture f = prepareSock(true);
            long ret = Sockets.sockSendfile(f.sock(), file, 1000, 2000L);
            assertArrayEquals(Arrays.copyOfRange(DATA, 1000, 3000), closeAndReceived(f));
            assertEquals(3000, file.position());
            assertEquals(2000, ret);
            f.cleanup();
            return null;
        });
    }

    // ports test_sendfile.py::SockSendfileMixin::test_sock_sendfile_zero_size
    @Test
    void sockSendfileZeroSize() {
        runReal(() -> {
            SockFixture f = prepareSock(true);
            Path empty = Files.createFile(dir.resolve("empty"));
            try (FileChannel e = FileChannel.open(empty, StandardOpenOption.READ)) {
                assertEquals(0, Sockets.sockSendfile(f.sock(), e, 0, null));
                assertEquals(0, e.position());
            }
            assertEquals(0, closeAndReceived(f).length);
            assertEquals(0, file.position());
            f.cleanup();
            return null;
        });
    }

    // ports test_sendfile.py::SockSendfileMixin::test_sock_sendfile_mix_with_regular_send
    @Test
    void sockSendfileMixWithRegularSend() {
        runReal(() -> {
            byte[] buf = b("mix_regular_send".repeat(4 * 1024)); // 64 KiB
            SockFixture f = prepareSock(true);
            Sockets.sockSendall(f.sock(), buf);
            long ret = Sockets.sockSendfile(f.sock(), file);
            Sockets.sockSendall(f.sock(), buf);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(buf);
            expected.writeBytes(DATA);
            expected.writeBytes(buf);
            assertArrayEquals(expected.toByteArray(), closeAndReceived(f));
            assertEquals(DATA.length, ret);
            assertEquals(DATA.length, file.position());
            f.cleanup();
            return null;
        });
    }

    // ports test_base_events.py::BaseLoopSockSendfileTests::test_sock_sendfile_no_fallback
    @Test
    void sockSendfileNoFallback() {
        runReal(() -> {
            SockFixture f = prepareSock(false);
            SendfileNotAvailableError e = assertThrows(SendfileNotAvailableError.class,
                    () -> Sockets.sockSendfile(f.sock(), new PlainChannel(file), 0, null, false));
            assertTrue(e.getMessage().contains("sendfile is not available"), e.getMessage());
            assertEquals(0, file.position());
            assertEquals(0, closeAndReceived(f).length);
            f.cleanup();
            return null;
        });
    }

    // ports test_base_events.py::BaseLoopSockSendfileTests::test_sock_sendfile_fallback
    @Test
    void sockSendfileFallback() {
        runReal(() -> {
            SockFixture f = prepareSock(false);
            long ret = Sockets.sockSendfile(f.sock(), new PlainChannel(file));
            assertArrayEquals(DATA, closeAndReceived(f));
            assertEquals(DATA.length, ret);
            assertEquals(DATA.length, file.position());
            f.cleanup();
            return null;
        });
    }

    // ports test_base_events.py::BaseLoopSockSendfileTests::test_sock_sendfile_fallback_offset_and_count
    @Test
    void sockSendfileFallbackOffsetAndCount() {
        runReal(() -> {
            SockFixture f = prepareSock(false);
            long ret = Sockets.sockSendfile(f.sock(), new PlainChannel(file), 1000, 2000L);
            assertArrayEquals(Arrays.copyOfRange(DATA, 1000, 3000), closeAndReceived(f));
            assertEquals(2000, ret);
            assertEquals(3000, file.position());
            f.cleanup();
            return null;
        });
    }

    // ports test_base_events.py::BaseLoopSockSendfileTests::test_blocking_socket
    @Test
    void blockingSocket() {
        runReal(() -> {
            try (SocketChannel sock = SocketChannel.open()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Sockets.sockSendfile(sock, file));
                assertTrue(e.getMessage().contains("must be non-blocking"), e.getMessage());
            }
            return null;
        });
    }

    // ports test_base_events.py::BaseLoopSockSendfileTests::test_negative_count
    @Test
    void negativeCount() {
        runReal(() -> {
            try (SocketChannel sock = SocketChannel.open()) {
                sock.configureBlocking(false);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Sockets.sockSendfile(sock, file, 0, -1L));
                assertTrue(e.getMessage().contains("count must be a positive integer"), e.getMessage());
                // asyncio refuses 0 too: "send nothing" is not a count
                assertThrows(IllegalArgumentException.class, () -> Sockets.sockSendfile(sock, file, 0, 0L));
            }
            return null;
        });
    }

    // ports test_base_events.py::BaseLoopSockSendfileTests::test_negative_offset
    @Test
    void negativeOffset() {
        runReal(() -> {
            try (SocketChannel sock = SocketChannel.open()) {
                sock.configureBlocking(false);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Sockets.sockSendfile(sock, file, -1, null));
                assertTrue(e.getMessage().contains("offset must be a non-negative integer"), e.getMessage());
            }
            return null;
        });
    }

    // ports test_unix_events.py::SelectorEventLoopUnixSockSendfileTests::test_sock_sendfile_cancel2
    @Test
    void sockSendfileCancelledMidway() {
        runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.setOption(StandardSocketOptions.SO_RCVBUF, BUF_SIZE);
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                listener.configureBlocking(false);
                SocketChannel sock = SocketChannel.open();
                sock.configureBlocking(false);
                Task<Void> connecting = Asyncio.createTask(() -> {
                    Sockets.sockConnect(sock, listener.getLocalAddress());
                    return null;
                });
                try (SocketChannel peer = Sockets.sockAccept(listener)) {
                    Asyncio.await(connecting);
                    sock.setOption(StandardSocketOptions.SO_SNDBUF, BUF_SIZE);
                    Task<Long> sending = Asyncio.createTask(() -> Sockets.sockSendfile(sock, file));
                    // Some bytes arrived: the transfer is under way, and the peer's small buffer stops it soon.
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    got.writeBytes(Sockets.sockRecv(peer, 100));
                    sending.cancel();
                    assertThrows(CancelledError.class, () -> Asyncio.await(sending));
                    assertFalse(loop.removeWriter(sock), "the sendfile's watch was removed");
                    long pos = file.position();
                    assertTrue(pos > 0 && pos < DATA.length, "position " + pos);
                    sock.close();
                    byte[] chunk;
                    while ((chunk = Sockets.sockRecv(peer, 65536)).length > 0) got.writeBytes(chunk);
                    // the position tells exactly how much went out
                    assertArrayEquals(Arrays.copyOf(DATA, (int) pos), got.toByteArray());
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- sendfile (transports)

    /** CPython's prepare_sendfile: a server and a client protocol over loopback, plain or TLS. */
    record Fixture(Server server, MySendfileProto srv, MySendfileProto cli) {
        void cleanup() {
            srv.transport.close();
            cli.transport.close();
            Asyncio.await(srv.done);
            Asyncio.await(cli.done);
            server.close();
            server.waitClosed();
        }
    }

    static Fixture prepare(boolean tls, long closeAfter) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        MySendfileProto srvProto = new MySendfileProto(loop, closeAfter);
        ServerSocketChannel srv = ServerSocketChannel.open();
        srv.setOption(StandardSocketOptions.SO_RCVBUF, BUF_SIZE);
        srv.bind(new InetSocketAddress("127.0.0.1", 0));
        Server server = tls
                ? Net.createServer(() -> srvProto, srv, ServerOptions.DEFAULTS.withTls(TlsOptions.server(TlsTesting.serverContext())))
                : Net.createServer(() -> srvProto, srv, ServerOptions.DEFAULTS);
        SocketChannel cliSock = SocketChannel.open();
        cliSock.configureBlocking(false);
        Sockets.sockConnect(cliSock, srv.getLocalAddress());
        MySendfileProto cliProto = new MySendfileProto(loop, 0);
        Connection<MySendfileProto> c = tls
                ? Net.createConnection(() -> cliProto, cliSock, ConnectOptions.overTls(TlsTesting.clientNoHostname(TlsTesting.insecureClientContext())))
                : Net.createConnection(() -> cliProto, cliSock);
        cliSock.setOption(StandardSocketOptions.SO_SNDBUF, BUF_SIZE);
        c.transport().setWriteBufferLimits(BUF_SIZE, null);
        Asyncio.await(srvProto.connected);
        return new Fixture(server, srvProto, cliProto);
    }

    private static void sendfileWhole(boolean tls, SeekableByteChannel source, FileChannel file) throws IOException {
        Fixture f = prepare(tls, 0);
        long ret = Net.sendfile(f.cli().transport, source);
        f.cli().transport.close();
        Asyncio.await(f.srv().done);
        assertEquals(DATA.length, ret);
        assertEquals(DATA.length, f.srv().nbytes);
        assertArrayEquals(DATA, f.srv().data.toByteArray());
        assertEquals(DATA.length, file.position());
        f.cleanup();
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_not_supported
    @Test
    void sendfileNotSupported() {
        runReal(() -> {
            DatagramEndpoint<DatagramProtocol> ep = Net.createDatagramEndpoint(() -> new DatagramProtocol() {},
                    new InetSocketAddress("127.0.0.1", 0), null);
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Net.sendfile(ep.transport(), file));
                assertTrue(e.getMessage().contains("not supported"), e.getMessage());
                assertEquals(0, file.position());
            } finally {
                ep.transport().close();
            }
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile
    @Test
    void sendfile() {
        runReal(() -> {
            sendfileWhole(false, file, file);
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_force_fallback
    @Test
    void sendfileForceFallback() {
        runReal(() -> {
            sendfileWhole(false, new PlainChannel(file), file);
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_force_unsupported_native
    @Test
    void sendfileForceUnsupportedNative() {
        runReal(() -> {
            Fixture f = prepare(false, 0);
            SendfileNotAvailableError e = assertThrows(SendfileNotAvailableError.class,
                    () -> Net.sendfile(f.cli().transport, new PlainChannel(file), 0, null, false));
            assertTrue(e.getMessage().contains("not available"), e.getMessage());
            f.cli().transport.close();
            Asyncio.await(f.srv().done);
            assertEquals(0, f.srv().nbytes);
            assertEquals(0, file.position());
            f.cleanup();
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_ssl
    @Test
    void sendfileSsl() {
        runReal(() -> {
            sendfileWhole(true, file, file);
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_for_closing_transp
    @Test
    void sendfileForClosingTransport() {
        runReal(() -> {
            Fixture f = prepare(false, 0);
            f.cli().transport.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Net.sendfile(f.cli().transport, file));
            assertTrue(e.getMessage().contains("is closing"), e.getMessage());
            Asyncio.await(f.srv().done);
            assertEquals(0, f.srv().nbytes);
            assertEquals(0, file.position());
            f.cleanup();
            return null;
        });
    }

    private static void preAndPostData(boolean tls, byte[] prefix, byte[] suffix, FileChannel file) throws IOException {
        Fixture f = prepare(tls, 0);
        f.cli().transport.write(prefix);
        long ret = Net.sendfile(f.cli().transport, file);
        f.cli().transport.write(suffix);
        f.cli().transport.close();
        Asyncio.await(f.srv().done);
        assertEquals(DATA.length, ret);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(prefix);
        expected.writeBytes(DATA);
        expected.writeBytes(suffix);
        assertArrayEquals(expected.toByteArray(), f.srv().data.toByteArray());
        assertEquals(DATA.length, file.position());
        f.cleanup();
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_pre_and_post_data
    @Test
    void sendfilePreAndPostData() {
        runReal(() -> {
            preAndPostData(false, b("PREFIX__".repeat(1024)), b("--SUFFIX".repeat(1024)), file);
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_ssl_pre_and_post_data
    @Test
    void sendfileSslPreAndPostData() {
        runReal(() -> {
            preAndPostData(true, b("zxcvbnm".repeat(1024)), b("0987654321".repeat(1024)), file);
            return null;
        });
    }

    private static void partial(boolean tls, FileChannel file) throws IOException {
        Fixture f = prepare(tls, 0);
        long ret = Net.sendfile(f.cli().transport, file, 1000, 100L);
        f.cli().transport.close();
        Asyncio.await(f.srv().done);
        assertEquals(100, ret);
        assertEquals(100, f.srv().nbytes);
        assertArrayEquals(Arrays.copyOfRange(DATA, 1000, 1100), f.srv().data.toByteArray());
        assertEquals(1100, file.position());
        f.cleanup();
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_partial
    @Test
    void sendfilePartial() {
        runReal(() -> {
            partial(false, file);
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_ssl_partial
    @Test
    void sendfileSslPartial() {
        runReal(() -> {
            partial(true, file);
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_close_peer_after_receiving
    @Test
    void sendfileClosePeerAfterReceiving() {
        runReal(() -> {
            Fixture f = prepare(false, DATA.length);
            long ret = Net.sendfile(f.cli().transport, file);
            f.cli().transport.close();
            Asyncio.await(f.srv().done);
            assertEquals(DATA.length, ret);
            assertEquals(DATA.length, f.srv().nbytes);
            assertArrayEquals(DATA, f.srv().data.toByteArray());
            assertEquals(DATA.length, file.position());
            f.cleanup();
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_ssl_close_peer_after_receiving
    @Test
    void sendfileSslClosePeerAfterReceiving() {
        runReal(() -> {
            Fixture f = prepare(true, DATA.length);
            long ret = Net.sendfile(f.cli().transport, file);
            Asyncio.await(f.srv().done);
            assertEquals(DATA.length, ret);
            assertEquals(DATA.length, f.srv().nbytes);
            assertArrayEquals(DATA, f.srv().data.toByteArray());
            assertEquals(DATA.length, file.position());
            f.cleanup();
            return null;
        });
    }

    private static void closePeerInTheMiddle(SeekableByteChannel source, FileChannel file) throws IOException {
        Fixture f = prepare(false, 1024);
        assertThrows(IOException.class, () -> Net.sendfile(f.cli().transport, source));
        Asyncio.await(f.srv().done);
        assertTrue(1024 <= f.srv().nbytes && f.srv().nbytes < DATA.length, "received " + f.srv().nbytes);
        long pos = file.position();
        assertTrue(1024 <= pos && pos < DATA.length, "position " + pos);
        // the client reads again after the sendfile, and so sees the reset
        Asyncio.await(f.cli().done);
        assertTrue(f.cli().transport.isClosing());
        f.cleanup();
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_close_peer_in_the_middle_of_receiving
    @Test
    void sendfileClosePeerInTheMiddleOfReceiving() {
        runReal(() -> {
            closePeerInTheMiddle(file, file);
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_fallback_close_peer_in_the_middle_of_receiving
    @Test
    void sendfileFallbackClosePeerInTheMiddleOfReceiving() {
        runReal(() -> {
            closePeerInTheMiddle(new PlainChannel(file), file);
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_prevents_bare_write
    @Test
    void sendfilePreventsBareWrite() {
        runReal(() -> {
            Fixture f = prepare(false, 0);
            Future<Void> started = Asyncio.getRunningLoop().createFuture();
            Task<Long> t = Asyncio.createTask(() -> {
                started.setResult(null);
                return Net.sendfile(f.cli().transport, file);
            });
            Asyncio.await(started);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.cli().transport.write(b("data")));
            assertTrue(e.getMessage().contains("sendfile is in progress"), e.getMessage());
            assertEquals(DATA.length, Asyncio.await(t));
            f.cleanup();
            return null;
        });
    }

    // ports test_sendfile.py::SendfileMixin::test_sendfile_no_fallback_for_fallback_transport
    @Test
    void sendfileNoFallbackForFallbackTransport() {
        runReal(() -> {
            Fixture f = prepare(true, 0);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Net.sendfile(f.cli().transport, file, 0, null, false));
            assertTrue(e.getMessage().contains("fallback is disabled"), e.getMessage());
            f.cleanup();
            return null;
        });
    }

    /** Cancelling a transport's sendfile gives the transport back as it was: reading resumed, writes accepted. */
    @Test
    void sendfileCancelledRestoresTheTransport() {
        runReal(() -> {
            Fixture f = prepare(false, 0);
            Transport tr = f.cli().transport;
            f.srv().transport.pauseReading(); // the server stops reading: the file cannot all go out
            Task<Long> t = Asyncio.createTask(() -> Net.sendfile(tr, file));
            Asyncio.sleep(0);
            assertFalse(tr.isReading());
            t.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(t));
            assertTrue(tr.isReading());
            long pos = file.position();
            tr.write(b("after"));
            f.srv().transport.resumeReading();
            tr.close();
            Asyncio.await(f.srv().done);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(Arrays.copyOf(DATA, (int) pos));
            expected.writeBytes(b("after"));
            assertArrayEquals(expected.toByteArray(), f.srv().data.toByteArray());
            f.cleanup();
            return null;
        });
    }
}
