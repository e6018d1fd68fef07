package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.http.h2.ErrorCode;
import io.jasyncio.http.h2.Frame;
import io.jasyncio.http.h2.FrameReader;
import io.jasyncio.http.h2.FrameWriter;
import io.jasyncio.http.h2.HeaderField;
import io.jasyncio.http.h2.HpackDecoder;
import io.jasyncio.http.h2.HpackEncoder;
import io.jasyncio.http.h2.Http2ClientOptions;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamWriter;
import io.jasyncio.transport.Server;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP/2 client against servers written frame by frame: GOAWAY mid-flight, RST_STREAM, PING, and hostile ones
 * (no SETTINGS, an HPACK bomb, a CONTINUATION flood, a window overflow, a connection dropped mid-body). Each ends
 * in a clear error for the requests it concerns, and nothing is left open.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2HostileServerTest {
    /** One server-side connection, read and written frame by frame. */
    static final class RawH2 {
        final StreamReader in;
        final StreamWriter out;
        final FrameReader frames = new FrameReader(FrameReader.DEFAULT_MAX_FRAME_SIZE);
        final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
        final HpackEncoder encoder = new HpackEncoder();

        RawH2(StreamReader in, StreamWriter out) {
            this.in = in;
            this.out = out;
            byte[] preface = in.readexactly(FrameWriter.PREFACE.length);
            assertArrayEquals(FrameWriter.PREFACE, preface, "the client's preface");
        }

        /** The next frame from the client, or null at EOF. */
        Frame next() {
            while (true) {
                Frame f = frames.next();
                if (f != null) return f;
                byte[] b = in.read(65536);
                if (b.length == 0) return null;
                frames.feed(ByteBuffer.wrap(b));
            }
        }

        /** The next frame of {@code type} (others skipped), or null at EOF. */
        <T extends Frame> T next(Class<T> type) {
            for (Frame f; (f = next()) != null; ) {
                if (f instanceof Frame.Headers h) decoder.decode(h.fragment(), 0, h.fragment().length);
                if (type.isInstance(f)) return type.cast(f);
            }
            return null;
        }

        void send(ByteBuffer frame) {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            out.write(b);
        }

        void settings(long... s) {
            send(FrameWriter.settings(s));
        }

        void respond(int stream, String body) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            send(FrameWriter.headers(stream, encoder.encode(List.of(new HeaderField(":status", "200"),
                    new HeaderField("content-length", Integer.toString(b.length)))), false, 16_384));
            send(FrameWriter.data(stream, b, 0, b.length, true));
        }
    }

    interface Script {
        void run(RawH2 c) throws Exception;
    }

    /** A raw h2c server whose connections (numbered from 0) each follow {@code scripts[n]}. */
    static Server server(List<Throwable> errors, Script... scripts) throws IOException {
        int[] n = {0};
        return ClientTesting.raw((in, out) -> {
            Script s = scripts[Math.min(n[0]++, scripts.length - 1)];
            try {
                s.run(new RawH2(in, out));
            } catch (AssertionError | RuntimeException e) {
                errors.add(e);
            } catch (Exception e) {
                throw new IOException(e);
            }
        });
    }

    static ClientSession session(Http2ClientOptions o) {
        return ClientSession.builder().http2(o).build();
    }

    /** Runs {@code body} against a raw server following {@code scripts}, then checks no socket was left open. */
    static void against(Http2ClientOptions o, ClientTesting.AppBody<Void> body, Script... scripts) {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        ClientTesting.virtual(() -> {
            long before = ClientTesting.openSockets();
            try (Server srv = server(errors, scripts); ClientSession s = session(o)) {
                current = s;
                body.run("http://127.0.0.1:" + ClientTesting.port(srv));
            }
            assertTrue(ClientTesting.awaitOpenSocketsAtMost(before) <= before, "no socket left open");
            return null;
        });
        assertEquals(List.of(), errors);
    }

    static ClientSession current;

    static final Http2ClientOptions H2C = Http2ClientOptions.PRIOR_KNOWLEDGE;

    @Test
    void aServerThatNeverSendsSettingsFailsTheRequestWithinTheSettingsTimeout() {
        against(H2C.withSettingsTimeout(2), base -> {
            double t0 = Asyncio.getRunningLoop().time();
            IOException e = assertThrows(IOException.class, () -> current.get(base + "/"));
            assertTrue(e.getMessage().contains("no SETTINGS within 2.0 s"), e.getMessage());
            assertEquals(2.0, Asyncio.getRunningLoop().time() - t0, 0.5);
            assertEquals(0, current.connector().openConnections());
            return null;
        }, c -> {
            c.next(Frame.GoAway.class); // the client gives up with GOAWAY SETTINGS_TIMEOUT
        });
    }

    @Test
    void anHpackBombIsRefusedAtTheHeaderListBound() {
        against(H2C, base -> {
            IOException e = assertThrows(IOException.class, () -> current.get(base + "/"));
            assertTrue(e.getMessage().contains("header list over 65536 bytes"), e.getMessage());
            return null;
        }, c -> {
            c.settings();
            Frame.Headers h = c.next(Frame.Headers.class);
            // one 4 KB entry added to the table, then referenced 1,000 times: 4 MB decoded from 5 KB
            java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
            block.writeBytes(new HpackEncoder().encode(List.of(new HeaderField(":status", "200"), new HeaderField("x-bomb", "b".repeat(4000)))));
            for (int i = 0; i < 1000; i++) block.write(0x80 | 62); // the dynamic table's newest entry
            c.send(FrameWriter.headers(h.streamId(), block.toByteArray(), true, 16_384));
            assertInstanceOf(Frame.GoAway.class, c.next(Frame.GoAway.class));
        });
    }

    @Test
    void aContinuationFloodEndsTheConnection() {
        against(H2C, base -> {
            IOException e = assertThrows(IOException.class, () -> current.get(base + "/"));
            assertTrue(e.getMessage().contains("CONTINUATION flood"), e.getMessage());
            return null;
        }, c -> {
            c.settings();
            Frame.Headers h = c.next(Frame.Headers.class);
            c.send(FrameWriter.raw(Frame.TYPE_HEADERS, 0, h.streamId(), new byte[] {(byte) 0x88})); // :status 200, no END_HEADERS
            for (int i = 0; i < 1000; i++) c.send(FrameWriter.raw(Frame.TYPE_CONTINUATION, 0, h.streamId(), new byte[0]));
            Frame.GoAway g = c.next(Frame.GoAway.class);
            assertEquals(ErrorCode.ENHANCE_YOUR_CALM, g.error());
        });
    }

    @Test
    void aWindowOverflowIsAFlowControlError() {
        against(H2C, base -> {
            IOException e = assertThrows(IOException.class, () -> current.get(base + "/"));
            assertTrue(e.getMessage().contains("FLOW_CONTROL_ERROR"), e.getMessage());
            return null;
        }, c -> {
            c.settings();
            c.next(Frame.Headers.class);
            c.send(FrameWriter.windowUpdate(0, Integer.MAX_VALUE));
            Frame.GoAway g = c.next(Frame.GoAway.class);
            assertEquals(ErrorCode.FLOW_CONTROL_ERROR, g.error());
        });
    }

    @Test
    void goAwayMidFlightFinishesTheStreamsBelowAndResendsTheOthersOnANewConnection() {
        against(H2C, base -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) tasks.add(Asyncio.createTask(() -> current.get(base + "/").text()));
            List<String> got = new ArrayList<>();
            for (Task<String> t : tasks) got.add(Asyncio.await(t));
            got.sort(null);
            assertEquals(List.of("first 1", "second 1", "second 3"), got);
            return null;
        }, c -> {
            c.settings();
            int[] ids = {c.next(Frame.Headers.class).streamId(), c.next(Frame.Headers.class).streamId(), c.next(Frame.Headers.class).streamId()};
            assertArrayEquals(new int[] {1, 3, 5}, ids);
            c.send(FrameWriter.goAway(1, ErrorCode.NO_ERROR, "restarting"));
            c.respond(1, "first 1"); // below last-stream-id: answered after the GOAWAY
            c.next(Frame.GoAway.class); // the client ends the drained connection
        }, c -> {
            c.settings();
            int a = c.next(Frame.Headers.class).streamId(), b = c.next(Frame.Headers.class).streamId();
            c.respond(a, "second " + a);
            c.respond(b, "second " + b);
            c.next(Frame.GoAway.class); // the session closing
        });
    }

    @Test
    void aResetStreamFailsItsRequestAndTheConnectionGoesOn() {
        against(H2C, base -> {
            IOException e = assertThrows(IOException.class, () -> current.get(base + "/"));
            assertTrue(e.getMessage().contains("reset stream 1 with INTERNAL_ERROR"), e.getMessage());
            assertEquals("after 3", current.get(base + "/").text());
            assertEquals(1, current.connector().openConnections());
            return null;
        }, c -> {
            c.settings();
            c.send(FrameWriter.rstStream(c.next(Frame.Headers.class).streamId(), ErrorCode.INTERNAL_ERROR));
            int id = c.next(Frame.Headers.class).streamId();
            c.respond(id, "after " + id);
            c.next(Frame.GoAway.class);
        });
    }

    @Test
    void aPingIsAnsweredAndTrailersAreIgnored() {
        against(H2C, base -> {
            try (ClientResponse r = current.get(base + "/")) {
                assertEquals("body", r.text());
                assertNull(r.header("x-trailer"));
            }
            return null;
        }, c -> {
            c.settings();
            int id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.ping(false, 0x1234_5678_9abcL));
            Frame.Ping p = c.next(Frame.Ping.class);
            assertTrue(p.ack());
            assertEquals(0x1234_5678_9abcL, p.data());
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"))), false, 16_384));
            c.send(FrameWriter.data(id, "body".getBytes(), 0, 4, false));
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField("x-trailer", "ignored"))), true, 16_384));
            c.next(Frame.GoAway.class);
        });
    }

    @Test
    void aConnectionDroppedMidBodyFailsTheReadClearly() {
        against(H2C, base -> {
            try (ClientResponse r = current.get(base + "/")) {
                assertEquals(200, r.status());
                IOException e = assertThrows(IOException.class, r::read);
                assertTrue(e.getMessage().contains("the server closed the HTTP/2 connection"), e.getMessage());
            }
            assertEquals(0, current.connector().openConnections());
            return null;
        }, c -> {
            c.settings();
            int id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"))), false, 16_384));
            c.send(FrameWriter.data(id, new byte[100], 0, 100, false));
            c.out.transport().abort();
        });
    }

    @Test
    void dataBeyondTheStreamsWindowResetsTheStream() {
        against(H2C.withWindows(65_535, 16_384), base -> {
            try (ClientResponse r = current.get(base + "/")) {
                IOException e = assertThrows(IOException.class, r::read);
                assertTrue(e.getMessage().contains("FLOW_CONTROL_ERROR"), e.getMessage());
            }
            return null;
        }, c -> {
            c.settings();
            int id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"))), false, 16_384));
            byte[] more = new byte[16_384];
            c.send(FrameWriter.data(id, more, 0, more.length, false));
            c.send(FrameWriter.data(id, more, 0, 1, false)); // one byte past the 16 KiB the client allowed
            Frame.RstStream r = c.next(Frame.RstStream.class);
            assertEquals(ErrorCode.FLOW_CONTROL_ERROR, r.error());
            c.next(Frame.GoAway.class);
        });
    }

    @Test
    void theReceiveWindowIsGivenBackOnlyAsTheBodyIsRead() {
        double[] updatedAt = {-1};
        double[] sentAt = {-1};
        against(H2C.withWindows(65_535, 16_384), base -> {
            try (ClientResponse r = current.get(base + "/")) {
                Asyncio.sleep(1); // the server filled the window meanwhile; nothing is read, nothing given back
                assertEquals(8192, r.content().read(8192).length);
                assertEquals(16_384, r.read().length, "the other half of the first window and the last 8 KiB");
            }
            assertTrue(sentAt[0] >= 0 && updatedAt[0] - sentAt[0] >= 1.0,
                    "the first WINDOW_UPDATE came when the body was read, not when it arrived: " + sentAt[0] + " " + updatedAt[0]);
            return null;
        }, c -> {
            c.settings();
            int id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"))), false, 16_384));
            c.send(FrameWriter.data(id, new byte[16_384], 0, 16_384, false)); // the whole stream window
            sentAt[0] = Asyncio.getRunningLoop().time();
            Frame.WindowUpdate w = c.next(Frame.WindowUpdate.class);
            while (w.streamId() != id) w = c.next(Frame.WindowUpdate.class);
            updatedAt[0] = Asyncio.getRunningLoop().time();
            assertEquals(8192, w.increment(), "half the window, once half of it was read");
            c.send(FrameWriter.data(id, new byte[8192], 0, 8192, true));
            c.next(Frame.GoAway.class);
        });
    }

    @Test
    void theServersConcurrentStreamLimitMakesExtraRequestsWait() {
        against(H2C, base -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) tasks.add(Asyncio.createTask(() -> current.get(base + "/").text()));
            List<String> got = new ArrayList<>();
            for (Task<String> t : tasks) got.add(Asyncio.await(t));
            assertEquals(List.of("answer 1", "answer 3", "answer 5", "answer 7"), got);
            return null;
        }, c -> {
            c.settings(Frame.Settings.MAX_CONCURRENT_STREAMS, 1);
            for (int i = 0; i < 4; i++) {
                int id = c.next(Frame.Headers.class).streamId();
                // one stream at a time: the next HEADERS comes only once this one is answered
                c.respond(id, "answer " + id);
            }
            c.next(Frame.GoAway.class);
        });
    }

    /** RFC 9113 §8.1.1: DATA that does not add up to the content-length makes the response malformed. */
    @Test
    void aBodyNotMatchingItsContentLengthFailsTheResponseAndResetsOnlyItsStream() {
        against(H2C, base -> {
            try (ClientResponse r = current.get(base + "/short")) {
                assertEquals(200, r.status());
                IOException e = assertThrows(IOException.class, r::read);
                assertTrue(e.getMessage().contains("ended after 4 body bytes, but its content-length says 10"), e.getMessage());
            }
            try (ClientResponse r = current.get(base + "/long")) {
                IOException e = assertThrows(IOException.class, r::read);
                assertTrue(e.getMessage().contains("more response body than its content-length of 3 bytes"), e.getMessage());
            }
            IOException e = assertThrows(IOException.class, () -> current.get(base + "/none"));
            assertTrue(e.getMessage().contains("ended after 0 body bytes, but its content-length says 5"), e.getMessage());
            e = assertThrows(IOException.class, () -> current.get(base + "/bad"));
            assertTrue(e.getMessage().contains("content-length 12x"), e.getMessage());
            try (ClientResponse r = current.head(base + "/head")) {
                assertEquals("5", r.header("Content-Length"), "a HEAD response's content-length describes no DATA");
                assertEquals(0, r.read().length);
            }
            assertEquals("right", current.get(base + "/right").text(), "the connection went on");
            assertEquals(1, current.connector().openConnections());
            return null;
        }, c -> {
            c.settings();
            int id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"), new HeaderField("content-length", "10"))), false, 16_384));
            c.send(FrameWriter.data(id, "four".getBytes(), 0, 4, true));
            assertEquals(new Frame.RstStream(id, ErrorCode.PROTOCOL_ERROR), c.next(Frame.RstStream.class));
            id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"), new HeaderField("content-length", "3"))), false, 16_384));
            c.send(FrameWriter.data(id, "five!".getBytes(), 0, 5, false));
            assertEquals(new Frame.RstStream(id, ErrorCode.PROTOCOL_ERROR), c.next(Frame.RstStream.class));
            id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"), new HeaderField("content-length", "5"))), true, 16_384));
            assertEquals(new Frame.RstStream(id, ErrorCode.PROTOCOL_ERROR), c.next(Frame.RstStream.class));
            id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"), new HeaderField("content-length", "12x"))), true, 16_384));
            assertEquals(new Frame.RstStream(id, ErrorCode.PROTOCOL_ERROR), c.next(Frame.RstStream.class));
            id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"), new HeaderField("content-length", "5"))), true, 16_384));
            c.respond(c.next(Frame.Headers.class).streamId(), "right");
            c.next(Frame.GoAway.class);
        });
    }

    /** A field name outside RFC 9110's token characters is a stream error, not an exception from deep in the client. */
    @Test
    void aResponseFieldNameThatIsNoTokenIsAStreamError() {
        List<String> bad = List.of("x(y", "X-Upper", "caf\u00e9", "a\u007fb", "a b", "a@b", "a{b");
        against(H2C, base -> {
            for (String name : bad) {
                IOException e = assertThrows(IOException.class, () -> current.get(base + "/"));
                assertTrue(e.getMessage().contains("an invalid field name: " + name), e.getMessage());
            }
            ClientResponse r = current.get(base + "/right");
            assertEquals("right", r.text(), "the connection went on");
            assertEquals("1", r.header("!#$%&'*+-.^_`|~09az"), "every token character passes");
            return null;
        }, c -> {
            c.settings();
            for (String name : bad) {
                int id = c.next(Frame.Headers.class).streamId();
                c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"), new HeaderField(name, "1"))), true, 16_384));
                assertEquals(new Frame.RstStream(id, ErrorCode.PROTOCOL_ERROR), c.next(Frame.RstStream.class));
            }
            int id = c.next(Frame.Headers.class).streamId();
            c.send(FrameWriter.headers(id, c.encoder.encode(List.of(new HeaderField(":status", "200"), new HeaderField("content-length", "5"),
                    new HeaderField("!#$%&'*+-.^_`|~09az", "1"))), false, 16_384));
            c.send(FrameWriter.data(id, "right".getBytes(), 0, 5, true));
            c.next(Frame.GoAway.class);
        });
    }
}
