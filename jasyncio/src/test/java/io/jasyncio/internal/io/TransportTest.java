package io.jasyncio.internal.io;

import static io.jasyncio.TestLoops.collectErrors;
import static io.jasyncio.TestLoops.runReal;
import static io.jasyncio.transport.NetTesting.b;
import static io.jasyncio.transport.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.datagram.DatagramEndpoint;
import io.jasyncio.datagram.DatagramProtocol;
import io.jasyncio.datagram.DatagramTransport;
import io.jasyncio.streams.Streams;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.BufferedProtocol;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.NetTesting;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerTest;
import io.jasyncio.transport.Sockets;
import io.jasyncio.transport.Transport;
import io.jasyncio.transport.WriteBufferLimits;
import io.jasyncio.transport.WriteTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Transports and protocols on real loopback sockets (CPython's test_transports.py, test_protocols.py,
 * test_buffered_proto.py, and the behaviour test_selector_events.py checks with mocks).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransportTest {

    /** A protocol that records what happens to it. */
    static class Recorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        Transport transport;
        Throwable lostWith;
        boolean keepOpenOnEof;
        final Future<Void> lost;
        final Future<Void> made;

        Recorder(EventLoop loop) {
            lost = loop.createFuture();
            made = loop.createFuture();
        }

        @Override public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            events.add("made");
            made.setResult(null);
        }

        @Override public void dataReceived(ByteBuffer d) {
            byte[] copy = new byte[d.remaining()];
            d.get(copy);
            data.writeBytes(copy);
        }

        @Override public boolean eofReceived() {
            events.add("eof");
            return keepOpenOnEof;
        }

        @Override public void pauseWriting() { events.add("pause"); }

        @Override public void resumeWriting() { events.add("resume"); }

        @Override public void connectionLost(Throwable exc) {
            events.add("lost");
            lostWith = exc;
            lost.setResult(null);
        }
    }

    /** Our transport on one end of a loopback TCP connection; {@code peer} is the raw other end. */
    record Pair<P extends BaseProtocol>(Transport transport, P protocol, SocketChannel peer) implements AutoCloseable {
        @Override public void close() throws IOException {
            transport.abort();
            peer.close();
        }
    }

    static <P extends BaseProtocol> Pair<P> pair(java.util.function.Supplier<P> factory) throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);
            SocketChannel client = SocketChannel.open();
            client.configureBlocking(false);
            Future<Void> connected = Asyncio.getRunningLoop().createFuture();
            Asyncio.createTask(() -> {
                Sockets.sockConnect(client, listener.getLocalAddress());
                connected.setResult(null);
                return null;
            });
            SocketChannel peer = Sockets.sockAccept(listener);
            Asyncio.await(connected);
            Connection<P> c = Net.createConnection(factory, client);
            return new Pair<>(c.transport(), c.protocol(), peer);
        }
    }

    static Recorder recorder() {
        return new Recorder(Asyncio.getRunningLoop());
    }

    /** Reads from the raw peer until {@code n} bytes came (or EOF); returns them. */
    static byte[] readPeer(SocketChannel peer, int n) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (out.size() < n) {
            byte[] chunk = Sockets.sockRecv(peer, 65536);
            if (chunk.length == 0) break;
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    /** Fills the kernel buffers between the transport and its peer (the peer does not read). */
    static void fillKernelBuffers(Pair<?> p) throws IOException {
        SocketChannel sock = (SocketChannel) p.transport().getExtraInfo("socket");
        sock.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        p.peer().setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        ByteBuffer junk = ByteBuffer.allocate(65536);
        while (sock.write(junk.clear()) > 0) { /* until the kernel refuses */ }
    }

    // ---------------------------------------------------------------- test_transports.py

    // ports test_transports.py::TransportTests::test_get_extra_info
    @Test
    void getExtraInfo() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                assertSame(p.transport().getExtraInfo("socket"), p.transport().getExtraInfo("socket", "dflt"));
                assertEquals(p.peer().getLocalAddress(), p.transport().getExtraInfo("peername"));
                assertEquals(p.peer().getRemoteAddress(), p.transport().getExtraInfo("sockname"));
                assertNull(p.transport().getExtraInfo("unknown"));
                Object dflt = new Object();
                assertSame(dflt, p.transport().getExtraInfo("unknown", dflt));
            }
            return null;
        });
    }

    // ports test_transports.py::TransportTests::test_writelines
    @Test
    void writelinesDefaultJoinsAndWritesOnce() {
        List<String> writes = new ArrayList<>();
        WriteTransport t = new WriteTransport() {
            public void write(ByteBuffer data) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                writes.add(s(copy));
            }
            public void setWriteBufferLimits(Integer high, Integer low) {}
            public WriteBufferLimits getWriteBufferLimits() { return new WriteBufferLimits(0, 0); }
            public long getWriteBufferSize() { return 0; }
            public void writeEof() {}
            public boolean canWriteEof() { return false; }
            public void abort() {}
            public Object getExtraInfo(String name) { return null; }
            public boolean isClosing() { return false; }
            public void close() {}
            public void setProtocol(BaseProtocol protocol) {}
            public BaseProtocol getProtocol() { return null; }
        };
        t.writelines(List.of(ByteBuffer.wrap(b("line1")), ByteBuffer.wrap(b("line2")), ByteBuffer.wrap(b("line3"))));
        assertEquals(List.of("line1line2line3"), writes);
    }

    /** A transport whose write buffer always holds 512 bytes (as the mixin test's MyTransport). */
    static final class Fixed512Transport extends SelectorTransport {
        Fixed512Transport(EventLoop loop, BaseProtocol p) throws IOException {
            super(loop, Pipe.open().source(), p, null);
        }
        @Override void readReady() {}
        @Override void writeReady() {}
        @Override boolean hasBufferedData() { return true; }
        @Override void clearBuffer() {}
        @Override long bufferedSize() { return 512; }
    }

    // ports test_transports.py::TransportTests::test_flowcontrol_mixin_set_write_limits
    @Test
    void flowcontrolMixinSetWriteLimits() {
        runReal(() -> {
            Recorder proto = recorder();
            Fixed512Transport t = new Fixed512Transport(Asyncio.getRunningLoop(), proto);
            assertFalse(t.protocolPaused());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(0, 1));
            assertTrue(e.getMessage().matches("high.*must be >= low.*"), e.getMessage());
            t.setWriteBufferLimits(1024, 128);
            assertFalse(t.protocolPaused());
            assertEquals(new WriteBufferLimits(128, 1024), t.getWriteBufferLimits());
            t.setWriteBufferLimits(256, 128);
            assertTrue(t.protocolPaused());
            assertEquals(new WriteBufferLimits(128, 256), t.getWriteBufferLimits());
            assertEquals(List.of("pause"), proto.events);
            t.closeChannel();
            return null;
        });
    }

    // The defaults: high 64 KiB and low a quarter of it; a lone low sets high to four times it.
    @Test
    void writeBufferLimitDefaults() {
        runReal(() -> {
            Fixed512Transport t = new Fixed512Transport(Asyncio.getRunningLoop(), recorder());
            assertEquals(new WriteBufferLimits(16 * 1024, 64 * 1024), t.getWriteBufferLimits());
            t.setWriteBufferLimits(null, 1000);
            assertEquals(new WriteBufferLimits(1000, 4000), t.getWriteBufferLimits());
            t.setWriteBufferLimits(8000, null);
            assertEquals(new WriteBufferLimits(2000, 8000), t.getWriteBufferLimits());
            t.closeChannel();
            return null;
        });
    }

    // ---------------------------------------------------------------- test_protocols.py

    // ports test_protocols.py::ProtocolsAbsTests::test_base_protocol
    @Test
    void baseProtocolDefaults() {
        BaseProtocol p = new BaseProtocol() {};
        p.connectionMade(null);
        p.connectionLost(null);
        p.pauseWriting();
        p.resumeWriting();
    }

    // ports test_protocols.py::ProtocolsAbsTests::test_protocol
    @Test
    void protocolDefaults() {
        Protocol p = new Protocol() {};
        p.connectionMade(null);
        p.connectionLost(null);
        p.dataReceived(ByteBuffer.allocate(1));
        assertFalse(p.eofReceived());
        p.pauseWriting();
        p.resumeWriting();
    }

    // ports test_protocols.py::ProtocolsAbsTests::test_buffered_protocol
    @Test
    void bufferedProtocolDefaults() {
        BufferedProtocol p = new BufferedProtocol() {
            public ByteBuffer getBuffer(int sizeHint) { return ByteBuffer.allocate(1); }
            public void bufferUpdated(int nbytes) {}
        };
        p.connectionMade(null);
        p.connectionLost(null);
        assertFalse(p.eofReceived());
        p.pauseWriting();
        p.resumeWriting();
    }

    // ports test_protocols.py::ProtocolsAbsTests::test_datagram_protocol
    @Test
    void datagramProtocolDefaults() {
        DatagramProtocol p = new DatagramProtocol() {};
        p.connectionMade(null);
        p.connectionLost(null);
        p.datagramReceived(ByteBuffer.allocate(1), null);
        p.errorReceived(new IOException());
    }

    // ---------------------------------------------------------------- test_buffered_proto.py

    // ports test_buffered_proto.py::BaseTestBufferedProtocol::test_buffered_proto_create_connection
    @Test
    void bufferedProtoCreateConnection() {
        byte[] noise = b("12345678+".repeat(1024));
        runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Server srv = Streams.startServer((reader, writer) -> {
                writer.write(noise);
                reader.readexactly(1);
                writer.close();
                writer.waitClosed();
            }, "127.0.0.1", 0);
            int port = ServerTest.portOf(srv);
            NetTesting.waitFor(() -> {
                java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
                Future<Void> lost = loop.createFuture();
                Transport[] tr = new Transport[1];
                class ReceiveStuffProto implements BufferedProtocol {
                    ByteBuffer buffer;
                    public ByteBuffer getBuffer(int sizeHint) {
                        buffer = ByteBuffer.allocate(100);
                        return buffer;
                    }
                    public void bufferUpdated(int nbytes) {
                        data.write(buffer.array(), 0, nbytes);
                        if (java.util.Arrays.equals(data.toByteArray(), noise)) tr[0].write(b("1"));
                    }
                    public void connectionLost(Throwable exc) {
                        if (exc == null) lost.setResult(null);
                        else lost.setException(exc);
                    }
                }
                Connection<ReceiveStuffProto> c = Net.createConnection(ReceiveStuffProto::new, "127.0.0.1", port);
                tr[0] = c.transport();
                Asyncio.await(lost);
                assertArrayEquals(noise, data.toByteArray());
                return null;
            }, 5);
            srv.close();
            srv.waitClosed();
            return null;
        });
    }

    // ---------------------------------------------------------------- test_selector_events.py, behaviour

    // ports test_selector_events.py::SelectorSocketTransportTests::test_ctor
    @Test
    void ctorCallsConnectionMadeThenReads() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                assertEquals(List.of("made"), p.protocol().events);
                assertTrue(p.transport().isReading());
                Sockets.sockSendall(p.peer(), b("hi"));
                io.jasyncio.TestLoops.waitUntil(() -> p.protocol().data.size() == 2);
                assertEquals("hi", p.protocol().data.toString());
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_pause_resume_reading
    @Test
    void pauseResumeReading() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                assertTrue(p.transport().isReading());
                p.transport().pauseReading();
                p.transport().pauseReading(); // idempotent
                assertFalse(p.transport().isReading());
                Sockets.sockSendall(p.peer(), b("data"));
                for (int i = 0; i < 20; i++) Asyncio.sleep(0.001);
                assertEquals(0, p.protocol().data.size());
                p.transport().resumeReading();
                p.transport().resumeReading(); // idempotent
                assertTrue(p.transport().isReading());
                io.jasyncio.TestLoops.waitUntil(() -> p.protocol().data.size() == 4);
                p.transport().close();
                assertFalse(p.transport().isReading());
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_pause_reading_connection_made
    @Test
    void pauseReadingInConnectionMade() {
        runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            class Pauser extends Recorder {
                Pauser() { super(loop); }
                @Override public void connectionMade(BaseTransport t) {
                    super.connectionMade(t);
                    ((Transport) t).pauseReading();
                }
            }
            try (Pair<Pauser> p = pair(Pauser::new)) {
                assertFalse(p.transport().isReading());
                Sockets.sockSendall(p.peer(), b("x"));
                for (int i = 0; i < 20; i++) Asyncio.sleep(0.001);
                assertEquals(0, p.protocol().data.size());
                p.transport().resumeReading();
                io.jasyncio.TestLoops.waitUntil(() -> p.protocol().data.size() == 1);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_read_eof_received_error
    @Test
    void readEofReceivedError() {
        runReal(() -> {
            List<ExceptionContext> errors = collectErrors();
            EventLoop loop = Asyncio.getRunningLoop();
            class Failing extends Recorder {
                Failing() { super(loop); }
                @Override public boolean eofReceived() { throw new IllegalStateException("boom"); }
            }
            try (Pair<Failing> p = pair(Failing::new)) {
                p.peer().shutdownOutput();
                Asyncio.await(p.protocol().lost);
                assertEquals("Fatal error: protocol.eof_received() call failed.", errors.get(0).message());
                assertInstanceOf(IllegalStateException.class, p.protocol().lostWith);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_data_received_error
    @Test
    void dataReceivedError() {
        runReal(() -> {
            List<ExceptionContext> errors = collectErrors();
            EventLoop loop = Asyncio.getRunningLoop();
            class Failing extends Recorder {
                Failing() { super(loop); }
                @Override public void dataReceived(ByteBuffer d) { throw new IllegalStateException("boom"); }
            }
            try (Pair<Failing> p = pair(Failing::new)) {
                Sockets.sockSendall(p.peer(), b("data"));
                Asyncio.await(p.protocol().lost);
                assertEquals("Fatal error: protocol.data_received() call failed.", errors.get(0).message());
                assertSame(p.transport(), errors.get(0).extra().get("transport"));
                assertInstanceOf(IllegalStateException.class, p.protocol().lostWith);
                assertTrue(p.transport().isClosing());
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_read_ready_eof
    @Test
    void readReadyEofCloses() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.peer().shutdownOutput();
                Asyncio.await(p.protocol().lost);
                assertEquals(List.of("made", "eof", "lost"), p.protocol().events);
                assertNull(p.protocol().lostWith);
                assertFalse(((SocketChannel) p.transport().getExtraInfo("socket")).isOpen());
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_read_ready_eof_keep_open
    @Test
    void readReadyEofKeepOpen() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.protocol().keepOpenOnEof = true;
                p.peer().shutdownOutput();
                io.jasyncio.TestLoops.waitUntil(() -> p.protocol().events.contains("eof"));
                assertFalse(p.transport().isClosing());
                // half-closed: we may still write
                p.transport().write(b("still here"));
                assertEquals("still here", s(readPeer(p.peer(), 10)));
                p.transport().close();
                Asyncio.await(p.protocol().lost);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_read_ready_conn_reset
    @Test
    void readReadyConnReset() {
        runReal(() -> {
            List<ExceptionContext> errors = collectErrors();
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.peer().setOption(StandardSocketOptions.SO_LINGER, 0);
                p.peer().close(); // RST
                Asyncio.await(p.protocol().lost);
                assertInstanceOf(IOException.class, p.protocol().lostWith);
                assertEquals(List.of(), errors); // I/O errors are not reported to the handler
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write
    @Test
    void writeGoesStraightToTheSocket() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.transport().write(b("data"));
                assertEquals(0, p.transport().getWriteBufferSize());
                assertEquals("data", s(readPeer(p.peer(), 4)));
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_bytearray
    @Test
    void writeCopiesWhatItBuffers() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                fillKernelBuffers(p);
                byte[] data = b("abcd");
                p.transport().write(data);
                data[0] = 'X'; // the caller reuses its array: the transport kept a copy
                assertEquals(4, p.transport().getWriteBufferSize());
                p.transport().abort();
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_no_data
    @Test
    void writeNoData() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.transport().write(b(""));
                assertEquals(0, p.transport().getWriteBufferSize());
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_partial
    @Test
    void writePartialBuffersTheRestAndDrains() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                SocketChannel sock = (SocketChannel) p.transport().getExtraInfo("socket");
                sock.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
                byte[] big = new byte[4 << 20];
                p.transport().write(big);
                long buffered = p.transport().getWriteBufferSize();
                assertTrue(buffered > 0 && buffered < big.length, "buffered " + buffered);
                byte[] got = readPeer(p.peer(), big.length);
                assertEquals(big.length, got.length);
                io.jasyncio.TestLoops.waitUntil(() -> p.transport().getWriteBufferSize() == 0);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_buffer
    @Test
    void writeAfterBufferedDataKeepsOrder() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                SocketChannel sock = (SocketChannel) p.transport().getExtraInfo("socket");
                sock.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
                byte[] big = new byte[1 << 20];
                java.util.Arrays.fill(big, (byte) 'a');
                p.transport().write(big);
                assertTrue(p.transport().getWriteBufferSize() > 0);
                p.transport().write(b("END"));
                byte[] got = readPeer(p.peer(), big.length + 3);
                assertEquals("END", s(java.util.Arrays.copyOfRange(got, big.length, big.length + 3)));
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_writelines_send_partial
    @Test
    void writelinesPartial() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                fillKernelBuffers(p);
                p.transport().writelines(List.of(ByteBuffer.wrap(b("ab")), ByteBuffer.wrap(b("cd"))));
                assertEquals(4, p.transport().getWriteBufferSize());
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_writelines_send_full
    @Test
    void writelinesFull() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.transport().writelines(List.of(ByteBuffer.wrap(b("line1")), ByteBuffer.wrap(b("line2"))));
                assertEquals(0, p.transport().getWriteBufferSize());
                assertEquals("line1line2", s(readPeer(p.peer(), 10)));
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_closing
    @Test
    void writeAfterCloseIsIgnored() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.transport().close();
                p.transport().write(b("data")); // counted, not raised, as asyncio
                assertEquals(0, p.transport().getWriteBufferSize());
                Asyncio.await(p.protocol().lost);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_exception
    @Test
    void writeToResetPeerLosesConnection() {
        runReal(() -> {
            List<ExceptionContext> errors = collectErrors();
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.transport().pauseReading(); // see the failure on the write side
                p.peer().setOption(StandardSocketOptions.SO_LINGER, 0);
                p.peer().close();
                io.jasyncio.TestLoops.waitUntil(() -> {
                    if (!p.transport().isClosing()) p.transport().write(new byte[65536]);
                    return p.protocol().lost.done();
                });
                assertInstanceOf(IOException.class, p.protocol().lostWith);
                assertEquals(List.of(), errors);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_ready_closing
    @Test
    void closeWithBufferedDataFlushesFirst() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                SocketChannel sock = (SocketChannel) p.transport().getExtraInfo("socket");
                sock.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
                byte[] big = new byte[1 << 20];
                p.transport().write(big);
                assertTrue(p.transport().getWriteBufferSize() > 0);
                p.transport().close();
                assertTrue(p.transport().isClosing());
                for (int i = 0; i < 5; i++) Asyncio.sleep(0);
                assertFalse(p.protocol().lost.done()); // not before the buffer is sent
                byte[] got = readPeer(p.peer(), Integer.MAX_VALUE);
                assertEquals(big.length, got.length);
                Asyncio.await(p.protocol().lost);
                assertNull(p.protocol().lostWith);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_eof
    @Test
    void writeEof() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                assertTrue(p.transport().canWriteEof());
                p.transport().write(b("bye"));
                p.transport().writeEof();
                assertEquals("bye", s(readPeer(p.peer(), Integer.MAX_VALUE))); // then EOF
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.transport().write(b("x")));
                assertTrue(e.getMessage().contains("write_eof"));
                // still reading
                Sockets.sockSendall(p.peer(), b("ok"));
                io.jasyncio.TestLoops.waitUntil(() -> p.protocol().data.size() == 2);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_eof_buffer
    @Test
    void writeEofWithBufferedData() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                SocketChannel sock = (SocketChannel) p.transport().getExtraInfo("socket");
                sock.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
                byte[] big = new byte[1 << 20];
                p.transport().write(big);
                assertTrue(p.transport().getWriteBufferSize() > 0);
                p.transport().writeEof(); // the shutdown waits for the buffer
                assertEquals(big.length, readPeer(p.peer(), Integer.MAX_VALUE).length);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_write_eof_after_close
    @Test
    void writeEofAfterClose() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.transport().close();
                p.transport().writeEof(); // no error
                Asyncio.await(p.protocol().lost);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorTransportTests::test_abort
    @Test
    void abortDropsBufferAndLosesConnection() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                fillKernelBuffers(p);
                p.transport().write(b("pending"));
                assertTrue(p.transport().getWriteBufferSize() > 0);
                p.transport().abort();
                assertEquals(0, p.transport().getWriteBufferSize());
                Asyncio.await(p.protocol().lost);
                assertNull(p.protocol().lostWith);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorTransportTests::test_close
    @Test
    void closeIsIdempotent() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                p.transport().close();
                assertTrue(p.transport().isClosing());
                p.transport().close();
                Asyncio.await(p.protocol().lost);
                for (int i = 0; i < 3; i++) Asyncio.sleep(0);
                assertEquals(List.of("made", "lost"), p.protocol().events);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorTransportTests::test_close_write_buffer
    @Test
    void closeWithBufferKeepsWriting() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                fillKernelBuffers(p);
                p.transport().write(b("tail"));
                p.transport().close();
                for (int i = 0; i < 3; i++) Asyncio.sleep(0);
                assertFalse(p.protocol().lost.done());
                assertEquals(4, p.transport().getWriteBufferSize());
                p.transport().abort();
                Asyncio.await(p.protocol().lost);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorTransportTests::test_fatal_error
    @Test
    void fatalIoErrorIsNotReported() {
        runReal(() -> {
            List<ExceptionContext> errors = collectErrors();
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                ((SocketTransport) p.transport()).fatalError(new IOException("xxx"), "Fatal error on transport");
                Asyncio.await(p.protocol().lost);
                assertEquals("xxx", p.protocol().lostWith.getMessage());
                assertEquals(List.of(), errors);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorTransportTests::test_fatal_error_custom_exception
    @Test
    void fatalOtherErrorIsReported() {
        runReal(() -> {
            List<ExceptionContext> errors = collectErrors();
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                IllegalStateException exc = new IllegalStateException("custom");
                ((SocketTransport) p.transport()).fatalError(exc, "Fatal error on transport");
                Asyncio.await(p.protocol().lost);
                assertEquals(1, errors.size());
                assertEquals("Fatal error on transport", errors.get(0).message());
                assertSame(exc, errors.get(0).exception());
                assertSame(p.protocol(), errors.get(0).extra().get("protocol"));
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorTransportTests::test_connection_lost
    @Test
    void connectionLostClosesSocketAndDetachesFromServer() {
        runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> protos = new ArrayList<>();
            Server server = Net.createServer(() -> {
                Recorder r = new Recorder(loop);
                protos.add(r);
                return r;
            }, "127.0.0.1", 0);
            SocketChannel c = ServerTest.connect(new InetSocketAddress("127.0.0.1", ServerTest.portOf(server)));
            io.jasyncio.TestLoops.waitUntil(() -> !protos.isEmpty() && protos.get(0).made.done());
            assertEquals(1, server.activeConnections());
            Recorder r = protos.get(0);
            SocketChannel sock = (SocketChannel) r.transport.getExtraInfo("socket");
            r.transport.close();
            Asyncio.await(r.lost);
            assertFalse(sock.isOpen());
            assertEquals(0, server.activeConnections());
            c.close();
            server.close();
            server.waitClosed();
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportTests::test_transport_close_remove_writer
    @Test
    void abortWithPendingWriteRemovesWriter() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                fillKernelBuffers(p);
                p.transport().write(b("x"));
                SocketChannel sock = (SocketChannel) p.transport().getExtraInfo("socket");
                java.nio.channels.SelectionKey key = sock.keyFor(Asyncio.getRunningLoop().selector());
                assertTrue((key.interestOps() & java.nio.channels.SelectionKey.OP_WRITE) != 0);
                p.transport().abort();
                assertTrue(!key.isValid() || (key.interestOps() & java.nio.channels.SelectionKey.OP_WRITE) == 0);
                Asyncio.await(p.protocol().lost);
            }
            return null;
        });
    }

    // Crossing the high-water mark pauses the protocol; draining below the low-water mark resumes it.
    @Test
    void flowControlPausesAndResumesProtocol() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                fillKernelBuffers(p);
                p.transport().setWriteBufferLimits(1000, 100);
                p.transport().write(new byte[999]);
                assertEquals(List.of("made"), p.protocol().events);
                p.transport().write(new byte[2]);
                assertEquals(List.of("made", "pause"), p.protocol().events);
                readPeer(p.peer(), 1); // the peer starts draining
                io.jasyncio.TestLoops.waitUntil(() -> {
                    try {
                        Sockets.sockRecv(p.peer(), 1 << 20);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return p.protocol().events.contains("resume");
                });
                assertTrue(p.transport().getWriteBufferSize() <= 100);
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- buffered protocol

    static final class BufRecorder extends Recorder implements BufferedProtocol {
        ByteBuffer buf = ByteBuffer.allocate(16);
        RuntimeException getBufferFails;
        RuntimeException updatedFails;

        BufRecorder(EventLoop loop) {
            super(loop);
        }

        @Override public ByteBuffer getBuffer(int sizeHint) {
            if (getBufferFails != null) throw getBufferFails;
            return buf;
        }

        @Override public void bufferUpdated(int nbytes) {
            if (updatedFails != null) throw updatedFails;
            buf.flip();
            byte[] copy = new byte[buf.remaining()];
            buf.get(copy);
            data.writeBytes(copy);
            buf.clear();
        }
    }

    static BufRecorder bufRecorder() {
        return new BufRecorder(Asyncio.getRunningLoop());
    }

    // ports test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_read_ready
    @Test
    void bufferedReadReady() {
        runReal(() -> {
            try (Pair<BufRecorder> p = pair(TransportTest::bufRecorder)) {
                Sockets.sockSendall(p.peer(), b("0123456789abcdefXYZ")); // more than one buffer
                io.jasyncio.TestLoops.waitUntil(() -> p.protocol().data.size() == 19);
                assertEquals("0123456789abcdefXYZ", p.protocol().data.toString());
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_read_ready_eof
    @Test
    void bufferedReadReadyEof() {
        runReal(() -> {
            try (Pair<BufRecorder> p = pair(TransportTest::bufRecorder)) {
                p.peer().shutdownOutput();
                Asyncio.await(p.protocol().lost);
                assertEquals(List.of("made", "eof", "lost"), p.protocol().events);
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_get_buffer_error
    @Test
    void bufferedGetBufferError() {
        runReal(() -> {
            List<ExceptionContext> errors = collectErrors();
            try (Pair<BufRecorder> p = pair(TransportTest::bufRecorder)) {
                p.protocol().getBufferFails = new IllegalStateException("no buffer");
                Sockets.sockSendall(p.peer(), b("x"));
                Asyncio.await(p.protocol().lost);
                assertEquals("Fatal error: protocol.get_buffer() call failed.", errors.get(0).message());
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_get_buffer_zerosized
    @Test
    void bufferedGetBufferZerosized() {
        runReal(() -> {
            List<ExceptionContext> errors = collectErrors();
            try (Pair<BufRecorder> p = pair(TransportTest::bufRecorder)) {
                p.protocol().buf = ByteBuffer.allocate(0);
                Sockets.sockSendall(p.peer(), b("x"));
                Asyncio.await(p.protocol().lost);
                assertEquals("Fatal error: protocol.get_buffer() call failed.", errors.get(0).message());
                assertTrue(errors.get(0).exception().getMessage().contains("empty buffer"));
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_buffer_updated_error
    @Test
    void bufferedBufferUpdatedError() {
        runReal(() -> {
            List<ExceptionContext> errors = collectErrors();
            try (Pair<BufRecorder> p = pair(TransportTest::bufRecorder)) {
                p.protocol().updatedFails = new IllegalStateException("bad");
                Sockets.sockSendall(p.peer(), b("x"));
                Asyncio.await(p.protocol().lost);
                assertEquals("Fatal error: protocol.buffer_updated() call failed.", errors.get(0).message());
            }
            return null;
        });
    }

    // ports test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_proto_type_switch
    @Test
    void protoTypeSwitch() {
        runReal(() -> {
            try (Pair<Recorder> p = pair(TransportTest::recorder)) {
                BufRecorder buffered = bufRecorder();
                p.transport().setProtocol(buffered);
                assertSame(buffered, p.transport().getProtocol());
                Sockets.sockSendall(p.peer(), b("to buffered"));
                io.jasyncio.TestLoops.waitUntil(() -> buffered.data.size() == 11);
                Recorder plain = recorder();
                p.transport().setProtocol(plain);
                Sockets.sockSendall(p.peer(), b("to plain"));
                io.jasyncio.TestLoops.waitUntil(() -> plain.data.size() == 8);
                assertEquals(0, p.protocol().data.size());
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- datagram transport

    static final class DgramRecorder implements DatagramProtocol {
        final List<String> received = new ArrayList<>();
        final List<Exception> errors = new ArrayList<>();
        DatagramTransport transport;

        @Override public void connectionMade(BaseTransport t) { transport = (DatagramTransport) t; }

        @Override public void datagramReceived(ByteBuffer data, SocketAddress addr) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            received.add(s(copy));
        }

        @Override public void errorReceived(Exception exc) { errors.add(exc); }
    }

    // ports test_selector_events.py::SelectorDatagramTransportTests::test_sendto
    @Test
    void datagramSendto() {
        runReal(() -> {
            DatagramEndpoint<DgramRecorder> a = Net.createDatagramEndpoint(DgramRecorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            DatagramEndpoint<DgramRecorder> b = Net.createDatagramEndpoint(DgramRecorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            SocketAddress bAddr = (SocketAddress) b.transport().getExtraInfo("sockname");
            a.transport().sendto(b("data"), bAddr);
            assertEquals(0, a.transport().getWriteBufferSize());
            io.jasyncio.TestLoops.waitUntil(() -> b.protocol().received.size() == 1);
            assertEquals(List.of("data"), b.protocol().received);
            a.transport().close();
            b.transport().close();
            return null;
        });
    }

    // ports test_selector_events.py::SelectorDatagramTransportTests::test_sendto_no_data
    @Test
    void datagramSendtoNoDataSendsEmptyDatagram() {
        runReal(() -> {
            DatagramEndpoint<DgramRecorder> a = Net.createDatagramEndpoint(DgramRecorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            DatagramEndpoint<DgramRecorder> b = Net.createDatagramEndpoint(DgramRecorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            a.transport().sendto(b(""), (SocketAddress) b.transport().getExtraInfo("sockname"));
            io.jasyncio.TestLoops.waitUntil(() -> b.protocol().received.size() == 1);
            assertEquals(List.of(""), b.protocol().received);
            a.transport().close();
            b.transport().close();
            return null;
        });
    }

    // ports test_selector_events.py::SelectorDatagramTransportTests::test_sendto_connected_addr
    @Test
    void datagramSendtoConnectedAddr() {
        runReal(() -> {
            DatagramEndpoint<DgramRecorder> a = Net.createDatagramEndpoint(DgramRecorder::new, null,
                    new InetSocketAddress("127.0.0.1", 9));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.transport().sendto(b("x"), new InetSocketAddress("127.0.0.1", 10)));
            assertTrue(e.getMessage().startsWith("Invalid address"));
            a.transport().close();
            return null;
        });
    }

    // ports test_selector_events.py::SelectorDatagramTransportTests::test_sendto_error_received_connected
    @Test
    void datagramErrorReceivedConnected() {
        runReal(() -> {
            int port;
            try (DatagramChannel probe = DatagramChannel.open()) {
                probe.bind(new InetSocketAddress("127.0.0.1", 0));
                port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
            }
            DatagramEndpoint<DgramRecorder> a = Net.createDatagramEndpoint(DgramRecorder::new, null,
                    new InetSocketAddress("127.0.0.1", port));
            io.jasyncio.TestLoops.waitUntil(() -> {
                a.transport().sendto(b("anyone?"));
                return !a.protocol().errors.isEmpty();
            });
            assertInstanceOf(PortUnreachableException.class, a.protocol().errors.get(0));
            assertFalse(a.transport().isClosing()); // the endpoint survives
            a.transport().close();
            return null;
        });
    }

    // ports test_selector_events.py::SelectorDatagramTransportTests::test_fatal_error_connected
    @Test
    void datagramCloseCallsConnectionLostOnce() {
        runReal(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ServerTest.MyDatagramProto proto = new ServerTest.MyDatagramProto(loop);
            DatagramEndpoint<ServerTest.MyDatagramProto> a = Net.createDatagramEndpoint(() -> proto,
                    new InetSocketAddress("127.0.0.1", 0), null);
            a.transport().close();
            a.transport().close();
            Asyncio.await(proto.done);
            assertEquals("CLOSED", proto.state);
            return null;
        });
    }
}
