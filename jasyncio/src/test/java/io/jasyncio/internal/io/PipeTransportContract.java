package io.jasyncio.internal.io;

import static io.jasyncio.subprocess.SubprocessTesting.b;
import static io.jasyncio.subprocess.SubprocessTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.WriteTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every pipe transport does, whichever kind serves the pipe (CPython's UnixReadPipeTransportTests and
 * UnixWritePipeTransportTests of test_unix_events.py): the stream transports of a thread each
 * ({@link PipeTransportTest}) and the selector-watched ones ({@link SelectorPipeTransportTest}). A subclass says
 * how to open a pipe and how the test plays the other end of it; the tests here use only the transport API.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class PipeTransportContract {
    /** The test's end of a pipe the transport reads. */
    interface ReadEnd {
        /** Puts {@code data} into the pipe. */
        void feed(byte[] data) throws Exception;

        /** Closes the pipe's writing end: the transport sees EOF once it has read what came before. */
        void feedEof() throws Exception;

        /** Whether the transport has closed its end of the pipe. */
        boolean closedByTransport();
    }

    /** The test's end of a pipe the transport writes. */
    interface WriteEnd {
        /** Lets the pipe take what is written (until then, a gated pipe takes nothing). */
        void open();

        /** Reads {@code n} bytes the transport wrote. */
        byte[] read(int n) throws Exception;

        /** Whether the transport has closed its end of the pipe. */
        boolean closedByTransport();
    }

    record ReadPipe(ReadTransport transport, ReadEnd end) {}

    record WritePipe(WriteTransport transport, WriteEnd end) {}

    /** Opens a pipe read by a transport with {@code proto} (from a task of the running loop). */
    abstract ReadPipe openRead(Recorder proto) throws Exception;

    /** Opens a pipe written by a transport with {@code proto} (from a task of the running loop). */
    abstract WritePipe openWrite(Recorder proto) throws Exception;

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
            if (calls.isEmpty() || !calls.getLast().equals("data")) calls.add("data");
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

    interface Body {
        void run() throws Exception;
    }

    /** What the loop's exception handler received; checked empty after each test unless the test expects a report. */
    final List<ExceptionContext> errors = new CopyOnWriteArrayList<>();

    @AfterEach
    void checkErrors() {
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

    /** Bounded polling: lets the loop run until {@code done} holds, failing after a few seconds. */
    static void until(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            Asyncio.sleep(0.001);
        }
    }

    // ---------------------------------------------------------------- UnixReadPipeTransportTests

    // ports test_unix_events.py::UnixReadPipeTransportTests::test__read_ready
    @Test
    void readReady() {
        run(() -> {
            Recorder proto = new Recorder();
            ReadPipe p = openRead(proto);
            p.end().feed(b("data"));
            until("data arrives", () -> proto.data.size() == 4);
            assertEquals("data", proto.data());
            assertEquals(List.of("made", "data"), proto.calls);
            assertTrue(p.transport().isReading());
            p.transport().close();
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test__read_ready_eof
    @Test
    void readReadyEof() {
        run(() -> {
            Recorder proto = new Recorder();
            ReadPipe p = openRead(proto);
            p.end().feed(b("data"));
            p.end().feedEof();
            assertNull(Asyncio.await(proto.lost));
            assertEquals(List.of("made", "data", "eof", "lost"), proto.calls);
            assertEquals("data", proto.data());
            assertTrue(p.transport().isClosing());
            until("the transport closes its pipe", p.end()::closedByTransport);
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading (and _on_paused_pipe)
    @Test
    void pauseReading() {
        run(() -> {
            Recorder proto = new Recorder();
            ReadPipe p = openRead(proto);
            p.transport().pauseReading();
            p.transport().pauseReading(); // the second call does nothing
            assertFalse(p.transport().isReading());
            p.end().feed(b("data"));
            Asyncio.sleep(0.05);
            assertEquals(List.of("made"), proto.calls, "nothing is delivered while paused");
            p.transport().resumeReading();
            until("data arrives", () -> proto.data.size() == 4);
            assertEquals("data", proto.data());
            p.transport().close();
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_resume_reading (and _on_paused_pipe)
    @Test
    void resumeReading() {
        run(() -> {
            Recorder proto = new Recorder();
            ReadPipe p = openRead(proto);
            p.transport().resumeReading(); // not paused: nothing to do
            assertTrue(p.transport().isReading());
            p.transport().pauseReading();
            p.transport().resumeReading();
            assertTrue(p.transport().isReading());
            p.end().feed(b("data"));
            until("data arrives", () -> proto.data.size() == 4);
            assertEquals(List.of("made", "data"), proto.calls);
            p.transport().close();
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_close
    @Test
    void readClose() {
        run(() -> {
            Recorder proto = new Recorder();
            ReadPipe p = openRead(proto);
            p.transport().close();
            assertTrue(p.transport().isClosing());
            assertFalse(p.transport().isReading());
            assertNull(Asyncio.await(proto.lost));
            assertEquals(List.of("made", "lost"), proto.calls);
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_close_already_closing
    @Test
    void readCloseAlreadyClosing() {
        run(() -> {
            Recorder proto = new Recorder();
            ReadPipe p = openRead(proto);
            p.transport().close();
            p.transport().close();
            Asyncio.await(proto.lost);
            Asyncio.sleep(0.01);
            assertEquals(List.of("made", "lost"), proto.calls);
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading_on_closed_pipe (and resume_)
    @Test
    void pauseAndResumeReadingOnClosedPipe() {
        run(() -> {
            Recorder proto = new Recorder();
            ReadPipe p = openRead(proto);
            p.transport().close();
            Asyncio.await(proto.lost);
            p.transport().pauseReading(); // does nothing, does not fail
            p.transport().resumeReading(); // likewise
            assertFalse(p.transport().isReading());
        });
    }

    // ---------------------------------------------------------------- UnixWritePipeTransportTests

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write
    @Test
    void write() {
        run(() -> {
            Recorder proto = new Recorder();
            WritePipe p = openWrite(proto);
            assertTrue(p.transport().canWriteEof());
            p.end().open();
            p.transport().write(b("data"));
            assertEquals("data", s(p.end().read(4)));
            until("the buffer is empty", () -> p.transport().getWriteBufferSize() == 0);
            p.transport().close();
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_no_data
    @Test
    void writeNoData() {
        run(() -> {
            Recorder proto = new Recorder();
            WritePipe p = openWrite(proto);
            p.transport().write(b(""));
            assertEquals(0, p.transport().getWriteBufferSize());
            p.end().open();
            p.transport().close();
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_close
    @Test
    void writeClose() {
        run(() -> {
            Recorder proto = new Recorder();
            WritePipe p = openWrite(proto);
            p.end().open();
            p.transport().close();
            assertNull(Asyncio.await(proto.lost));
            p.transport().write(b("data")); // dropped
            assertEquals(0, p.transport().getWriteBufferSize());
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_abort
    @Test
    void abort() {
        run(() -> {
            Recorder proto = new Recorder();
            WritePipe p = openWrite(proto);
            p.transport().write(b("da"));
            p.transport().write(b("ta"));
            p.transport().abort();
            assertEquals(0, p.transport().getWriteBufferSize());
            assertTrue(p.transport().isClosing());
            assertNull(Asyncio.await(proto.lost));
            p.end().open();
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_close
    @Test
    void writeCloseTwice() {
        run(() -> {
            Recorder proto = new Recorder();
            WritePipe p = openWrite(proto);
            p.end().open();
            p.transport().close();
            p.transport().close(); // closing twice must not fail
            assertNull(Asyncio.await(proto.lost));
            Asyncio.sleep(0.01);
            assertEquals(List.of("made", "lost"), proto.calls);
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_eof
    @Test
    void writeEof() {
        run(() -> {
            Recorder proto = new Recorder();
            WritePipe p = openWrite(proto);
            p.end().open();
            p.transport().writeEof();
            assertTrue(p.transport().isClosing());
            assertNull(Asyncio.await(proto.lost));
            until("the transport closes its pipe", p.end()::closedByTransport);
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_eof_pending
    @Test
    void writeEofAfterData() {
        run(() -> {
            Recorder proto = new Recorder();
            WritePipe p = openWrite(proto);
            p.transport().write(b("data"));
            p.transport().writeEof();
            assertTrue(p.transport().isClosing());
            p.end().open();
            assertEquals("data", s(p.end().read(4)), "the buffered data goes out before the pipe closes");
            assertNull(Asyncio.await(proto.lost));
            until("the transport closes its pipe", p.end()::closedByTransport);
        });
    }
}
