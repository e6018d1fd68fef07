package io.jasyncio.transport;

import static io.jasyncio.subprocess.SubprocessTesting.awaitLivePipeThreads;
import static io.jasyncio.subprocess.SubprocessTesting.b;
import static io.jasyncio.subprocess.SubprocessTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Runner;
import io.jasyncio.internal.io.SelectorReadPipeTransport;
import io.jasyncio.internal.io.SelectorWritePipeTransport;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamReaderProtocol;
import io.jasyncio.subprocess.SubprocessTesting;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code loop.connect_read_pipe} / {@code connect_write_pipe} ({@link Net#connectReadPipe},
 * {@link Net#connectWritePipe}) over a {@link java.nio.channels.Pipe} and a child's streams (CPython's
 * test_events.py pipe cases).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class ConnectPipeTest {

    /** CPython's MyReadPipeProto, plus a future per byte count awaited (instead of polling run_until). */
    static final class MyReadPipeProto implements Protocol {
        final List<String> state = new ArrayList<>(List.of("INITIAL"));
        int nbytes;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        ReadTransport transport;
        final Future<Void> done;
        private Future<Void> reached;
        private int target;

        MyReadPipeProto(EventLoop loop) {
            done = loop.createFuture();
        }

        void expect(List<String> expected) {
            if (!state.equals(expected)) throw new AssertionError("state: " + state + ", expected: " + expected);
        }

        /** Suspends until {@code n} bytes in all have arrived. */
        void awaitBytes(int n) {
            if (nbytes >= n) return;
            target = n;
            reached = Asyncio.getRunningLoop().createFuture();
            Asyncio.await(reached);
        }

        @Override public void connectionMade(BaseTransport t) {
            transport = (ReadTransport) t;
            expect(List.of("INITIAL"));
            state.add("CONNECTED");
        }

        @Override public void dataReceived(ByteBuffer d) {
            expect(List.of("INITIAL", "CONNECTED"));
            nbytes += d.remaining();
            byte[] copy = new byte[d.remaining()];
            d.get(copy);
            data.writeBytes(copy);
            if (reached != null && nbytes >= target) {
                reached.setResult(null);
                reached = null;
            }
        }

        @Override public boolean eofReceived() {
            expect(List.of("INITIAL", "CONNECTED"));
            state.add("EOF");
            return false;
        }

        @Override public void connectionLost(Throwable exc) {
            if (!state.contains("EOF")) state.add("EOF"); // it is okay if EOF is missed
            expect(List.of("INITIAL", "CONNECTED", "EOF"));
            state.add("CLOSED");
            done.setResult(null);
        }
    }

    /** CPython's MyWritePipeProto. */
    static class MyWritePipeProto implements BaseProtocol {
        String state = "INITIAL";
        WriteTransport transport;
        Throwable lostWith;
        final Future<Void> done;

        MyWritePipeProto(EventLoop loop) {
            done = loop.createFuture();
        }

        @Override public void connectionMade(BaseTransport t) {
            transport = (WriteTransport) t;
            assertEquals("INITIAL", state);
            state = "CONNECTED";
        }

        @Override public void connectionLost(Throwable exc) {
            assertEquals("CONNECTED", state);
            state = "CLOSED";
            lostWith = exc;
            done.setResult(null);
        }
    }

    /** Reads at least {@code n} bytes from a blocking source, off the loop. */
    public static byte[] readBlocking(Pipe.SourceChannel source, int n) {
        return Asyncio.toThread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(n);
            while (buf.hasRemaining() && source.read(buf) >= 0) { /* until n bytes or EOF */ }
            return java.util.Arrays.copyOf(buf.array(), buf.position());
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_read_pipe
    @Test
    void readPipe() throws Exception {
        Asyncio.run(() -> {
            MyReadPipeProto proto = new MyReadPipeProto(Asyncio.getRunningLoop());
            Pipe pipe = Pipe.open();
            InputStream pipeobj = Channels.newInputStream(pipe.source());
            PipeConnection<ReadTransport, MyReadPipeProto> c = Net.connectReadPipe(() -> proto, pipeobj);
            assertSame(proto, c.protocol());
            assertSame(c.transport(), proto.transport);
            proto.expect(List.of("INITIAL", "CONNECTED"));
            assertEquals(0, proto.nbytes);

            pipe.sink().write(ByteBuffer.wrap(b("1")));
            proto.awaitBytes(1);
            assertEquals(1, proto.nbytes);

            pipe.sink().write(ByteBuffer.wrap(b("2345")));
            proto.awaitBytes(5);
            proto.expect(List.of("INITIAL", "CONNECTED"));
            assertEquals(5, proto.nbytes);

            pipe.sink().close();
            Asyncio.await(proto.done);
            proto.expect(List.of("INITIAL", "CONNECTED", "EOF", "CLOSED"));
            assertEquals("12345", s(proto.data.toByteArray()));
            // extra info is available
            assertSame(pipeobj, proto.transport.getExtraInfo("pipe"));
            assertFalse(pipe.source().isOpen(), "the transport closed the pipe");
            return null;
        });
        assertEquals(0, awaitLivePipeThreads(0));
    }

    // ports test_events.py::EventLoopTestsMixin::test_write_pipe
    @Test
    void writePipe() throws Exception {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            OutputStream pipeobj = Channels.newOutputStream(pipe.sink());
            MyWritePipeProto proto = new MyWritePipeProto(Asyncio.getRunningLoop());
            PipeConnection<WriteTransport, MyWritePipeProto> c = Net.connectWritePipe(() -> proto, pipeobj);
            assertSame(proto, c.protocol());
            assertSame(c.transport(), proto.transport);
            assertEquals("CONNECTED", proto.state);

            c.transport().write(b("1"));
            assertEquals("1", s(readBlocking(pipe.source(), 1)));

            c.transport().write(b("2345"));
            assertEquals("2345", s(readBlocking(pipe.source(), 4)));
            assertEquals("CONNECTED", proto.state);

            pipe.source().close();
            // extra info is available
            assertSame(pipeobj, proto.transport.getExtraInfo("pipe"));

            // close connection
            proto.transport.close();
            Asyncio.await(proto.done);
            assertEquals("CLOSED", proto.state);
            assertFalse(pipe.sink().isOpen(), "the transport closed the pipe");
            return null;
        });
        assertEquals(0, awaitLivePipeThreads(0));
    }

    // ports test_events.py::EventLoopTestsMixin::test_read_pipe
    /** As {@link #readPipe()}, over the pipe's channel: watched by the selector, with no thread. */
    @Test
    void readPipeOverSelectableChannel() throws Exception {
        Asyncio.run(() -> {
            MyReadPipeProto proto = new MyReadPipeProto(Asyncio.getRunningLoop());
            Pipe pipe = Pipe.open();
            PipeConnection<ReadTransport, MyReadPipeProto> c = Net.connectReadPipe(() -> proto, pipe.source());
            assertInstanceOf(SelectorReadPipeTransport.class, c.transport());
            assertEquals(0, SubprocessTesting.livePipeThreads());
            proto.expect(List.of("INITIAL", "CONNECTED"));

            pipe.sink().write(ByteBuffer.wrap(b("1")));
            proto.awaitBytes(1);
            c.transport().pauseReading();
            assertFalse(c.transport().isReading());
            pipe.sink().write(ByteBuffer.wrap(b("2345")));
            Asyncio.sleep(0.01);
            assertEquals(1, proto.nbytes, "nothing is read while paused");
            c.transport().resumeReading();
            proto.awaitBytes(5);
            proto.expect(List.of("INITIAL", "CONNECTED"));

            pipe.sink().close();
            Asyncio.await(proto.done);
            proto.expect(List.of("INITIAL", "CONNECTED", "EOF", "CLOSED"));
            assertEquals("12345", s(proto.data.toByteArray()));
            assertSame(pipe.source(), proto.transport.getExtraInfo("pipe"));
            assertFalse(pipe.source().isOpen(), "the transport closed the pipe");
            return null;
        });
    }

    // ports test_events.py::EventLoopTestsMixin::test_write_pipe
    /** As {@link #writePipe()}, over the pipe's channel, plus flow control and a reader that goes away. */
    @Test
    void writePipeOverSelectableChannel() throws Exception {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            List<String> calls = new ArrayList<>();
            MyWritePipeProto proto = new MyWritePipeProto(Asyncio.getRunningLoop()) {
                @Override public void pauseWriting() { calls.add("pause"); }
                @Override public void resumeWriting() { calls.add("resume"); }
            };
            PipeConnection<WriteTransport, MyWritePipeProto> c = Net.connectWritePipe(() -> proto, pipe.sink());
            assertInstanceOf(SelectorWritePipeTransport.class, c.transport());
            assertEquals(0, SubprocessTesting.livePipeThreads());

            c.transport().write(b("1"));
            assertEquals(0, c.transport().getWriteBufferSize(), "an empty pipe takes a small write at once");
            assertEquals("1", s(readBlocking(pipe.source(), 1)));

            // more than the pipe holds: the rest is buffered, the protocol paused, then resumed as it drains
            c.transport().write(new byte[1 << 20]);
            assertTrue(c.transport().getWriteBufferSize() > 0);
            assertEquals(List.of("pause"), calls);
            assertEquals(1 << 20, readBlocking(pipe.source(), 1 << 20).length);
            while (c.transport().getWriteBufferSize() > 0) Asyncio.sleep(0.001);
            assertEquals(List.of("pause", "resume"), calls);

            // the reader goes away: the next write breaks the pipe
            pipe.source().close();
            c.transport().write(b("lost"));
            Asyncio.await(proto.done);
            assertEquals("CLOSED", proto.state);
            assertInstanceOf(BrokenPipeError.class, proto.lostWith);
            assertFalse(pipe.sink().isOpen(), "the transport closed the pipe");
            return null;
        });
    }

    /** A selectable pipe left open when the loop closes is closed with it: no descriptor outlives the loop. */
    @Test
    void selectablePipeLeftOpenIsClosedWithTheLoop() throws Exception {
        Pipe pipe = Pipe.open();
        Asyncio.run(() -> {
            Net.connectReadPipe(() -> new MyReadPipeProto(Asyncio.getRunningLoop()), pipe.source());
            return null;
        });
        assertFalse(pipe.source().isOpen());
        pipe.sink().close();
    }

    // ports test_events.py::EventLoopTestsMixin::test_write_pipe_disconnect_on_close
    @Test
    void writePipeDisconnectOnClose() throws Exception {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            MyWritePipeProto proto = new MyWritePipeProto(Asyncio.getRunningLoop());
            PipeConnection<WriteTransport, MyWritePipeProto> c =
                    Net.connectWritePipe(() -> proto, Channels.newOutputStream(pipe.sink()));
            assertEquals("CONNECTED", proto.state);

            c.transport().write(b("1"));
            assertEquals("1", s(readBlocking(pipe.source(), 1)));

            pipe.source().close();
            // asyncio sees the reader go at once through the selector; a stream sees it at its next write
            c.transport().write(b("2"));
            Asyncio.await(proto.done);
            assertEquals("CLOSED", proto.state);
            assertInstanceOf(BrokenPipeError.class, proto.lostWith);
            return null;
        });
        assertEquals(0, awaitLivePipeThreads(0));
    }

    // ports test_events.py::EventLoopTestsMixin::test_unclosed_pipe_transport
    @Test
    void unclosedPipeTransport() throws Exception {
        Pipe pipe = Pipe.open();
        ReadTransport[] read = new ReadTransport[1];
        WriteTransport[] write = new WriteTransport[1];
        try (Runner r = Runner.builder().build()) {
            r.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                read[0] = Net.connectReadPipe(() -> new MyReadPipeProto(loop), Channels.newInputStream(pipe.source()))
                        .transport();
                write[0] = Net.connectWritePipe(() -> new MyWritePipeProto(loop), Channels.newOutputStream(pipe.sink()))
                        .transport();
                return null;
            });
        }
        // the loop is closed, the transports were not: they still describe themselves...
        assertTrue(read[0].toString().contains("read-pipe"), read[0].toString());
        assertTrue(write[0].toString().contains("write-pipe"), write[0].toString());
        // ...and their threads end, closing their pipes
        assertEquals(0, awaitLivePipeThreads(0));
        assertFalse(pipe.sink().isOpen());
        pipe.source().close();
    }

    /** A child's streams as pipes, read through a StreamReader as CPython users do (StreamReaderProtocol). */
    @Test
    void childStreamsWithStreamReader() throws Exception {
        Process cat = new ProcessBuilder("cat").start();
        try {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                StreamReader reader = new StreamReader();
                Net.connectReadPipe(() -> new StreamReaderProtocol(reader), cat.getInputStream());
                MyWritePipeProto wproto = new MyWritePipeProto(loop);
                WriteTransport stdin = Net.connectWritePipe(() -> wproto, cat.getOutputStream()).transport();
                stdin.write(b("line one\nline two\n"));
                assertEquals("line one\n", s(reader.readline()));
                stdin.write(b("the end"));
                stdin.close();
                Asyncio.await(wproto.done);
                assertEquals("line two\nthe end", s(reader.read()));
                assertTrue(reader.atEof());
                return null;
            });
            assertTrue(cat.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, cat.exitValue());
        } finally {
            cat.destroyForcibly();
        }
        assertEquals(0, awaitLivePipeThreads(0));
    }

    /** A StreamReader pauses a read pipe above twice its limit and resumes it as it is read: memory stays bounded. */
    @Test
    void streamReaderPausesTheReadPipe() throws Exception {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            byte[] big = new byte[60_000]; // fits in the kernel's pipe buffer: written before anyone reads
            for (int i = 0; i < big.length; i++) big[i] = (byte) i;
            pipe.sink().write(ByteBuffer.wrap(big));
            pipe.sink().close();
            StreamReader reader = new StreamReader(1024);
            ReadTransport t = Net.connectReadPipe(() -> new StreamReaderProtocol(reader),
                    Channels.newInputStream(pipe.source())).transport();
            byte[] first = reader.readexactly(10);
            assertFalse(t.isReading(), "paused: the reader holds more than twice its limit");
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(first);
            all.writeBytes(reader.read());
            assertArrayEquals(big, all.toByteArray());
            return null;
        });
        assertEquals(0, awaitLivePipeThreads(0));
    }

    /** What was not given is refused at once, naming it. */
    @Test
    void nullArguments() {
        Asyncio.run(() -> {
            assertThrows(NullPointerException.class, () -> Net.connectReadPipe(() -> new Protocol() {}, (InputStream) null));
            assertThrows(NullPointerException.class, () -> Net.connectWritePipe(() -> new BaseProtocol() {}, (OutputStream) null));
            assertThrows(NullPointerException.class,
                    () -> Net.connectReadPipe(() -> new Protocol() {}, (Pipe.SourceChannel) null));
            assertThrows(NullPointerException.class,
                    () -> Net.connectWritePipe(() -> new BaseProtocol() {}, (Pipe.SinkChannel) null));
            return null;
        });
    }
}
