package io.jasyncio.http.ws;

import io.jasyncio.http.ServerTesting;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 6455 and RFC 7692 conformance of the server, in the spirit of the Autobahn test suite: a raw peer
 * ({@link RawPeer}) sends valid and broken handshakes and frames, byte by byte as the RFC lays them out, and
 * checks what the server answers: echoes, pongs, and for each violation the close code the RFC asks for, then
 * the end of the connection. The Autobahn case each test stands for is named where there is one.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebSocketConformanceTest {
    private static final int FIN = 0x80, TEXT = 1, BINARY = 2, CONT = 0, CLOSE = 8, PING = 9, PONG = 10;

    /** Runs {@code peer} against an echo server with {@code options}. */
    private static void withEcho(WebSocketOptions options, PeerBody peer) {
        WsTesting.Echo echo = new WsTesting.Echo(options);
        ServerTesting.serve(echo.app, (port, runner) -> {
            peer.run(port, echo);
            return null;
        });
    }

    private static void withEcho(PeerBody peer) {
        withEcho(new WebSocketOptions(), peer);
    }

    @FunctionalInterface
    interface PeerBody {
        void run(int port, WsTesting.Echo echo) throws Exception;
    }

    /** The server answers with a close frame of {@code code}, then ends the connection. */
    private static void assertClosedWith(RawPeer p, int code) throws Exception {
        RawPeer.Frame f = p.readClose();
        assertNotNull(f, "the connection ended without a close frame (expected " + code + ")");
        assertEquals(code, f.closeCode(), "close reason: " + new String(f.payload(), 2, Math.max(0, f.payload().length - 2), UTF_8));
        assertTrue(p.endsAfter());
    }

    private static void assertFailsWith(int code, byte[]... frames) {
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                for (byte[] f : frames) p.sendRaw(f);
                assertClosedWith(p, code);
                waitClosed(echo.last());
                assertEquals(code, echo.last().closeCode());
                assertInstanceOf(WebSocketError.class, echo.last().exception());
            }
        });
    }

    private static void waitClosed(WebSocket ws) {
        for (int i = 0; i < 1000 && !ws.closed(); i++) Asyncio.sleep(0.01);
        assertTrue(ws.closed());
    }

    private static byte[] masked(int b0, byte[] payload) {
        return RawPeer.frame(b0, payload, true);
    }

    private static byte[] masked(int b0, String text) {
        return masked(b0, text.getBytes(UTF_8));
    }

    // ---------------------------------------------------------------- the opening handshake

    @Test
    void handshakeAnswers101WithTheAcceptOfTheKey() {
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                // RFC 6455 section 1.3's example key and accept value
                assertTrue(p.head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), p.head);
                assertTrue(p.head.contains("Upgrade: websocket\r\n"), p.head);
                assertTrue(p.head.contains("Connection: Upgrade\r\n"), p.head);
                assertFalse(p.head.contains("Sec-WebSocket-Extensions"), "no compression was offered: " + p.head);
                assertFalse(p.head.contains("Sec-WebSocket-Protocol"), p.head);
            }
        });
    }

    @Test
    void anotherVersionIs426NamingVersion13() {
        withEcho((port, echo) -> {
            for (String v : new String[] {"8", "12", "14", ""}) {
                String req = RawPeer.handshake("").replace("Sec-WebSocket-Version: 13\r\n", v.isEmpty() ? "" : "Sec-WebSocket-Version: " + v + "\r\n");
                try (RawPeer p = RawPeer.request(port, req)) {
                    assertTrue(p.head.startsWith("HTTP/1.1 426 "), p.head);
                    assertTrue(p.head.contains("Sec-WebSocket-Version: 13\r\n"), p.head);
                }
            }
        });
    }

    @Test
    void aBadKeyOrMissingUpgradeIs400() {
        withEcho((port, echo) -> {
            String good = RawPeer.handshake("");
            String[] bad = {
                good.replace(RawPeer.KEY, "abc"), // not 16 bytes
                good.replace(RawPeer.KEY, "dGhlIHNhbXBsZSBub25jZQ"), // 22 characters
                good.replace(RawPeer.KEY, "!!!!!!!!!!!!!!!!!!!!!!=="), // not base64
                good.replace("Sec-WebSocket-Key: " + RawPeer.KEY + "\r\n", ""),
                good.replace("Upgrade: websocket\r\n", "Upgrade: h2c\r\n"),
                good.replace("Connection: Upgrade\r\n", "Connection: keep-alive\r\n"),
                good.replace("HTTP/1.1", "HTTP/1.0"),
            };
            for (String req : bad) {
                try (RawPeer p = RawPeer.request(port, req)) {
                    assertTrue(p.head.matches("(?s)HTTP/1\\.[01] 400 .*"), req + " -> " + p.head);
                }
            }
            try (RawPeer p = RawPeer.request(port, good.replace("GET", "POST"))) {
                assertTrue(p.head.startsWith("HTTP/1.1 405 "), p.head);
            }
        });
    }

    @Test
    void theFirstSubprotocolTheClientOffersThatTheServerSpeaksIsChosen() {
        withEcho(new WebSocketOptions().protocols("chat", "superchat"), (port, echo) -> {
            try (RawPeer p = RawPeer.open(port, "Sec-WebSocket-Protocol: v2.other, superchat\r\nSec-WebSocket-Protocol: chat\r\n")) {
                assertTrue(p.head.contains("Sec-WebSocket-Protocol: superchat\r\n"), p.head);
            }
            assertEquals("superchat", echo.last().protocol());
            try (RawPeer p = RawPeer.open(port, "Sec-WebSocket-Protocol: mqtt\r\n")) {
                assertFalse(p.head.contains("Sec-WebSocket-Protocol"), p.head);
            }
            assertNull(echo.last().protocol());
        });
    }

    @Test
    void framesSentWithTheHandshakeAreRead() {
        withEcho((port, echo) -> {
            byte[] hs = RawPeer.handshake("").getBytes(UTF_8);
            byte[] f = masked(FIN | TEXT, "early");
            byte[] both = Arrays.copyOf(hs, hs.length + f.length);
            System.arraycopy(f, 0, both, hs.length, f.length);
            io.jasyncio.streams.StreamPair c = io.jasyncio.streams.Streams.openConnection("127.0.0.1", port);
            c.writer().write(both);
            c.reader().readuntil("\r\n\r\n".getBytes(UTF_8));
            byte[] h = c.reader().readexactly(2);
            assertEquals(FIN | TEXT, h[0] & 0xFF);
            assertEquals("early", new String(c.reader().readexactly(h[1]), UTF_8));
            c.writer().close();
        });
    }

    @Test
    void anUpgradeTheHandlerIgnoresIsAnsweredAsHttpAndTheConnectionGoesOn() {
        WsTesting.Echo echo = new WsTesting.Echo();
        echo.app.router().addGet("/plain", r -> io.jasyncio.http.Response.text("plain"));
        ServerTesting.serve(echo.app, (port, runner) -> {
            String twice = "GET /plain HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n"
                    + "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n";
            try (RawPeer p = RawPeer.request(port, twice)) {
                assertTrue(p.head.startsWith("HTTP/1.1 200 "), p.head);
                assertEquals("plain", new String(p.c.reader().readexactly(5), UTF_8));
                String second = new String(p.c.reader().readuntil("\r\n\r\n".getBytes(UTF_8)), UTF_8);
                assertTrue(second.startsWith("HTTP/1.1 200 "), second);
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- framing (Autobahn 1.x, 2.x, 5.x)

    @Test
    void textAndBinaryOfEveryLengthEncodingAreEchoed() {
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                for (int len : new int[] {0, 1, 125, 126, 127, 65535, 65536, 300_000}) {
                    byte[] b = new byte[len];
                    Arrays.fill(b, (byte) 'x');
                    p.send(FIN | TEXT, b);
                    RawPeer.Frame f = p.read();
                    assertEquals(TEXT, f.opcode());
                    assertTrue(f.fin());
                    assertFalse(f.masked(), "a server's frames are not masked");
                    assertArrayEquals(b, f.payload(), "text of " + len);
                    if (len > 0) b[0] = (byte) 0xff; // not UTF-8: binary is not checked
                    p.send(FIN | BINARY, b);
                    f = p.read();
                    assertEquals(BINARY, f.opcode());
                    assertArrayEquals(b, f.payload(), "binary of " + len);
                }
                p.send(FIN | CLOSE, RawPeer.closePayload(1000, ""));
                assertEquals(1000, p.readClose().closeCode());
            }
        });
    }

    @Test
    void fragmentsAreAssembledAndPingsBetweenThemAnsweredFirst() { // Autobahn 5.6, 5.8
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                p.send(TEXT, "frag");
                p.send(FIN | PING, "between");
                p.send(CONT, "men");
                p.send(FIN | CONT, "ted");
                RawPeer.Frame pong = p.read();
                assertEquals(PONG, pong.opcode());
                assertEquals("between", pong.text());
                RawPeer.Frame t = p.read();
                assertEquals("fragmented", t.text());
            }
        });
    }

    @Test
    void tenThousandOneByteFragmentsMakeOneMessage() {
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int i = 0; i < 10_000; i++) {
                    byte[] f = masked((i == 9_999 ? FIN : 0) | (i == 0 ? TEXT : CONT), new byte[] {(byte) ('a' + i % 26)});
                    all.write(f, 0, f.length);
                }
                p.sendRaw(all.toByteArray());
                RawPeer.Frame f = p.read();
                assertEquals(10_000, f.payload().length);
                assertEquals("abc", f.text().substring(0, 3));
            }
        });
    }

    @Test
    void aPingIsAnsweredWithItsPayload() { // Autobahn 2.2, 2.3
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                byte[] b = new byte[125];
                for (int i = 0; i < b.length; i++) b[i] = (byte) i;
                p.send(FIN | PING, b);
                RawPeer.Frame f = p.read();
                assertEquals(PONG, f.opcode());
                assertArrayEquals(b, f.payload());
                p.send(FIN | PONG, "unsolicited"); // Autobahn 2.8: ignored
                p.send(FIN | TEXT, "still here");
                assertEquals("still here", p.read().text());
            }
        });
    }

    @Test
    void anUnmaskedClientFrameIs1002() {
        assertFailsWith(1002, RawPeer.frame(FIN | TEXT, "hello".getBytes(UTF_8), false));
    }

    @Test
    void reservedBitsAre1002() { // Autobahn 3.1-3.7
        assertFailsWith(1002, masked(FIN | 0x40 | TEXT, "rsv1 without deflate"));
        assertFailsWith(1002, masked(FIN | 0x20 | TEXT, "rsv2"));
        assertFailsWith(1002, masked(FIN | 0x10 | BINARY, "rsv3"));
        assertFailsWith(1002, masked(FIN | 0x70 | PING, "all"));
    }

    @Test
    void reservedOpcodesAre1002() { // Autobahn 4.1.x, 4.2.x
        for (int op : new int[] {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) assertFailsWith(1002, masked(FIN | op, "x"));
    }

    @Test
    void aFragmentedOrLongControlFrameIs1002() { // Autobahn 2.5, 5.1, 5.2
        assertFailsWith(1002, masked(PING, "fragmented ping"), masked(FIN | CONT, "rest"));
        assertFailsWith(1002, masked(PONG, "fragmented pong"));
        assertFailsWith(1002, masked(FIN | PING, new byte[126]));
        assertFailsWith(1002, masked(CLOSE, RawPeer.closePayload(1000, "")));
    }

    @Test
    void continuationWithoutAMessageOrAMessageInsideAnotherIs1002() { // Autobahn 5.9-5.20
        assertFailsWith(1002, masked(FIN | CONT, "orphan"));
        assertFailsWith(1002, masked(CONT, "orphan"));
        assertFailsWith(1002, masked(TEXT, "first"), masked(FIN | TEXT, "second"));
        assertFailsWith(1002, masked(BINARY, "first"), masked(BINARY, "second"));
    }

    @Test
    void aLengthWithItsTopBitSetIs1002() {
        byte[] h = {(byte) (FIN | BINARY), (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
        assertFailsWith(1002, h);
    }

    @Test
    void aMessageOverMaxMsgSizeIs1009AsSoonAsItsHeaderArrives() { // Autobahn 9.x's limit side
        withEcho(new WebSocketOptions().maxMsgSize(1024), (port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                // a header announcing 1 GiB, and nothing else: refused at once, nothing allocated for it
                p.sendRaw(new byte[] {(byte) (FIN | BINARY), (byte) (0x80 | 127), 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4});
                assertClosedWith(p, 1009);
            }
            try (RawPeer p = RawPeer.open(port)) { // fragments that add up to more than the limit
                p.send(BINARY, new byte[1000]);
                p.send(CONT, new byte[1000]);
                assertClosedWith(p, 1009);
            }
            try (RawPeer p = RawPeer.open(port)) { // exactly the limit is fine
                p.send(FIN | BINARY, new byte[1024]);
                assertEquals(1024, p.read().payload().length);
            }
        });
    }

    // ---------------------------------------------------------------- UTF-8 (Autobahn 6.x)

    @Test
    void validUtf8SplitAnywhereAcrossFragmentsIsEchoed() { // Autobahn 6.2, 6.4 (valid side)
        withEcho((port, echo) -> {
            byte[] text = "κόσμε 𝄞 ∑ €".getBytes(UTF_8);
            try (RawPeer p = RawPeer.open(port)) {
                for (int cut = 1; cut < text.length; cut++) {
                    p.send(TEXT, Arrays.copyOfRange(text, 0, cut));
                    p.send(FIN | CONT, Arrays.copyOfRange(text, cut, text.length));
                    assertArrayEquals(text, p.read().payload(), "cut at " + cut);
                }
            }
        });
    }

    @Test
    void invalidUtf8Is1007() { // Autobahn 6.3, 6.6-6.21
        byte[][] invalid = {
            {(byte) 0xce, (byte) 0xba, (byte) 0xe1, (byte) 0xbd}, // truncated at the end of the message
            {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
            {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, // overlong
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a surrogate
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // five bytes
            {(byte) 0xff},
            {(byte) 0x80}, // a lone continuation byte
        };
        for (byte[] b : invalid) assertFailsWith(1007, masked(FIN | TEXT, b));
        // a code point whose first half ends a fragment and whose second half is invalid
        assertFailsWith(1007, masked(TEXT, new byte[] {'a', (byte) 0xe2, (byte) 0x82}), masked(FIN | CONT, new byte[] {'b'}));
        // binary messages are not text
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                p.send(FIN | BINARY, new byte[] {(byte) 0xff, (byte) 0xc0});
                assertEquals(2, p.read().payload().length);
            }
        });
    }

    @Test
    void invalidUtf8FailsFastBeforeTheMessageEnds() { // Autobahn 6.4.1-6.4.4
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                p.send(TEXT, new byte[] {(byte) 0xce, (byte) 0xba, (byte) 0xf4, (byte) 0x90}); // invalid at its 4th byte
                assertClosedWith(p, 1007); // no further fragment was sent
            }
        });
    }

    // ---------------------------------------------------------------- closing (Autobahn 7.x)

    @Test
    void aCloseIsEchoedWithItsCodeThenTheServerCloses() { // Autobahn 7.1.1, 7.7.x
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
            withEcho((port, echo) -> {
                try (RawPeer p = RawPeer.open(port)) {
                    p.send(FIN | CLOSE, RawPeer.closePayload(code, "bye"));
                    RawPeer.Frame f = p.readClose();
                    assertEquals(code, f.closeCode());
                    assertTrue(p.endsAfter());
                    waitClosed(echo.last());
                    assertEquals(code, echo.last().closeCode());
                    assertNull(echo.last().exception());
                }
            });
        }
    }

    @Test
    void anEmptyCloseIsAnsweredEmptyAndReadAs1005() { // Autobahn 7.3.1
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                p.send(FIN | CLOSE, new byte[0]);
                RawPeer.Frame f = p.readClose();
                assertEquals(0, f.payload().length);
                waitClosed(echo.last());
                assertEquals(1005, echo.last().closeCode());
            }
        });
    }

    @Test
    void invalidCloseFramesAre1002Or1007() { // Autobahn 7.3.2, 7.5.1, 7.9.x
        assertFailsWith(1002, masked(FIN | CLOSE, new byte[] {3}));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            assertFailsWith(1002, masked(FIN | CLOSE, RawPeer.closePayload(code, "")));
        }
        byte[] p = RawPeer.closePayload(1000, "");
        byte[] bad = Arrays.copyOf(p, 4);
        bad[2] = (byte) 0xce;
        bad[3] = (byte) 0xff;
        assertFailsWith(1007, masked(FIN | CLOSE, bad));
    }

    @Test
    void framesAfterTheCloseAreNotRead() { // Autobahn 7.1.3-7.1.5
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port)) {
                p.send(FIN | CLOSE, RawPeer.closePayload(1000, ""));
                p.send(FIN | TEXT, "after close");
                p.send(FIN | PING, "after close");
                RawPeer.Frame f = p.read();
                assertEquals(CLOSE, f.opcode(), "nothing but the close answers: " + f);
                assertTrue(p.endsAfter());
            }
        });
    }

    @Test
    void theServerClosesWithItsCodeAndWaitsForTheAnswer() {
        io.jasyncio.http.Application app = new io.jasyncio.http.Application();
        java.util.List<Boolean> result = new java.util.ArrayList<>();
        java.util.List<Integer> codes = new java.util.ArrayList<>();
        app.router().addGet("/ws", r -> {
            WebSocketResponse ws = new WebSocketResponse().prepare(r);
            ws.sendStr("hello");
            result.add(ws.close(4001, "done here"));
            codes.add(ws.closeCode());
            result.add(ws.close()); // closed already
            return ws.response();
        });
        ServerTesting.serve(app, (port, runner) -> {
            try (RawPeer p = RawPeer.open(port)) {
                assertEquals("hello", p.read().text());
                RawPeer.Frame f = p.read();
                assertEquals(CLOSE, f.opcode());
                assertEquals(4001, f.closeCode());
                assertEquals("done here", new String(f.payload(), 2, f.payload().length - 2, UTF_8));
                p.send(FIN | CLOSE, RawPeer.closePayload(4001, ""));
                assertTrue(p.endsAfter());
            }
            for (int i = 0; i < 100 && result.size() < 2; i++) Asyncio.sleep(0.01);
            assertEquals(java.util.List.of(true, false), result);
            assertEquals(java.util.List.of(4001), codes);
            return null;
        });
    }

    // ---------------------------------------------------------------- permessage-deflate (Autobahn 12.x, 13.x)

    static byte[] deflate(Deflater d, byte[] data) {
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        byte[] z = out.toByteArray();
        return Arrays.copyOf(z, z.length - 4);
    }

    static byte[] inflate(Inflater i, byte[] z) throws Exception {
        byte[] tail = {0, 0, (byte) 0xff, (byte) 0xff};
        byte[] zz = Arrays.copyOf(z, z.length + 4);
        System.arraycopy(tail, 0, zz, z.length, 4);
        i.setInput(zz);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = i.inflate(buf)) > 0) out.write(buf, 0, n);
        return out.toByteArray();
    }

    private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

    @Test
    void deflateIsNegotiatedWithItsParameters() {
        withEcho((port, echo) -> {
            String[][] cases = {
                {"permessage-deflate", "permessage-deflate"},
                {"permessage-deflate; client_max_window_bits", "permessage-deflate"},
                {"permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
                {"permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=10"},
                {"permessage-deflate; server_max_window_bits=\"9\"", "permessage-deflate; server_max_window_bits=9"},
                {"permessage-deflate; server_max_window_bits=16, permessage-deflate", "permessage-deflate"}, // the 1st is invalid
                {"permessage-deflate; foo=1", null},
                {"permessage-deflate; server_no_context_takeover; server_no_context_takeover", null},
                {"permessage-deflate; server_max_window_bits", null},
                {"x-webkit-deflate-frame", null},
            };
            for (String[] c : cases) {
                try (RawPeer p = RawPeer.open(port, "Sec-WebSocket-Extensions: " + c[0] + "\r\n")) {
                    if (c[1] == null) assertFalse(p.head.contains("Sec-WebSocket-Extensions"), c[0] + " -> " + p.head);
                    else assertTrue(p.head.contains("Sec-WebSocket-Extensions: " + c[1] + "\r\n"), c[0] + " -> " + p.head);
                }
            }
        });
        withEcho(new WebSocketOptions().compress(false), (port, echo) -> {
            try (RawPeer p = RawPeer.open(port, OFFER)) {
                assertFalse(p.head.contains("Sec-WebSocket-Extensions"), p.head);
            }
        });
    }

    @Test
    void compressedMessagesAreReadAndAnsweredCompressedWithContextKept() throws Exception {
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port, OFFER)) {
                Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                Inflater i = new Inflater(true);
                for (int round = 0; round < 3; round++) { // the same text thrice: context taken over both ways
                    String text = "Hello, compressed world! ".repeat(20) + round;
                    byte[] z = deflate(d, text.getBytes(UTF_8));
                    p.send(FIN | 0x40 | TEXT, z);
                    RawPeer.Frame f = p.read();
                    assertEquals(4, f.rsv(), "RSV1: compressed");
                    assertTrue(f.payload().length < text.length() / 4, "compressed to " + f.payload().length);
                    assertEquals(text, new String(inflate(i, f.payload()), UTF_8));
                }
                // a compressed message in fragments: RSV1 on the first only
                byte[] z = deflate(d, "fragmented and compressed".getBytes(UTF_8));
                p.send(0x40 | BINARY, Arrays.copyOfRange(z, 0, 5));
                p.send(FIN | CONT, Arrays.copyOfRange(z, 5, z.length));
                assertEquals("fragmented and compressed", new String(inflate(i, p.read().payload()), UTF_8));
                // an uncompressed message on a compressed connection
                p.send(FIN | TEXT, "plain");
                assertEquals("plain", new String(inflate(i, p.read().payload()), UTF_8));
                d.end();
                i.end();
            }
        });
    }

    @Test
    void aSmallerServerWindowIsHonouredByCompressingOnlyWhatFitsInIt() throws Exception {
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port, "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=9\r\n")) {
                assertTrue(p.head.contains("server_max_window_bits=9"), p.head);
                String small = "abcabcabc ".repeat(40); // 400 bytes: fits in the 512-byte window
                String large = "abcabcabc ".repeat(60); // 600 bytes: would need back-references beyond it
                for (int i = 0; i < 2; i++) {
                    p.send(FIN | TEXT, small);
                    RawPeer.Frame f = p.read();
                    assertEquals(4, f.rsv(), "compressed");
                    Inflater fresh = new Inflater(true); // no context kept between messages
                    assertEquals(small, new String(inflate(fresh, f.payload()), UTF_8));
                    fresh.end();
                    p.send(FIN | TEXT, large);
                    f = p.read();
                    assertEquals(0, f.rsv(), "sent uncompressed");
                    assertEquals(large, f.text());
                }
            }
        });
    }

    @Test
    void rsv1OnAContinuationOrControlFrameIs1002AndBadDeflateDataIs1007() {
        withEcho((port, echo) -> {
            try (RawPeer p = RawPeer.open(port, OFFER)) {
                p.send(BINARY, "a");
                p.send(FIN | 0x40 | CONT, "b");
                assertClosedWith(p, 1002);
            }
            try (RawPeer p = RawPeer.open(port, OFFER)) {
                p.send(FIN | 0x40 | PING, "a");
                assertClosedWith(p, 1002);
            }
            try (RawPeer p = RawPeer.open(port, OFFER)) {
                p.send(FIN | 0x40 | BINARY, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
                assertClosedWith(p, 1007);
            }
        });
    }

    @Test
    void aDeflateBombIsRefusedAtMaxMsgSizeWithoutInflatingIt() {
        withEcho(new WebSocketOptions().maxMsgSize(1 << 20), (port, echo) -> {
            Deflater d = new Deflater(9, true);
            byte[] bomb = deflate(d, new byte[64 << 20]); // 64 MiB of zeros
            d.end();
            assertTrue(bomb.length < 100_000, "the bomb is " + bomb.length + " bytes");
            try (RawPeer p = RawPeer.open(port, OFFER)) {
                p.send(FIN | 0x40 | BINARY, bomb);
                assertClosedWith(p, 1009);
            }
            WebSocketResponse ws = echo.last();
            waitClosed(ws);
            assertTrue(ws.exception().getMessage().contains("inflates to more than maxMsgSize"), ws.exception().getMessage());
            assertTrue(ws.heldBytes() < 2 << 20, "held " + ws.heldBytes());
        });
    }
}
