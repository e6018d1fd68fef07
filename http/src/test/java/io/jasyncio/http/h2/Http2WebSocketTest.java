package io.jasyncio.http.h2;

import io.jasyncio.http.ServerTesting;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Runner;
import io.jasyncio.EventLoop;
import io.jasyncio.http.Application;
import io.jasyncio.http.Response;
import io.jasyncio.http.ws.WSMessage;
import io.jasyncio.http.ws.WSMsgType;
import io.jasyncio.http.ws.WebSocketResponse;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Server;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WebSockets over HTTP/2 (RFC 8441): extended CONNECT, the WebSocket engine over the stream, malformed openings. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2WebSocketTest {
    static Application app(AtomicInteger ended) {
        Application app = Http2ServerTest.app();
        app.router().addGet("/ws", r -> {
            try {
                WebSocketResponse ws = new WebSocketResponse().prepare(r);
                for (WSMessage m : ws) {
                    if (m.type() == WSMsgType.TEXT) ws.sendStr("echo " + m.text());
                }
                return ws.response();
            } finally {
                ended.incrementAndGet();
            }
        });
        return app;
    }

    static List<HeaderField> connect(String path, String... extra) {
        List<HeaderField> l = new ArrayList<>(List.of(new HeaderField(":method", "CONNECT"), new HeaderField(":protocol", "websocket"),
                new HeaderField(":scheme", "http"), new HeaderField(":path", path), new HeaderField(":authority", "localhost"),
                new HeaderField("sec-websocket-version", "13")));
        for (int i = 0; i < extra.length; i += 2) l.add(new HeaderField(extra[i], extra[i + 1]));
        return l;
    }

    /** A client's (masked) WebSocket frame. */
    static byte[] frame(int b0, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        out.write(0x80 | payload.length); // small payloads only
        byte[] mask = {1, 2, 3, 4};
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) out.write(payload[i] ^ mask[i & 3]);
        return out.toByteArray();
    }

    static void sendFrame(H2Peer p, int stream, int b0, byte[] payload) {
        byte[] f = frame(b0, payload);
        p.send(FrameWriter.data(stream, f, 0, f.length, false));
    }

    /** The response head of {@code stream} (its decoded fields); other frames are kept. */
    static List<HeaderField> head(H2Peer p, int stream) {
        while (true) {
            Frame f = p.next();
            assertNotNull(f, "EOF before the head of stream " + stream);
            if (f instanceof Frame.Headers h) {
                List<HeaderField> l = p.decoder.decode(h.fragment());
                if (h.streamId() == stream) return l;
            }
            if (f instanceof Frame.RstStream r && r.streamId() == stream) fail("stream reset: " + r);
        }
    }

    /** The next server WebSocket frame on {@code stream} (one per DATA frame here: small messages), or null at END_STREAM. */
    static byte[] serverFrame(H2Peer p, int stream) {
        while (true) {
            Frame f = p.next();
            assertNotNull(f, "EOF while waiting for a WebSocket frame");
            if (f instanceof Frame.Data d && d.streamId() == stream) {
                if (d.data().length > 0) return d.data();
                if (d.endStream()) return null;
            }
            if (f instanceof Frame.RstStream r && r.streamId() == stream) fail("stream reset: " + r);
        }
    }

    static String field(List<HeaderField> l, String name) {
        for (HeaderField f : l) if (f.name().equals(name)) return f.value();
        return null;
    }

    @Test
    void anExtendedConnectReachesTheWebSocketHandlerWhichRunsOverTheStream() {
        AtomicInteger ended = new AtomicInteger();
        ServerTesting.serve(app(ended), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                assertEquals(1L, Http2ServerTest.setting(p.serverSettings, Frame.Settings.ENABLE_CONNECT_PROTOCOL));
                p.sendHeaders(1, connect("/ws", "sec-websocket-extensions", "permessage-deflate"), false);
                List<HeaderField> h = head(p, 1);
                assertEquals("200", field(h, ":status"));
                assertNotNull(field(h, "sec-websocket-extensions")); // negotiated through the headers
                assertNull(field(h, "upgrade"));
                assertNull(field(h, "connection"));
            }
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, connect("/ws"), false);
                assertEquals("200", field(head(p, 1), ":status"));
                sendFrame(p, 1, 0x81, "hello".getBytes());
                byte[] echo = serverFrame(p, 1);
                assertEquals(0x81, echo[0] & 0xff); // a final text frame, unmasked, of 10 bytes
                assertEquals(10, echo[1]);
                assertEquals("echo hello", new String(echo, 2, 10, StandardCharsets.UTF_8));
                sendFrame(p, 1, 0x89, "pi".getBytes()); // ping: answered with a pong of its data
                assertArrayEquals(new byte[] {(byte) 0x8a, 2, 'p', 'i'}, serverFrame(p, 1));
                p.sendHeaders(3, H2Peer.get("/hello"), true); // other streams go on beside it
                assertEquals("hello HTTP/2 localhost", p.response(3).text());
                sendFrame(p, 1, 0x88, new byte[] {0x03, (byte) 0xe8}); // close 1000
                assertArrayEquals(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xe8}, serverFrame(p, 1));
                assertNull(serverFrame(p, 1)); // then END_STREAM
                Asyncio.sleep(0.1);
                assertEquals(2, ended.get()); // this one, and the first, whose client closed its connection
            }
            return null;
        });
    }

    @Test
    void aWebSocketOpenedAsOverHttp11IsA400NeverA500() {
        ServerTesting.serve(app(new AtomicInteger()), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.get("/ws", "upgrade", "websocket", "sec-websocket-version", "13"), true);
                H2Peer.Response r = p.response(1);
                assertEquals(400, r.status());
                assertTrue(r.text().contains("extended CONNECT"), r.text());
                p.sendHeaders(3, H2Peer.get("/ws", "sec-websocket-version", "13"), true); // a GET without :protocol
                H2Peer.Response r3 = p.response(3);
                assertEquals(400, r3.status());
                assertTrue(r3.text().contains("extended CONNECT"), r3.text());
                p.sendHeaders(5, H2Peer.get("/hello"), true);
                assertEquals(200, p.response(5).status());
            }
            return null;
        });
    }

    @Test
    void malformedExtendedConnectsAreStreamErrors() {
        ServerTesting.serve(app(new AtomicInteger()), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                List<HeaderField> plain = new ArrayList<>(connect("/ws"));
                plain.remove(1); // a CONNECT without :protocol: a plain CONNECT, not served
                p.sendHeaders(1, plain, false);
                assertEquals(ErrorCode.PROTOCOL_ERROR, p.response(1).reset());
                List<HeaderField> onGet = new ArrayList<>(connect("/ws"));
                onGet.set(0, new HeaderField(":method", "GET")); // :protocol on a GET
                p.sendHeaders(3, onGet, false);
                assertEquals(ErrorCode.PROTOCOL_ERROR, p.response(3).reset());
                p.sendHeaders(5, H2Peer.get("/hello"), true);
                assertEquals(200, p.response(5).status());
            }
            return null;
        });
    }

    @Test
    void anExtendedConnectToAServerWithoutTheSettingIsAStreamError() {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            r.run(() -> {
                AtomicInteger handled = new AtomicInteger();
                Server server = Net.createServer(() -> {
                    Http2ServerConnection c = new Http2ServerConnection(Asyncio.getRunningLoop(), Http2Options.DEFAULTS, s -> {
                        handled.incrementAndGet();
                        s.sendHeaders(List.of(new HeaderField(":status", "204")), true);
                    });
                    c.setConnectProtocol(false);
                    return c;
                }, "127.0.0.1", 0);
                int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
                try (H2Peer p = H2Peer.open(port)) {
                    assertEquals(-1L, Http2ServerTest.setting(p.serverSettings, Frame.Settings.ENABLE_CONNECT_PROTOCOL));
                    p.sendHeaders(1, connect("/ws"), false);
                    assertEquals(ErrorCode.PROTOCOL_ERROR, p.response(1).reset());
                    assertEquals(0, handled.get());
                } finally {
                    server.close();
                }
                return null;
            });
        }
    }

    @Test
    void aResetMidWebSocketEndsItsHandlerAndTheConnectionGoesOn() {
        AtomicInteger ended = new AtomicInteger();
        ServerTesting.serve(app(ended), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, connect("/ws"), false);
                assertEquals("200", field(head(p, 1), ":status"));
                sendFrame(p, 1, 0x81, "one".getBytes());
                assertEquals("echo one", new String(serverFrame(p, 1), 2, 8, StandardCharsets.UTF_8));
                p.send(FrameWriter.rstStream(1, ErrorCode.CANCEL));
                Asyncio.sleep(0.1);
                assertEquals(1, ended.get());
                p.sendHeaders(3, H2Peer.get("/hello"), true);
                assertEquals(200, p.response(3).status());
                assertFalse(p.resets().containsKey(1));
            }
            return null;
        });
    }

    @Test
    void aWebSocketClientThatOpensNoWindowStopsTheSenderThenTheStreamIsEnded() {
        Application app = Http2ServerTest.app();
        AtomicInteger sent = new AtomicInteger();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        app.router().addGet("/flood", r -> {
            WebSocketResponse ws = new WebSocketResponse().prepare(r);
            try {
                for (int i = 0; i < 10_000; i++) {
                    ws.sendBytes(new byte[1024]);
                    sent.incrementAndGet();
                }
            } catch (java.io.IOException | io.jasyncio.CancelledError e) { // the stream was reset: the task is cancelled
                failures.add(e);
                throw e;
            }
            return ws.response();
        });
        ServerTesting.serve(app, r -> r.sendTimeout(5), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.autoWindow = false;
                p.send(FrameWriter.windowUpdate(0, 1 << 24)); // the connection's window open: the stream's is the bound
                p.sendHeaders(1, connect("/flood"), false);
                assertEquals("200", field(head(p, 1), ":status"));
                long data = 0;
                while (data < 65_535) {
                    Frame f = p.next();
                    if (f instanceof Frame.Data d) data += d.data().length;
                }
                Asyncio.sleep(1);
                assertEquals(65_535, data);
                // the window's worth, plus the tunnel's write buffer (64 KiB high-water mark) and one message
                assertTrue(sent.get() <= (65_535 + 65_536) / 1028 + 2, "sent " + sent.get() + " messages of 1 KiB");
                Frame f;
                do f = p.next(); while (f != null && !(f instanceof Frame.RstStream));
                assertNotNull(f, "the stream was not reset");
                Asyncio.sleep(0.5);
                assertEquals(1, failures.size(), failures.toString());
                p.sendHeaders(3, H2Peer.get("/hello"), true);
                p.autoWindow = true;
                assertEquals(200, p.response(3).status());
            }
            return null;
        });
    }

    @Test
    void aClientEndingItsSideOfTheStreamEndsTheWebSocketAndTheStream() {
        AtomicInteger ended = new AtomicInteger();
        ServerTesting.serve(app(ended), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, connect("/ws"), false);
                assertEquals("200", field(head(p, 1), ":status"));
                p.send(FrameWriter.data(1, new byte[0], 0, 0, true)); // END_STREAM without a close frame: as a TCP EOF
                assertNull(serverFrame(p, 1)); // the server ends its side too
                Asyncio.sleep(0.1);
                assertEquals(1, ended.get());
                p.sendHeaders(3, H2Peer.get("/hello"), true);
                assertEquals(200, p.response(3).status());
            }
            return null;
        });
    }
}
