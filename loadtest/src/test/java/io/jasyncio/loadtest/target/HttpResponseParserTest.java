package io.jasyncio.loadtest.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lean response parser: framing, interim answers, limits; every input also fed in small pieces. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpResponseParserTest {
    record Answer(String kind, int status, boolean keepAlive, String body) {}

    private static List<Answer> parse(String wire, int piece, boolean capture, boolean head) {
        HttpResponseParser p = new HttpResponseParser(capture, 1 << 20, head);
        List<Answer> out = new ArrayList<>();
        ResponseSink sink = (kind, status, keepAlive) -> out.add(new Answer(kind, status, keepAlive,
                capture ? p.last().text() : null));
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i += piece) {
            ByteBuffer buf = ByteBuffer.wrap(b, i, Math.min(piece, b.length - i)).slice();
            p.feed(buf, sink);
            assertFalse(buf.hasRemaining(), "feed consumes everything");
        }
        p.eof(sink);
        return out;
    }

    /** The same answers whatever the pieces the bytes arrive in. */
    private static List<Answer> parseAllWays(String wire, boolean capture) {
        List<Answer> whole = parse(wire, Integer.MAX_VALUE, capture, false);
        for (int piece : new int[] {1, 2, 3, 7}) assertEquals(whole, parse(wire, piece, capture, false), "pieces of " + piece);
        return whole;
    }

    @Test
    void framesByLengthChunksAndClose() {
        String wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
                + "HTTP/1.0 200 OK\r\n\r\nuntil close";
        List<Answer> a = parseAllWays(wire, true);
        assertEquals(List.of(new Answer(null, 200, true, "hello"), new Answer("http_5xx", 503, true, "abcde"),
                new Answer("http_4xx", 404, true, ""), new Answer(null, 200, false, "until close")), a);
        assertEquals(4, parseAllWays(wire, false).size());
    }

    @Test
    void interimAnswersHeadBareLfAndConnectionClose() {
        List<Answer> a = parseAllWays("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\n\nHTTP/1.1 200 OK\nConnection: close\n"
                + "Content-Length: 2\n\nok", true);
        assertEquals(List.of(new Answer(null, 204, true, ""), new Answer(null, 200, false, "ok")), a);
        List<Answer> head = parse("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 1000, false, true);
        assertEquals(2, head.size(), "a HEAD answer has no body whatever its length says");
        assertEquals(List.of(new Answer(null, 200, false, "")),
                parseAllWays("HTTP/1.1 200 OK\r\nConnection: Upgrade , CLOSE\r\nContent-Length: 0\r\n\r\n", true));
        assertEquals(List.of(new Answer(null, 200, true, "ab")),
                parseAllWays("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,  Chunked \r\n\r\n2\r\nab\r\n0\r\n\r\n", true));
        List<Answer> keep10 = parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 100, false, false);
        assertTrue(keep10.get(0).keepAlive());
    }

    @Test
    void refusesWhatIsNotHttpOrOverALimit() {
        for (String bad : List.of("SSH-2.0-OpenSSH\r\n", "HTTP/2 200\r\n", "HTTP/1.1 20 OK\r\n", "HTTP/1.1 200OK\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "f".repeat(2000) + "\r\n")) {
            assertThrows(ProtocolViolation.class, () -> parse(bad, 1000, false, false), bad);
        }
        String huge = "HTTP/1.1 200 OK\r\n" + "X-Pad: " + "a".repeat(HttpResponseParser.MAX_HEAD) + "\r\n\r\n";
        assertTrue(assertThrows(ProtocolViolation.class, () -> parse(huge, 4096, false, false)).getMessage().contains("head"));
        HttpResponseParser small = new HttpResponseParser(true, 10, false);
        assertThrows(ProtocolViolation.class, () -> small.feed(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world".getBytes(StandardCharsets.US_ASCII)), (k, s, ka) -> {}));
    }

    @Test
    void skipsALargeBodyWithoutKeepingIt() {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n");
        sb.append("x".repeat(5_000_000));
        assertEquals(1, parse(sb.toString(), 65536, false, false).size());
    }
}
