package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Runner;
import io.jasyncio.http.h2.ErrorCode;
import io.jasyncio.http.h2.Frame;
import io.jasyncio.http.h2.FrameReader;
import io.jasyncio.http.h2.FrameWriter;
import io.jasyncio.http.h2.HeaderField;
import io.jasyncio.http.h2.HpackEncoder;
import io.jasyncio.http.h2.Http2Options;
import io.jasyncio.http.h2.Http2ServerConnection;
import io.jasyncio.http.h2.StreamHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP/2 server's write path, driven through a {@link FakeTransport} (every transport write counted, the
 * order of events exact): the frames produced while one read is handled, and the responses finished in one loop
 * iteration, go out in one write, in the order they were made; a transport that stops taking bytes stops the
 * senders (pauseWriting) with the memory held bounded. The write counts failed before the frames were batched
 * (one write per frame: 24 for the first test).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2WritePathTest {
    private final HpackEncoder encoder = new HpackEncoder();

    private static <T> T onVirtualClock(Callable<T> body) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(body::call);
        }
    }

    private static FakeTransport connect(StreamHandler handler) {
        FakeTransport t = new FakeTransport(Asyncio.getRunningLoop());
        Http2ServerConnection c = new Http2ServerConnection(Asyncio.getRunningLoop(), Http2Options.DEFAULTS, handler);
        t.protocol = c;
        c.connectionMade(t);
        return t;
    }

    private static void receive(FakeTransport t, List<ByteBuffer> frames) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (ByteBuffer f : frames) {
            byte[] a = new byte[f.remaining()];
            f.get(a);
            b.writeBytes(a);
        }
        ((Http2ServerConnection) t.protocol).dataReceived(ByteBuffer.wrap(b.toByteArray()));
    }

    private ByteBuffer get(int stream) {
        List<HeaderField> h = List.of(new HeaderField(":method", "GET"), new HeaderField(":scheme", "http"),
                new HeaderField(":path", "/" + stream), new HeaderField(":authority", "x"));
        return FrameWriter.headers(stream, encoder.encode(h), true, 16_384);
    }

    /** What the server wrote, as frames, in order. */
    private static List<Frame> frames(FakeTransport t) {
        FrameReader r = new FrameReader(FrameReader.MAX_MAX_FRAME_SIZE);
        r.feed(ByteBuffer.wrap(t.out.toByteArray()));
        List<Frame> l = new ArrayList<>();
        for (Frame f; (f = r.next()) != null; ) l.add(f);
        return l;
    }

    /** A frame's kind and stream, for comparing orders: "H1" (HEADERS, stream 1), "D1", "S" (SETTINGS), "SA" (its ack), "W0". */
    private static String kind(Frame f) {
        return switch (f) {
            case Frame.Headers h -> "H" + h.streamId() + (h.endStream() ? "!" : "");
            case Frame.Data d -> "D" + d.streamId() + (d.endStream() ? "!" : "");
            case Frame.Settings s -> s.ack() ? "SA" : "S";
            case Frame.WindowUpdate w -> "W" + w.streamId();
            case Frame.RstStream r -> "R" + r.streamId();
            default -> f.toString();
        };
    }

    private static final StreamHandler HELLO = s -> {
        s.sendHeaders(List.of(new HeaderField(":status", "200"), new HeaderField("content-length", "5")), false);
        s.sendData("hello".getBytes(StandardCharsets.US_ASCII), 0, 5, true);
    };

    @Test
    void theFramesOfOneReadGoOutInOneWriteInTheOrderTheyWereMade() {
        onVirtualClock(() -> {
            FakeTransport t = connect(HELLO);
            List<ByteBuffer> in = new ArrayList<>(List.of(ByteBuffer.wrap(FrameWriter.PREFACE), FrameWriter.settings()));
            for (int id = 1; id <= 9; id += 2) in.add(get(id));
            in.add(FrameWriter.settings(Frame.Settings.INITIAL_WINDOW_SIZE, 100_000)); // acknowledged between the streams
            for (int id = 11; id <= 19; id += 2) in.add(get(id));
            receive(t, in);
            assertEquals(1, t.writes, "the server's SETTINGS, the acks and the ten answers, in one write");
            List<String> expected = new ArrayList<>(List.of("S", "W0", "SA"));
            for (int id = 1; id <= 19; id += 2) {
                if (id == 11) expected.add("SA");
                expected.add("H" + id);
                expected.add("D" + id + "!");
            }
            assertEquals(expected, frames(t).stream().map(Http2WritePathTest::kind).toList());
            Asyncio.sleep(1);
            assertEquals(1, t.writes, "nothing more to write");
            return null;
        });
    }

    @Test
    void theResponsesFinishedInOneLoopIterationShareOneWrite() {
        onVirtualClock(() -> {
            Future<Void> gate = Asyncio.getRunningLoop().createFuture();
            FakeTransport t = connect(s -> {
                s.sendHeaders(List.of(new HeaderField(":status", "200")), false); // the head now, the body later
                Asyncio.await(gate);
                s.sendData("late".getBytes(StandardCharsets.US_ASCII), 0, 4, true);
            });
            List<ByteBuffer> in = new ArrayList<>(List.of(ByteBuffer.wrap(FrameWriter.PREFACE), FrameWriter.settings()));
            for (int id = 1; id <= 5; id += 2) in.add(get(id));
            receive(t, in);
            assertEquals(1, t.writes);
            assertEquals(List.of("S", "W0", "SA", "H1", "H3", "H5"), frames(t).stream().map(Http2WritePathTest::kind).toList());
            gate.setResult(null); // the three handlers resume in the next iteration, and end their streams in it
            Asyncio.sleep(1);
            assertEquals(2, t.writes, "the three bodies in one write");
            assertEquals(List.of("S", "W0", "SA", "H1", "H3", "H5", "D1!", "D3!", "D5!"), frames(t).stream().map(Http2WritePathTest::kind).toList());
            return null;
        });
    }

    @Test
    void aTransportThatTakesNothingStopsTheSendersWithBoundedMemory() {
        byte[] big = new byte[8 << 20];
        onVirtualClock(() -> {
            FakeTransport t = connect(s -> {
                s.sendHeaders(List.of(new HeaderField(":status", "200")), false);
                s.sendData(big, 0, big.length, true);
            });
            Http2ServerConnection c = (Http2ServerConnection) t.protocol;
            t.stuck = true; // a client that reads nothing: every byte written stays buffered
            // windows wide open: only the transport can stop the sender
            receive(t, List.of(ByteBuffer.wrap(FrameWriter.PREFACE), FrameWriter.settings(Frame.Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE),
                    FrameWriter.windowUpdate(0, Integer.MAX_VALUE - 65_535), get(1)));
            Asyncio.sleep(1);
            assertTrue(t.paused, "the transport's high-water mark was passed");
            long written = t.out.size();
            assertTrue(written < t.high + 2 * 64 * 1024, "written while paused: " + written);
            assertTrue(c.bufferedBytes() < t.high + 2 * 64 * 1024, "held: " + c.bufferedBytes());
            Asyncio.sleep(5);
            assertEquals(written, t.out.size(), "the sender went on while the transport was paused");
            int rounds = 0;
            while (!frames(t).stream().anyMatch(f -> f instanceof Frame.Data d && d.endStream())) { // the client reads, bit by bit
                t.drainTo(0);
                Asyncio.sleep(0.01);
                assertTrue(c.bufferedBytes() < t.high + 2 * 64 * 1024, "held: " + c.bufferedBytes());
                assertTrue(++rounds < 10_000, "the response did not end");
            }
            long body = frames(t).stream().filter(f -> f instanceof Frame.Data).mapToLong(f -> ((Frame.Data) f).data().length).sum();
            assertEquals(big.length, body);
            assertTrue(rounds > 10, "the body went out in steps as the client read, not at once: " + rounds);
            assertFalse(frames(t).stream().anyMatch(f -> f instanceof Frame.RstStream || f instanceof Frame.GoAway), "no reset");
            return null;
        });
    }

    @Test
    void closingWritesWhatIsHeldFirst() {
        onVirtualClock(() -> {
            FakeTransport t = connect(HELLO);
            // a frame before the preface's end is a protocol error: GOAWAY follows the server's SETTINGS, in order
            receive(t, List.of(ByteBuffer.wrap("PRI * HTTP/2.0\r\n\r\nXX".getBytes(StandardCharsets.US_ASCII))));
            List<Frame> f = frames(t);
            assertEquals(List.of("S", "W0"), f.subList(0, 2).stream().map(Http2WritePathTest::kind).toList());
            assertEquals(ErrorCode.PROTOCOL_ERROR, ((Frame.GoAway) f.get(2)).error());
            assertTrue(t.closing);
            return null;
        });
    }
}
