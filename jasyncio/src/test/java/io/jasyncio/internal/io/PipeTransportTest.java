package io.jasyncio.internal.io;

import static io.jasyncio.subprocess.SubprocessTesting.awaitLivePipeThreads;
import static io.jasyncio.subprocess.SubprocessTesting.b;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.transport.BrokenPipeError;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.WriteTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stream pipe transports ({@link PipeReadTransport}, {@link PipeWriteTransport}: a thread each) over streams
 * the test controls: the {@link PipeTransportContract} (CPython's UnixReadPipeTransportTests and
 * UnixWritePipeTransportTests of test_unix_events.py, which mock os.read/os.write; here the stream plays the pipe),
 * plus what is theirs alone (the thread, buffering while the stream does not take anything, flow control).
 */
class PipeTransportTest extends PipeTransportContract {
    static final byte[] EOF = new byte[0];

    /** A pipe's reading end fed chunk by chunk by the test; {@link #EOF} ends it; an IOException item fails it. */
    static final class ChunkInput extends InputStream {
        final LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
        volatile boolean closed;

        @Override public int read() {
            throw new UnsupportedOperationException();
        }

        @Override public int read(byte[] buf, int off, int len) throws IOException {
            Object o;
            try {
                o = chunks.take();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (o instanceof IOException e) throw e;
            byte[] c = (byte[]) o;
            if (c.length == 0) return -1;
            System.arraycopy(c, 0, buf, off, c.length);
            return c.length;
        }

        @Override public void close() {
            closed = true;
        }
    }

    /** A pipe's writing end whose writes wait for {@link #open}, or fail once {@link #fail} is set. */
    static final class GatedOutput extends OutputStream {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final CountDownLatch open = new CountDownLatch(1);
        volatile IOException fail;
        volatile boolean closed;

        @Override public void write(int b) {
            throw new UnsupportedOperationException();
        }

        @Override public synchronized void write(byte[] b, int off, int len) throws IOException {
            try {
                open.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (fail != null) throw fail;
            written.write(b, off, len);
        }

        synchronized int size() {
            return written.size();
        }

        /** The first {@code n} bytes written. */
        synchronized byte[] take(int n) {
            return java.util.Arrays.copyOf(written.toByteArray(), n);
        }

        @Override public void close() {
            closed = true;
        }
    }

    /** Every input of the test, given EOF afterwards so that no pipe thread stays blocked in read. */
    private final List<ChunkInput> inputs = new ArrayList<>();

    ChunkInput input() {
        ChunkInput in = new ChunkInput();
        inputs.add(in);
        return in;
    }

    /** Every output of the test, opened afterwards so that no pipe thread stays blocked in write. */
    private final List<GatedOutput> outputs = new ArrayList<>();

    GatedOutput output() {
        GatedOutput out = new GatedOutput();
        outputs.add(out);
        return out;
    }

    @AfterEach
    void releaseInputs() {
        for (ChunkInput in : inputs) in.chunks.add(EOF);
        for (GatedOutput out : outputs) out.open.countDown();
    }

    @Override
    ReadPipe openRead(Recorder proto) throws Exception {
        ChunkInput in = input();
        ReadTransport t = Net.connectReadPipe(() -> proto, in).transport();
        return new ReadPipe(t, new ReadEnd() {
            @Override public void feed(byte[] data) {
                in.chunks.add(data);
            }

            @Override public void feedEof() {
                in.chunks.add(EOF);
            }

            @Override public boolean closedByTransport() {
                return in.closed;
            }
        });
    }

    @Override
    WritePipe openWrite(Recorder proto) throws Exception {
        GatedOutput out = output();
        WriteTransport t = Net.connectWritePipe(() -> proto, out).transport();
        return new WritePipe(t, new WriteEnd() {
            @Override public void open() {
                out.open.countDown();
            }

            @Override public byte[] read(int n) {
                until(n + " bytes are written", () -> out.size() >= n);
                return out.take(n);
            }

            @Override public boolean closedByTransport() {
                return out.closed;
            }
        });
    }

    static PipeReadTransport reader(ChunkInput in, Recorder proto) {
        PipeReadTransport t = new PipeReadTransport(Asyncio.getRunningLoop(), in, proto, "test-read");
        t.start();
        return t;
    }

    static PipeWriteTransport writer(GatedOutput out, Recorder proto) {
        PipeWriteTransport t = new PipeWriteTransport(Asyncio.getRunningLoop(), out, proto, "test-write");
        t.start();
        return t;
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test__read_ready_error
    @Test
    void readReadyError() {
        run(() -> {
            ChunkInput in = input();
            Recorder proto = new Recorder();
            PipeReadTransport tr = reader(in, proto);
            IOException err = new IOException("boom");
            in.chunks.add(err);
            assertSame(err, Asyncio.await(proto.lost));
            assertTrue(tr.isClosing());
            assertEquals(List.of("lost"), proto.calls);
        });
    }

    // ports test_unix_events.py::UnixReadPipeTransportTests::test_close
    @Test
    void readCloseEndsTheThreadWhenItsReadReturns() throws Exception {
        int threads = awaitLivePipeThreads(0);
        ChunkInput in = input();
        run(() -> {
            Recorder proto = new Recorder();
            PipeReadTransport tr = reader(in, proto);
            tr.close();
            assertTrue(tr.isClosing());
            assertFalse(tr.isReading());
            assertNull(Asyncio.await(proto.lost));
        });
        // the thread is blocked in read: it ends, closing the stream, when that read returns
        in.chunks.add(b("late"));
        assertEquals(threads, awaitLivePipeThreads(threads));
        assertTrue(in.closed);
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_can_write_eof
    @Test
    void canWriteEof() {
        run(() -> {
            GatedOutput out = output();
            PipeWriteTransport tr = writer(out, new Recorder());
            assertTrue(tr.canWriteEof());
            out.open.countDown();
            tr.close();
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_buffer
    @Test
    void writeBuffer() {
        run(() -> {
            GatedOutput out = output();
            PipeWriteTransport tr = writer(out, new Recorder());
            tr.write(b("previous"));
            tr.write(b("data"));
            // the pipe does not take anything yet: all of it is buffered
            assertEquals(12, tr.getWriteBufferSize());
            out.open.countDown();
            until("the buffer is written", () -> tr.getWriteBufferSize() == 0);
            assertEquals("previousdata", out.written.toString());
            tr.close();
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_err
    @Test
    void writeErr() {
        run(() -> {
            // an I/O error is not reported to the exception handler: checkErrors finds none
            GatedOutput out = output();
            Recorder proto = new Recorder();
            PipeWriteTransport tr = writer(out, proto);
            IOException err = new IOException("Broken pipe");
            out.fail = err;
            out.open.countDown();
            tr.write(b("data"));
            Throwable lost = Asyncio.await(proto.lost);
            assertInstanceOf(BrokenPipeError.class, lost);
            assertSame(err, lost.getCause());
            assertEquals(0, tr.getWriteBufferSize());
            assertTrue(tr.isClosing());
            // later writes are dropped (asyncio counts them and warns after a few)
            for (int i = 0; i < 6; i++) tr.write(b("data"));
            assertEquals(0, tr.getWriteBufferSize());
        });
    }

    // ports test_unix_events.py::UnixWritePipeTransportTests::test_write_eof_pending
    @Test
    void writeEofPending() {
        run(() -> {
            GatedOutput out = output();
            Recorder proto = new Recorder();
            PipeWriteTransport tr = writer(out, proto);
            tr.write(b("data"));
            tr.writeEof();
            assertTrue(tr.isClosing());
            Asyncio.sleep(0.01);
            assertFalse(proto.lost.done()); // the buffered data goes out first
            out.open.countDown();
            assertNull(Asyncio.await(proto.lost));
            assertEquals("data", out.written.toString());
            assertTrue(out.closed);
        });
    }

    @Test
    void writeFlowControlPausesAboveHighAndResumesAtLow() {
        run(() -> {
            GatedOutput out = output();
            Recorder proto = new Recorder();
            PipeWriteTransport tr = writer(out, proto);
            tr.setWriteBufferLimits(10, 4);
            tr.write(b("0123456789"));
            assertEquals(List.of(), proto.calls); // at the mark, not above
            tr.write(b("x"));
            assertEquals(List.of("pause"), proto.calls);
            out.open.countDown();
            until("the buffer is written", () -> tr.getWriteBufferSize() == 0);
            assertEquals(List.of("pause", "resume"), proto.calls);
            tr.close();
        });
    }

    @Test
    void pipeThreadEndsWhenTheLoopClosesUnderIt() throws Exception {
        int threads = awaitLivePipeThreads(0);
        ChunkInput in = input();
        GatedOutput out = output();
        run(() -> {
            Recorder proto = new Recorder();
            PipeReadTransport r = reader(in, proto);
            r.pauseReading();
            writer(out, new Recorder());
        }); // neither transport closed: the loop ends with both threads waiting
        // the writer waits for work: it sees the loop closed; the reader sees it when its read returns
        in.chunks.add(b("after the loop"));
        assertEquals(threads, awaitLivePipeThreads(threads));
        assertTrue(in.closed);
        assertTrue(out.closed);
    }
}
