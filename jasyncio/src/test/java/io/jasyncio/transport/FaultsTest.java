package io.jasyncio.transport;

import static io.jasyncio.transport.NetTesting.b;
import static io.jasyncio.transport.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.internal.io.ReadBuffer;
import io.jasyncio.streams.LimitOverrunError;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamReaderProtocol;
import io.jasyncio.streams.StreamWriter;
import io.jasyncio.streams.Streams;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Misbehaving peers: each fault hits one connection with a clear error while the others keep being served,
 * memory stays bounded, and no file descriptor outlives the run.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultsTest {

    /** Runs {@code main} and checks that the process has exactly as many open descriptors afterwards. */
    static void runWithoutLeaks(Coroutine<?> main) {
        long before = NetTesting.openFds();
        Asyncio.run(main);
        long after = NetTesting.openFds();
        assertEquals(before, after, "file descriptors leaked");
    }

    @BeforeAll
    static void warmUp() {
        // The first loop opens descriptors the JDK keeps for the process (the NIO machinery): not ours to count.
        Asyncio.run(() -> {
            Server s = Streams.startServer((r, w) -> w.close(), "127.0.0.1", 0);
            StreamPair p = Streams.openConnection("127.0.0.1", ServerTest.portOf(s));
            p.reader().read();
            p.writer().close();
            s.close();
            s.waitClosed();
            return null;
        });
    }

    /** An echo handler: lines back until EOF. */
    static final StreamReaderProtocol.ClientConnected ECHO = (r, w) -> {
        try {
            while (true) {
                byte[] line = r.readline();
                if (line.length == 0) break;
                w.write(line);
                w.drain();
            }
        } finally {
            w.close();
        }
    };

    static void assertEchoWorks(int port) throws IOException {
        StreamPair p = Streams.openConnection("127.0.0.1", port);
        p.writer().write(b("ping\n"));
        assertEquals("ping\n", s(p.reader().readline()));
        p.writer().close();
        p.writer().waitClosed();
    }

    // A peer resets the connection while the server is writing a lot to it: that writer's drain fails with an
    // I/O error; another client is served normally; nothing leaks.
    @Test
    void peerResetMidWrite() {
        runWithoutLeaks(() -> {
            Future<Throwable> failure = Asyncio.getRunningLoop().createFuture();
            Server srv = Streams.startServer((r, w) -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    byte[] first = r.readline();
                    if (!s(first).equals("go\n")) { // an ordinary client: echo
                        w.write(first);
                        w.drain();
                        return;
                    }
                    while (true) {
                        w.write(chunk);
                        w.drain();
                    }
                } catch (Exception e) {
                    failure.setResult(e);
                } finally {
                    w.close();
                }
            }, "127.0.0.1", 0);
            int port = ServerTest.portOf(srv);
            StreamPair victim = Streams.openConnection("127.0.0.1", port);
            victim.writer().write(b("go\n"));
            victim.reader().readexactly(1000); // the server is streaming
            SocketChannel sock = (SocketChannel) victim.writer().getExtraInfo("socket");
            sock.setOption(StandardSocketOptions.SO_LINGER, 0);
            victim.writer().transport().abort(); // RST
            Throwable e = NetTesting.waitFor(() -> Asyncio.await(failure), 10);
            assertInstanceOf(IOException.class, e);
            assertEchoWorks(port);
            srv.close();
            srv.waitClosed();
            return null;
        });
    }

    // Half-close: the client sends its request and EOF; the server reads to EOF, answers, then closes.
    @Test
    void halfClose() {
        runWithoutLeaks(() -> {
            Server srv = Streams.startServer((r, w) -> {
                byte[] all = r.read();
                w.write(b("got " + all.length));
                w.close();
                w.waitClosed();
            }, "127.0.0.1", 0);
            StreamPair p = Streams.openConnection("127.0.0.1", ServerTest.portOf(srv));
            p.writer().write(b("hello"));
            assertTrue(p.writer().canWriteEof());
            p.writer().writeEof();
            assertEquals("got 5", s(p.reader().read()));
            p.writer().close();
            p.writer().waitClosed();
            srv.close();
            srv.waitClosed();
            return null;
        });
    }

    // A peer that connects and sends nothing: a read with a deadline times out and the connection can be
    // closed; the server keeps serving others.
    @Test
    void silentPeer() {
        runWithoutLeaks(() -> {
            List<TimeoutError> timeouts = new ArrayList<>();
            Server srv = Streams.startServer((r, w) -> {
                try {
                    byte[] line = NetTesting.waitFor(r::readline, 0.2);
                    w.write(line);
                } catch (TimeoutError e) {
                    timeouts.add(e);
                } finally {
                    w.close();
                }
            }, "127.0.0.1", 0);
            int port = ServerTest.portOf(srv);
            StreamPair silent = Streams.openConnection("127.0.0.1", port);
            assertEchoWorks(port);
            assertArrayEquals(b(""), silent.reader().read()); // the server gave up and closed
            assertEquals(1, timeouts.size());
            silent.writer().close();
            srv.close();
            srv.waitClosed();
            return null;
        });
    }

    // A 1 GB line: readline fails with the LimitOverrunError as cause, again and again, while the reader holds
    // at most about twice its limit; the line after it is read normally.
    @Test
    void gigabyteLine() {
        runWithoutLeaks(() -> {
            long total = 1L << 30;
            Server srv = Streams.startServer((r, w) -> {
                byte[] chunk = new byte[1 << 20];
                java.util.Arrays.fill(chunk, (byte) 'x');
                for (long sent = 0; sent < total; sent += chunk.length) {
                    w.write(chunk);
                    w.drain();
                }
                w.write(b("\nshort line\n"));
                w.drain();
                w.close();
            }, "127.0.0.1", 0);
            StreamPair p = Streams.openConnection("127.0.0.1", ServerTest.portOf(srv));
            StreamReader reader = p.reader();
            int overruns = 0;
            int maxCapacity = 0;
            while (true) {
                try {
                    byte[] line = reader.readline();
                    // After the last overrun, the tail of the long line comes as a line of its own (as in asyncio).
                    if (line.length > 0 && line[0] == 'x') continue;
                    assertTrue(s(line).equals("short line\n"), "unexpected line of " + line.length + " bytes");
                    break;
                } catch (IllegalArgumentException e) {
                    assertInstanceOf(LimitOverrunError.class, e.getCause());
                    overruns++;
                }
                maxCapacity = Math.max(maxCapacity, reader.capacity());
            }
            assertTrue(overruns > 1000, "overruns: " + overruns);
            // bounded: the limit is 64 KiB; the transport pauses past 128 KiB and one read adds at most 256 KiB
            assertTrue(maxCapacity <= 2 * (2 * StreamReader.DEFAULT_LIMIT + ReadBuffer.SIZE), "capacity " + maxCapacity);
            p.writer().close();
            srv.close();
            srv.waitClosed();
            return null;
        });
    }

    // A client that never reads: the server's writer blocks in drain with its buffer at the high-water mark,
    // the client's reader stops reading at twice its limit; memory stays bounded on both sides.
    @Test
    void readerThatNeverReads() {
        runWithoutLeaks(() -> {
            Future<StreamWriter> serverWriter = Asyncio.getRunningLoop().createFuture();
            long[] written = {0};
            Server srv = Streams.startServer((r, w) -> {
                serverWriter.setResult(w);
                byte[] chunk = new byte[16 * 1024];
                try {
                    while (true) {
                        w.write(chunk);
                        written[0] += chunk.length;
                        w.drain();
                    }
                } finally {
                    w.close();
                }
            }, "127.0.0.1", 0);
            StreamPair p = Streams.openConnection("127.0.0.1", ServerTest.portOf(srv));
            StreamWriter sw = Asyncio.await(serverWriter);
            long last = -1;
            // wait until the server makes no more progress: both sides are full
            while (written[0] != last) {
                last = written[0];
                Asyncio.sleep(0.05);
            }
            assertFalse(p.writer().transport().isReading(), "the client stopped reading");
            assertTrue(p.reader().bufferedSize() <= 2 * StreamReader.DEFAULT_LIMIT + ReadBuffer.SIZE);
            long buffered = sw.transport().getWriteBufferSize();
            assertTrue(buffered > WriteTransport.DEFAULT_HIGH_WATER, "the writer is paused over the mark: " + buffered);
            assertTrue(buffered <= WriteTransport.DEFAULT_HIGH_WATER + 16 * 1024, "bounded: " + buffered);
            // the other clients are still served
            p.writer().transport().abort();
            srv.closeClients();
            srv.close();
            srv.waitClosed();
            return null;
        });
    }

    // The server is still serving after many clients connect and vanish without a word.
    @Test
    void abruptClientsDoNotDisturbOthers() {
        runWithoutLeaks(() -> {
            Server srv = Streams.startServer(ECHO, "127.0.0.1", 0);
            int port = ServerTest.portOf(srv);
            for (int i = 0; i < 20; i++) {
                SocketChannel c = ServerTest.connect(new InetSocketAddress("127.0.0.1", port));
                if (i % 2 == 0) c.setOption(StandardSocketOptions.SO_LINGER, 0);
                Sockets.sockSendall(c, b("half a li"));
                c.close();
            }
            assertEchoWorks(port);
            srv.close();
            srv.waitClosed();
            return null;
        });
    }

    // Cancelling a task blocked in readline leaves the connection usable by the next reader.
    @Test
    void cancelledReadKeepsConnectionUsable() {
        runWithoutLeaks(() -> {
            Server srv = Streams.startServer(ECHO, "127.0.0.1", 0);
            StreamPair p = Streams.openConnection("127.0.0.1", ServerTest.portOf(srv));
            Task<byte[]> t = Asyncio.createTask(() -> p.reader().readline());
            Asyncio.sleep(0);
            t.cancel();
            Asyncio.sleep(0);
            p.writer().write(b("again\n"));
            assertEquals("again\n", s(p.reader().readline()));
            p.writer().close();
            p.writer().waitClosed();
            srv.close();
            srv.waitClosed();
            return null;
        });
    }
}
