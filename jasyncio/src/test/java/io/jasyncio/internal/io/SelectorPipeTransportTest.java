package io.jasyncio.internal.io;

import static io.jasyncio.subprocess.SubprocessTesting.b;
import static io.jasyncio.subprocess.SubprocessTesting.s;
import static io.jasyncio.transport.ConnectPipeTest.readBlocking;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.BrokenPipeError;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.PipeConnection;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.WriteTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The selector-driven pipe transports ({@link SelectorReadPipeTransport}, {@link SelectorWritePipeTransport}) on
 * their own, over real {@link java.nio.channels.Pipe}s: CPython's UnixReadPipeTransportTests and
 * UnixWritePipeTransportTests of test_unix_events.py. Those patch os.read/os.write and look at the loop's readers
 * and writers; here the kernel pipe plays its part (it holds about 64 KiB, so a bigger write is partial), the
 * test's end of it stays blocking and is read off the loop, and the loop's selector keys stand for
 * {@code loop.readers}/{@code loop.writers}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectorPipeTransportTest {
    /** More than a pipe holds: written through a transport, most of it is buffered. */
    static final byte[] BIG = pattern(1 << 20);
    /** How long a test waits for something the loop does in real time before failing. */
    static final long WAIT_NANOS = 5_000_000_000L;

    /** Records what a pipe transport tells its protocol, in order. */
    static final class Recorder implements Protocol {
        final List<String> calls = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final Future<Throwable> lost = Asyncio.getRunningLoop().createFuture();
        BaseTransport transport;

        String data() {
            return s(data.toByteArray());
        }

        @Override public void connectionMade(BaseTransport t) {
            transport = t;
            calls.add("made");
        }

        @Override public void dataReceived(ByteBuffer d) {
            if (!calls.getLast().equals("data")) calls.add("data");
            byte[] a = new byte[d.remaining()];
            d.get(a);
            data.writeBytes(a);
        }

        @Override public boolean eofReceived() {
            calls.add("eof");
            return false;
        }

        @Override public void connectionLost(Throwable exc) {
            calls.add("lost");
            lost.setResult(exc);
        }

        @Override public void pauseWriting() {
            calls.add("pause");
        }

        @Override public void resumeWriting() {
            calls.add("resume");
        }
    }

    /** Captures the warnings logged on "io.jasyncio.transport" (CPython's test patches asyncio.unix_events.logger). */
    static final class Warnings extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("io.jasyncio.transport");
        final List<String> messages = new CopyOnWriteArrayList<>();

        Warnings() {
            setLevel(Level.WARNING);
            logger.addHandler(this);
        }

        @Override public void publish(LogRecord r) {
            if (isLoggable(r)) messages.add(r.getMessage());
        }

        @Override public void flush() {}

        @Override public void close() {
            logger.removeHandler(this);
        }
    }

    interface Body {
        void run() throws Exception;
    }

    /** What the loop's exception handler received; checked empty after each test unless the test expects a report. */
    private final List<ExceptionContext> errors = new CopyOnWriteArrayList<>();
    private final List<Pipe> pipes = new ArrayList<>();

    @AfterEach
    void closePipesAndCheckErrors() throws IOException {
        for (Pipe p : pipes) {
            p.source().close();
            p.sink().close();
        }
        assertEquals(List.of(), errors.stream().map(ExceptionContext::message).toList(), "exception handler calls");
    }

    /** Runs {@code body} on a fresh loop, bounded in time, recording what reaches the exception handler. */
    void run(Body body) {
        Asyncio.run(() -> Asyncio.waitFor(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx));
            body.run();
            return null;
        }, 20.0));
    }

    /** asyncio's {@code _conn_lost}: the loss itself plus the writes dropped since (or while closing). */
    static int connLost(SelectorWritePipeTransport tr) {
        return tr.connLost + tr.droppedWrites;
    }

    Pipe pipe() throws IOException {
        Pipe p = Pipe.open();
        pipes.add(p);
        return p;
    }

    static SelectorReadPipeTransport reader(Pipe p, Recorder proto) throws IOException {
        return (SelectorReadPipeTransport) Net.connectReadPipe(() -> proto, p.source()).transport();
    }

    static SelectorWritePipeTransport writer(Pipe p, Recorder proto) throws IOException {
        return (SelectorWritePipeTransport) Net.connectWritePipe(() -> proto, p.sink()).transport();
    }

    static byte[] pattern(int n) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) a[i] = (byte) (i * 31 + i / 251);
        return a;
    }

    /** Whether the running loop's selector watches {@code ch} (asyncio's tests look at loop.readers/writers). */
    static boolean watched(SelectableChannel ch) {
        SelectionKey key = ch.keyFor(Asyncio.getRunningLoop().selector());
        return key != null && key.isValid();
    }

    /** Lets the loop go round {@code n} times: enough for a ready channel to be selected and served. */
    static void turns(int n) {
        for (int i = 0; i < n; i++) Asyncio.sleep(0);
    }

    /** Bounded polling: lets the loop run until {@code done} holds, failing after a few seconds. */
    static void until(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            Asyncio.sleep(0.001);
        }
    }

    /** Fills an empty pipe through its (not yet connected) writing end; returns how many bytes it took. */
    static int fill(Pipe.SinkChannel sink) throws IOException {
        sink.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        int total = 0;
        for (int n; (n = sink.write(chunk.clear())) > 0; ) total += n;
        assertTrue(total > 0);
        return total;
    }

    /** Reads what is left once the writing end is closed, off the loop (returns at EOF at once). */
    static byte[] readToEof(Pipe.SourceChannel source) {
        return Asyncio.toThread(() -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            while (source.read(buf.clear()) >= 0) all.write(buf.array(), 0, buf.position());
            return all.toByteArray();
        });
    }

    /** Writes {@link #BIG} through {@code tr}: the pipe takes part of it, the rest is buffered. */
    static long writeBig(SelectorWritePipeTransport tr) {
        tr.write(BIG);
        long buffered = tr.getWriteBufferSize();
        assertTrue(buffered > 0 && buffered < BIG.length, "buffered: " + buffered);
        return buffered;
    }

    // ---------------------------------------------------------------- UnixReadPipeTransportTests

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_ctor
    @Test
    void readCtor() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            PipeConnection<ReadTransport, Recorder> c = Net.connectReadPipe(() -> proto, p.source());
            // connectionMade has run, then the pipe was watched, before the caller wakes up
            assertSame(c.transport(), proto.transport);
            assertEquals(List.of("made"), proto.calls);
            assertTrue(watched(p.source()));
            assertTrue(c.transport().isReading());
            assertFalse(c.transport().isClosing());
            assertFalse(p.source().isBlocking());
            assertSame(p.source(), c.transport().getExtraInfo("pipe"));
            c.transport().close();
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test__read_ready
    @Test
    void readReady() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorReadPipeTransport tr = reader(p, proto);
            p.sink().write(ByteBuffer.wrap(b("data")));
            until("data arrives", () -> proto.data.size() == 4);
            assertEquals("data", proto.data());
            assertEquals(List.of("made", "data"), proto.calls);
            assertTrue(tr.isReading());
            tr.close();
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test__read_ready_eof
    @Test
    void readReadyEof() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorReadPipeTransport tr = reader(p, proto);
            p.sink().write(ByteBuffer.wrap(b("data")));
            p.sink().close();
            assertNull(Asyncio.await(proto.lost));
            assertEquals(List.of("made", "data", "eof", "lost"), proto.calls);
            assertEquals("data", proto.data());
            assertTrue(tr.isClosing());
            assertFalse(watched(p.source()));
            assertFalse(p.source().isOpen(), "the transport closed its pipe");
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test__read_ready_blocked
    @Test
    void readReadyBlocked() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorReadPipeTransport tr = reader(p, proto);
            tr.readReady(); // a spurious wake-up: the empty pipe would block
            turns(10);
            assertEquals(List.of("made"), proto.calls);
            assertTrue(tr.isReading());
            assertTrue(watched(p.source()));
            tr.close();
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test__read_ready_error
    @Test
    void readReadyError() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorReadPipeTransport tr = reader(p, proto);
            tr.pauseReading(); // so that the selector leaves the pipe alone while it is closed under the transport
            p.source().close();
            tr.readReady(); // the read fails: EBADF
            assertTrue(tr.isClosing());
            assertInstanceOf(ClosedChannelException.class, Asyncio.await(proto.lost));
            assertEquals(List.of("made", "lost"), proto.calls);
            // as asyncio's read pipe (any OSError but EIO): reported to the exception handler
            assertEquals(List.of("Fatal read error on pipe transport"),
                    errors.stream().map(ExceptionContext::message).toList());
            errors.clear();
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading
    @Test
    void pauseReading() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorReadPipeTransport tr = reader(p, proto);
            tr.pauseReading();
            tr.pauseReading(); // test_pause_reading_on_paused_pipe: the second call does nothing
            assertFalse(tr.isReading());
            assertFalse(watched(p.source()));
            p.sink().write(ByteBuffer.wrap(b("data")));
            turns(10);
            assertEquals(List.of("made"), proto.calls, "nothing is read while paused");
            tr.resumeReading();
            until("data arrives", () -> proto.data.size() == 4);
            assertEquals("data", proto.data());
            tr.close();
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_resume_reading
    @Test
    void resumeReading() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorReadPipeTransport tr = reader(p, proto);
            tr.resumeReading(); // test_resume_reading_on_paused_pipe: not paused, nothing to do
            assertTrue(tr.isReading());
            tr.pauseReading();
            tr.resumeReading();
            assertTrue(tr.isReading());
            assertTrue(watched(p.source()));
            p.sink().write(ByteBuffer.wrap(b("data")));
            until("data arrives", () -> proto.data.size() == 4);
            assertEquals(List.of("made", "data"), proto.calls);
            tr.close();
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_close
    @Test
    void readClose() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorReadPipeTransport tr = reader(p, proto);
            p.sink().write(ByteBuffer.wrap(b("unread")));
            tr.close();
            assertTrue(tr.isClosing());
            assertFalse(tr.isReading());
            assertFalse(watched(p.source()));
            assertNull(Asyncio.await(proto.lost));
            assertEquals(List.of("made", "lost"), proto.calls, "no data and no EOF after close");
            assertFalse(p.source().isOpen(), "the transport closed its pipe");
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_close_already_closing
    @Test
    void readCloseAlreadyClosing() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorReadPipeTransport tr = reader(p, proto);
            tr.close();
            tr.close();
            Asyncio.await(proto.lost);
            turns(5);
            assertEquals(List.of("made", "lost"), proto.calls);
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading_on_closed_pipe
    @Test
    void pauseAndResumeReadingOnClosedPipe() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorReadPipeTransport tr = reader(p, proto);
            tr.close();
            Asyncio.await(proto.lost);
            tr.pauseReading(); // does nothing, does not fail
            tr.resumeReading(); // test_resume_reading_on_closed_pipe: likewise
            assertFalse(tr.isReading());
            assertFalse(watched(p.source()));
        });
    }

    // ---------------------------------------------------------------- UnixWritePipeTransportTests

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write
    @Test
    void write() {
        run(() -> {
            Pipe p = pipe();
            SelectorWritePipeTransport tr = writer(p, new Recorder());
            assertTrue(tr.canWriteEof());
            assertSame(p.sink(), tr.getExtraInfo("pipe"));
            tr.write(b("data"));
            assertEquals(0, tr.getWriteBufferSize(), "the empty pipe took it all at once");
            assertFalse(watched(p.sink()));
            assertEquals("data", s(readBlocking(p.source(), 4)));
            tr.close();
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_no_data
    @Test
    void writeNoData() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            tr.write(b(""));
            assertEquals(0, tr.getWriteBufferSize());
            assertFalse(watched(p.sink()));
            tr.close();
            Asyncio.await(proto.lost);
            assertEquals("", s(readToEof(p.source())));
        });
    }

    /** Also test__write_ready and test__write_ready_partial: the selector drains the buffer as the pipe empties. */
    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_partial
    @Test
    void writePartial() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            writeBig(tr);
            assertTrue(watched(p.sink()), "the rest waits for room");
            assertEquals(List.of("made", "pause"), proto.calls, "above the high-water mark");
            assertArrayEquals(BIG, readBlocking(p.source(), BIG.length));
            until("the buffer is written", () -> tr.getWriteBufferSize() == 0);
            assertFalse(watched(p.sink()), "nothing left to write");
            assertEquals(List.of("made", "pause", "resume"), proto.calls);
            tr.close();
        });
    }

    /** asyncio's pipe resumes its writer only once the buffer is empty, not at the low-water mark. */
    // ports test_unix_events.py::UnixWritePipeTransportTests::test__write_ready_partial
    @Test
    void resumesWritingOnlyWhenDrained() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            long buffered = writeBig(tr);
            readBlocking(p.source(), (int) buffered - 8192); // the pipe refills; 8 KiB stay buffered
            until("the buffer is below the low-water mark", () -> tr.getWriteBufferSize() <= 8192);
            turns(5);
            assertTrue(tr.getWriteBufferSize() > 0, "still buffered: " + tr.getWriteBufferSize());
            assertEquals(List.of("made", "pause"), proto.calls, "below the low-water mark but not drained");
            readBlocking(p.source(), BIG.length - ((int) buffered - 8192));
            until("the buffer is written", () -> tr.getWriteBufferSize() == 0);
            assertEquals(List.of("made", "pause", "resume"), proto.calls);
            tr.close();
        });
    }

    /** A protocol that writes more and closes when resumed: what it wrote goes out before the pipe closes. */
    @Test
    void writeAndCloseFromResumeWritingFlushesFirst() {
        run(() -> {
            Pipe p = pipe();
            byte[] tail = pattern(256 * 1024);
            Future<Throwable> lost = Asyncio.getRunningLoop().createFuture();
            WriteTransport[] tr = new WriteTransport[1];
            Protocol proto = new Protocol() {
                @Override public void connectionMade(BaseTransport t) { tr[0] = (WriteTransport) t; }
                @Override public void connectionLost(Throwable exc) { lost.setResult(exc); }
                @Override public void resumeWriting() {
                    tr[0].write(ByteBuffer.wrap(tail));
                    tr[0].close();
                }
            };
            Net.connectWritePipe(() -> proto, p.sink());
            tr[0].write(ByteBuffer.wrap(BIG));
            byte[] got = readToEof(p.source());
            assertEquals(BIG.length + tail.length, got.length, "every byte written before close() arrives");
            assertArrayEquals(tail, Arrays.copyOfRange(got, BIG.length, got.length));
            assertNull(Asyncio.await(lost));
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_buffer
    @Test
    void writeBuffer() {
        run(() -> {
            Pipe p = pipe();
            SelectorWritePipeTransport tr = writer(p, new Recorder());
            long previous = writeBig(tr);
            tr.write(b("data")); // behind buffered bytes: not tried now, appended
            assertEquals(previous + 4, tr.getWriteBufferSize());
            byte[] got = readBlocking(p.source(), BIG.length + 4);
            assertArrayEquals(BIG, Arrays.copyOf(got, BIG.length));
            assertEquals("data", s(Arrays.copyOfRange(got, BIG.length, got.length)));
            tr.close();
        });
    }

    /** Also test__write_ready: once the buffer is written, the next write goes straight to the pipe again. */
    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_again
    @Test
    void writeAgain() {
        run(() -> {
            Pipe p = pipe();
            int full = fill(p.sink());
            SelectorWritePipeTransport tr = writer(p, new Recorder());
            tr.write(b("data")); // the full pipe takes nothing (EAGAIN)
            assertEquals(4, tr.getWriteBufferSize());
            assertTrue(watched(p.sink()));
            assertEquals(full, readBlocking(p.source(), full).length);
            assertEquals("data", s(readBlocking(p.source(), 4)));
            until("the writer is removed", () -> !watched(p.sink()));
            assertEquals(0, tr.getWriteBufferSize());
            tr.write(b("more"));
            assertEquals(0, tr.getWriteBufferSize());
            assertEquals("more", s(readBlocking(p.source(), 4)));
            tr.close();
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_err
    @Test
    void writeErr() {
        try (Warnings warnings = new Warnings()) {
            run(() -> {
                Pipe p = pipe();
                Recorder proto = new Recorder();
                SelectorWritePipeTransport tr = writer(p, proto);
                p.source().close();
                tr.write(b("data")); // EPIPE
                assertEquals(0, tr.getWriteBufferSize());
                assertFalse(watched(p.sink()));
                assertTrue(tr.isClosing());
                assertEquals(1, connLost(tr));
                tr.write(b("data"));
                assertEquals(2, connLost(tr));
                for (int i = 0; i < 4; i++) tr.write(b("data"));
                assertEquals(List.of("pipe closed by peer or os.write(pipe, data) raised exception."),
                        warnings.messages);
                assertInstanceOf(BrokenPipeError.class, Asyncio.await(proto.lost));
                assertEquals(List.of("made", "lost"), proto.calls);
                tr.close();
            });
        }
    }

    /** With data pending when the reader goes, as asyncio's _read_ready: a BrokenPipeError, then writes dropped. */
    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_close
    @Test
    void writeClose() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            writeBig(tr);
            p.source().close();
            tr.readerGone(); // the pipe was closed by its peer (a child's exit)
            assertEquals(0, tr.getWriteBufferSize());
            int lost = connLost(tr);
            tr.write(b("data"));
            assertEquals(lost + 1, connLost(tr));
            tr.write(b("data"));
            assertEquals(lost + 2, connLost(tr));
            assertEquals(0, tr.getWriteBufferSize());
            assertInstanceOf(BrokenPipeError.class, Asyncio.await(proto.lost));
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test__read_ready
    @Test
    void writeReaderGone() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            p.source().close();
            tr.readerGone(); // nothing was pending: a quiet close
            assertTrue(tr.isClosing());
            assertFalse(watched(p.sink()));
            assertNull(Asyncio.await(proto.lost));
            assertFalse(p.sink().isOpen(), "the transport closed its pipe");
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test__write_ready_err
    @Test
    void writeReadyErr() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            writeBig(tr);
            p.source().close(); // the selector reports the sink, whose next write fails: EPIPE
            assertInstanceOf(BrokenPipeError.class, Asyncio.await(proto.lost));
            assertEquals(0, tr.getWriteBufferSize());
            assertTrue(tr.isClosing());
            assertEquals(1, tr.connLost);
            assertFalse(watched(p.sink()));
            assertFalse(p.sink().isOpen(), "the transport closed its pipe");
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_abort
    @Test
    void abort() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            long buffered = writeBig(tr);
            tr.abort();
            assertEquals(0, tr.getWriteBufferSize());
            assertTrue(tr.isClosing());
            assertFalse(watched(p.sink()));
            assertNull(Asyncio.await(proto.lost));
            // the reader gets what the pipe already held, then EOF: the buffer was dropped
            assertEquals(BIG.length - buffered, readToEof(p.source()).length);
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test__call_connection_lost_with_err
    @Test
    void callConnectionLostWithErr() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            IOException err = new IOException("boom");
            tr.callConnectionLost(err);
            assertTrue(proto.lost.done());
            assertSame(err, proto.lost.result());
            assertFalse(p.sink().isOpen(), "the transport closed its pipe");
            tr.abort(); // once only: nothing more reaches the protocol
            turns(5);
            assertEquals(List.of("made", "lost"), proto.calls);
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_close
    @Test
    void writeCloseTwice() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            tr.write(b("data"));
            tr.close();
            tr.close(); // closing twice must not fail
            assertNull(Asyncio.await(proto.lost));
            turns(5);
            assertEquals(List.of("made", "lost"), proto.calls);
            assertEquals("data", s(readToEof(p.source())));
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_eof
    @Test
    void writeEof() {
        run(() -> {
            Pipe p = pipe();
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            tr.writeEof();
            assertTrue(tr.isClosing());
            assertNull(Asyncio.await(proto.lost));
            assertFalse(p.sink().isOpen(), "a pipe has no half-close: it is closed");
            assertEquals("", s(readToEof(p.source())));
        });
    }

    /** Also test__write_ready_closing: the pending bytes are written, then the pipe closes. */
    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_eof_pending
    @Test
    void writeEofPending() {
        run(() -> {
            Pipe p = pipe();
            int full = fill(p.sink());
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            tr.write(b("data"));
            tr.writeEof();
            assertTrue(tr.isClosing());
            turns(10);
            assertFalse(proto.lost.done(), "the buffered bytes go out first");
            assertEquals(full, readBlocking(p.source(), full).length);
            assertNull(Asyncio.await(proto.lost));
            assertEquals("data", s(readToEof(p.source())));
        });
    }

    /**
     * No CPython counterpart. A write after close() is dropped (asyncio counts it in {@code _conn_lost}), but the
     * bytes buffered before close() are still written and the pipe then closes, as asyncio's {@code _write_ready}
     * does (it does not look at {@code _conn_lost}).
     */
    @Test
    void writeAfterCloseStillFlushesWhatCameBefore() {
        run(() -> {
            Pipe p = pipe();
            int full = fill(p.sink());
            Recorder proto = new Recorder();
            SelectorWritePipeTransport tr = writer(p, proto);
            tr.write(b("data"));
            tr.close();
            tr.write(b("late")); // dropped
            assertEquals(4, tr.getWriteBufferSize());
            assertEquals(full, readBlocking(p.source(), full).length);
            until("the buffer is flushed and the pipe closed", proto.lost::done);
            assertNull(proto.lost.result());
            assertEquals("data", s(readToEof(p.source())));
        });
    }
}
