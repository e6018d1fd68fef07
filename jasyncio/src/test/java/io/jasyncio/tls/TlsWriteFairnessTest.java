package io.jasyncio.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.Streams;
import io.jasyncio.tls.TlsTesting.ThreadedServer;
import io.jasyncio.transport.ConnectOptions;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A big write over TLS is encrypted a bounded amount per loop iteration ({@code SslProtocol.WRAP_BUDGET}, 256 KiB),
 * so the loop's other callbacks run while it goes out: nothing here measures time, it counts the iterations that
 * ran while plaintext was still waiting to be encrypted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsWriteFairnessTest {
    private static final int TOTAL = 16 * 1024 * 1024;
    /** Each iteration encrypts at most 256 KiB: 16 MiB takes at least 63 more; half of that, with room. */
    private static final int MIN_TICKS = TOTAL / (256 * 1024) / 2;

    private static byte[] data(int seed) {
        byte[] d = new byte[TOTAL];
        new Random(seed).nextBytes(d);
        return d;
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /**
     * Counts the loop iterations that run while {@code t} still holds plaintext: a callback that schedules
     * itself again until the write buffer is empty.
     */
    private static AtomicInteger tickWhilePending(EventLoop loop, Transport t) {
        AtomicInteger ticks = new AtomicInteger();
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            if (t.getWriteBufferSize() == 0) return;
            ticks.incrementAndGet();
            loop.callSoon(tick[0]);
        };
        loop.callSoon(tick[0]);
        return ticks;
    }

    /** A TLS connection to {@code port} whose protocol completes {@code lost} with connectionLost's argument. */
    private static Transport connect(int port, Future<Throwable> lost) throws Exception {
        Connection<Protocol> c = Net.createConnection(() -> new Protocol() {
            @Override
            public void connectionLost(Throwable exc) {
                lost.setResult(exc);
            }
        }, "127.0.0.1", port, ConnectOptions.overTls(SslTest.clientTls()));
        return c.transport();
    }

    @Test
    void aBigStreamWriteLetsTheLoopRunWhileItIsEncrypted() throws Exception {
        byte[] data = data(11);
        SSLContext serverCtx = TlsTesting.serverContext();
        AtomicReference<byte[]> got = new AtomicReference<>();
        AtomicInteger ticks = new AtomicInteger();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            got.set(sha256(sock.recvAll(TOTAL))); // a fast reader: it reads everything as it comes
            sock.sendAll(new byte[] {'k'});
        })) {
            List<ExceptionContext> messages = SslTest.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                StreamPair p = Streams.openConnection("127.0.0.1", srv.port(), StreamReader.DEFAULT_LIMIT,
                        ConnectOptions.overTls(SslTest.clientTls()));
                p.writer().write(data);
                AtomicInteger t = tickWhilePending(loop, p.writer().transport());
                p.writer().drain();
                assertEquals(1, p.reader().readexactly(1).length);
                ticks.set(t.get());
                p.writer().close();
                p.writer().waitClosed();
                return null;
            });
            assertEquals(List.of(), messages);
        }
        assertArrayEquals(sha256(data), got.get(), "every byte arrived, in order");
        assertTrue(ticks.get() >= MIN_TICKS, "the loop ran only " + ticks.get() + " iterations while 16 MiB was encrypted");
    }

    /** close() right after a big write: the rest of the backlog goes out over several iterations, then close_notify. */
    @Test
    void closeAfterABigWriteSendsItAllThenCloseNotify() throws Exception {
        byte[] data = data(12);
        SSLContext serverCtx = TlsTesting.serverContext();
        AtomicReference<byte[]> got = new AtomicReference<>();
        AtomicLong after = new AtomicLong(-1);
        AtomicInteger ticks = new AtomicInteger();
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            got.set(sha256(sock.recvAll(TOTAL)));
            after.set(sock.recvToEof()); // close_notify: a clean end of the TLS stream
        })) {
            List<ExceptionContext> messages = SslTest.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Throwable> lost = loop.createFuture();
                Transport t = connect(srv.port(), lost);
                t.write(ByteBuffer.wrap(data));
                AtomicInteger n = tickWhilePending(loop, t);
                t.close();
                assertEquals(null, Asyncio.await(lost));
                ticks.set(n.get());
                return null;
            });
            assertEquals(List.of(), messages);
        }
        assertArrayEquals(sha256(data), got.get(), "every byte written before close() arrived, in order");
        assertEquals(0, after.get(), "nothing after the data but close_notify");
        assertTrue(ticks.get() >= MIN_TICKS, "the loop ran only " + ticks.get() + " iterations while closing");
    }

    /** abort() in the middle of a big write: the backlog is dropped, no later iteration writes to the dead connection. */
    @Test
    void abortDuringABigWriteDropsTheRest() throws Exception {
        byte[] data = data(13);
        SSLContext serverCtx = TlsTesting.serverContext();
        AtomicLong received = new AtomicLong(-1);
        try (ThreadedServer srv = new ThreadedServer(sock -> {
            sock.startTls(serverCtx, true);
            try {
                received.set(sock.recvToEof());
            } catch (java.io.IOException reset) {
                received.set(0); // the abort may reach the peer as a reset
            }
        })) {
            List<ExceptionContext> messages = SslTest.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Throwable> lost = loop.createFuture();
                Transport t = connect(srv.port(), lost);
                t.write(ByteBuffer.wrap(data));
                assertTrue(t.getWriteBufferSize() > 0, "most of 16 MiB waits for later iterations");
                Asyncio.sleep(0); // one iteration: one more slice is encrypted
                t.abort();
                Asyncio.await(lost);
                assertEquals(0, t.getWriteBufferSize());
                Asyncio.sleep(0);
                Asyncio.sleep(0);
                return null;
            });
            assertEquals(List.of(), messages);
        }
        assertTrue(received.get() < TOTAL, "the peer got " + received.get() + " bytes: the abort dropped the rest");
    }
}
