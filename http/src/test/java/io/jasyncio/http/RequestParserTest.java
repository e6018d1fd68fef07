package io.jasyncio.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RequestParser}: framing, limits and errors of HTTP/1.1 requests, however their bytes are split. */
class RequestParserTest {
    private static final SocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40000);
    private static final long MAX = 1024;
    /** A split size meaning "everything in one feed". */
    private static final int WHOLE = Integer.MAX_VALUE;
    private static final String HOST = "Host: example.com\r\n";

    // ---- helpers -----------------------------------------------------------------------------------------

    private static RequestParser parser() {
        return new RequestParser(MAX, REMOTE);
    }

    /** Feeds {@code s} as ISO-8859-1 bytes and checks that the buffer was consumed. */
    private static void feed(RequestParser p, String s) {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(ISO_8859_1));
        p.feed(b);
        assertEquals(0, b.remaining(), "feed must consume its buffer");
    }

    /** Feeds {@code input} in pieces of {@code split} bytes, collecting every request completed on the way. */
    private static List<Request> parse(RequestParser p, String input, int split) {
        byte[] bytes = input.getBytes(ISO_8859_1);
        List<Request> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; ) {
            int n = Math.min(split, bytes.length - i);
            ByteBuffer b = ByteBuffer.wrap(bytes, i, n);
            p.feed(b);
            assertEquals(0, b.remaining());
            i += n;
            for (Request r; (r = p.next()) != null; ) out.add(r);
        }
        return out;
    }

    private static List<Request> parseAll(String input) {
        return parse(parser(), input, WHOLE);
    }

    private static Request parseOne(String input) {
        List<Request> all = parseAll(input);
        assertEquals(1, all.size(), () -> "requests: " + all);
        return all.get(0);
    }

    private static HttpError error(String input, int split, long maxBody) {
        RequestParser p = new RequestParser(maxBody, REMOTE);
        return assertThrows(HttpError.class, () -> parse(p, input, split), "expected an HttpError");
    }

    private static HttpError assertError(int status, String fragment, String input) {
        return assertError(status, fragment, input, MAX);
    }

    private static HttpError assertError(int status, String fragment, String input, long maxBody) {
        HttpError e = error(input, WHOLE, maxBody);
        assertEquals(status, e.status(), e::getMessage);
        assertTrue(e.getMessage().contains(fragment), () -> "message was: " + e.getMessage());
        return e;
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\n" + HOST + "\r\n";
    }

    /** A request with only {@code headerLines} (each ending with CRLF) after the request line. */
    private static String withHeaders(String headerLines) {
        return "GET / HTTP/1.1\r\n" + headerLines + "\r\n";
    }

    private static String post(String headerLines, String body) {
        return "POST /p HTTP/1.1\r\n" + HOST + headerLines + "\r\n" + body;
    }

    private static String describe(Request r) {
        return r.method() + " " + r.rawPath() + " " + r.path() + " ?" + r.rawQuery() + " " + r.version() + " "
                + r.headers().asMap() + " body=" + new String(r.body(), ISO_8859_1);
    }

    private static final int[] SPLITS = {1, 2, 3, 7, WHOLE};

    // ---- basics ------------------------------------------------------------------------------------------

    @Test
    void simpleGet() {
        Request r = parseOne("GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n");
        assertEquals("GET", r.method());
        assertEquals("/index.html", r.path());
        assertEquals("/index.html", r.rawPath());
        assertEquals("", r.rawQuery());
        assertEquals("HTTP/1.1", r.version());
        assertEquals("example.com", r.header("Host"));
        assertEquals("*/*", r.header("Accept"));
        assertEquals(2, r.headers().size());
        assertArrayEquals(new byte[0], r.body());
        assertSame(REMOTE, r.remoteAddress());
        assertTrue(r.queryParams().isEmpty());
        // any token is a method
        assertEquals("PROPFIND", parseOne("PROPFIND / HTTP/1.1\r\n" + HOST + "\r\n").method());
        assertEquals("get", parseOne("get / HTTP/1.1\r\n" + HOST + "\r\n").method());
    }

    @Test
    void requestIsReturnedOnlyOnceTheHeadIsComplete() {
        RequestParser p = parser();
        feed(p, "GET /q?a=1&b=2 HTTP/1.1\r\nHo");
        assertNull(p.next());
        assertTrue(p.partial(), "half a head");
        feed(p, "st: x\r\n");
        assertNull(p.next());
        feed(p, "\r");
        assertNull(p.next());
        assertTrue(p.partial());
        feed(p, "\n");
        Request r = p.next();
        assertNotNull(r);
        assertEquals("/q", r.path());
        assertEquals("a=1&b=2", r.rawQuery());
        assertNull(p.next());
        assertFalse(p.partial());
    }

    @Test
    void leadingCrlfsBeforeTheRequestLineAreIgnored() {
        Request r = parseOne("\r\n\r\n\r\nGET /x HTTP/1.1\r\n" + HOST + "\r\n");
        assertEquals("GET", r.method());
        assertEquals("/x", r.path());
        assertEquals("HTTP/1.1", r.version());
    }

    @Test
    void severalRequestsInOneFeedComeOutInOrder() {
        RequestParser p = parser();
        feed(p, get("/one") + post("Content-Length: 3\r\n", "abc") + "\r\n" + get("/three"));
        Request a = p.next(), b = p.next(), c = p.next();
        assertNull(p.next());
        assertFalse(p.partial());
        assertEquals("/one", a.path());
        assertEquals("POST", b.method());
        assertEquals("abc", new String(b.body(), ISO_8859_1));
        assertEquals("/three", c.path());
    }

    private static final String PIPELINE =
            "GET /a%20b?x=1&y=2 HTTP/1.1\r\nHost: example\r\nX-Multi: 1\r\nx-multi: 2\r\n\r\n"
            + "\r\n"
            + "POST /upload HTTP/1.1\r\nHost: example\r\nContent-Length: 11\r\n\r\nhello\r\n\r\nyo"
            + "PUT /c HTTP/1.1\r\nHost: example\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n"
            + "GET /\u00e9t\u00e9 HTTP/1.0\r\n\r\n".replace("\u00e9", "%C3%A9");

    private static final List<String> PIPELINE_EXPECTED = List.of(
            "GET /a%20b /a b ?x=1&y=2 HTTP/1.1 {Host=[example], X-Multi=[1, 2]} body=",
            "POST /upload /upload ? HTTP/1.1 {Content-Length=[11], Host=[example]} body=hello\r\n\r\nyo",
            "PUT /c /c ? HTTP/1.1 {Host=[example], Transfer-Encoding=[chunked]} body=hello0123456789",
            "GET /%C3%A9t%C3%A9 /\u00e9t\u00e9 ? HTTP/1.0 {} body=");

    @ParameterizedTest(name = "split {0}")
    @ValueSource(ints = {1, 2, 3, 7, WHOLE})
    void everySplitGivesIdenticalResults(int split) {
        RequestParser p = parser();
        List<Request> got = parse(p, PIPELINE, split);
        assertEquals(PIPELINE_EXPECTED, got.stream().map(RequestParserTest::describe).toList());
        assertNull(p.next());
        assertFalse(p.partial());
    }

    static Stream<Arguments> errorCases() {
        return Stream.of(
                Arguments.of(post("Transfer-Encoding: chunked\r\n", "5\r\nhelloXX\r\n0\r\n\r\n"), 400),
                Arguments.of(post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello"), 400),
                Arguments.of(post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400),
                Arguments.of(post("Content-Length: 2000\r\n", ""), 413),
                Arguments.of(post("Transfer-Encoding: chunked\r\n", "400\r\n" + "a".repeat(1024) + "\r\n1\r\nb\r\n0\r\n\r\n"), 413),
                Arguments.of("GET / HTTP/2.0\r\n" + HOST + "\r\n", 505),
                Arguments.of(get("/a#b"), 400),
                Arguments.of("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + HOST + "\r\n", 414),
                Arguments.of(withHeaders(HOST + "X: y\r\n".repeat(100)), 431),
                Arguments.of(post("Transfer-Encoding: gzip\r\n", ""), 400),
                Arguments.of(post("Transfer-Encoding: gzip, chunked\r\n", ""), 501),
                Arguments.of(post("Expect: teapot\r\nContent-Length: 3\r\n", ""), 417));
    }

    @ParameterizedTest
    @MethodSource("errorCases")
    void errorsAreTheSameHoweverTheBytesAreSplit(String input, int status) {
        for (int split : SPLITS) {
            HttpError e = error(input, split, MAX);
            assertEquals(status, e.status(), () -> "split " + split + ": " + e.getMessage());
        }
    }

    @Test
    void largeBodyFedInPiecesIsCopiedExactly() {
        byte[] body = new byte[5000];
        for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 31 + 7);
        String input = post("Content-Length: 5000\r\n", new String(body, ISO_8859_1)) + get("/after");
        RequestParser p = new RequestParser(10_000, REMOTE);
        List<Request> got = parse(p, input, 999);
        assertEquals(2, got.size());
        assertArrayEquals(body, got.get(0).body());
        assertEquals("/after", got.get(1).path());
    }

    // ---- Content-Length ----------------------------------------------------------------------------------

    @Test
    void contentLengthBodyIsReadExactly() {
        RequestParser p = parser();
        feed(p, post("Content-Length: 0\r\n", ""));
        assertEquals(0, p.next().body().length);
        assertFalse(p.partial());

        Request r = parseOne(post("Content-Length: 7\r\nContent-Type: application/octet-stream\r\n", "a\u0000\r\n\u00ffz\n"));
        assertEquals("POST", r.method());
        assertEquals("/p", r.path());
        assertArrayEquals(new byte[] {'a', 0, '\r', '\n', (byte) 0xff, 'z', '\n'}, r.body());
    }

    @Test
    void bodyIsWaitedForAcrossFeeds() {
        RequestParser p = parser();
        feed(p, post("Content-Length: 10\r\n", "01234"));
        assertNull(p.next());
        feed(p, "5678");
        assertNull(p.next());
        feed(p, "9GET");
        Request r = p.next();
        assertEquals("0123456789", new String(r.body(), ISO_8859_1));
        assertNull(p.next());
        assertTrue(p.partial(), "the start of the next request is held");
    }

    @Test
    void contentLengthIsLimitedToMaxBody() {
        List<Request> got = parse(new RequestParser(16, REMOTE), post("Content-Length: 16\r\n", "0123456789abcdef"), WHOLE);
        assertEquals(1, got.size());
        assertEquals("0123456789abcdef", new String(got.get(0).body(), ISO_8859_1), "exactly maxBody is accepted");
        // One more is refused as soon as the head is parsed, before any of the body arrives.
        RequestParser p = new RequestParser(16, REMOTE);
        feed(p, post("Content-Length: 17\r\n", ""));
        HttpError e = assertThrows(HttpError.class, p::next);
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("larger than the server accepts (16 bytes)"), e.getMessage());
    }

    @Test
    void repeatedIdenticalContentLengthIsAccepted() {
        Request r = parseOne(post("Content-Length: 3\r\nContent-Length: 3\r\n", "abc"));
        assertEquals("abc", new String(r.body(), ISO_8859_1));
        assertEquals(List.of("3", "3"), r.headers().getAll("content-length"));
        Request list = parseOne(post("Content-Length: 3, 3\r\n", "xyz"));
        assertEquals("xyz", new String(list.body(), ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 3\r\nContent-Length: 4\r\n", "Content-Length: 3, 4\r\n",
                            "Content-Length: 4\r\ncontent-length: 3\r\n"})
    void differingContentLengthsAre400(String lines) {
        assertError(400, "differing Content-Length", post(lines, "abcd"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "", "+5", "1.0", "0x10", "5 5", "1234567890123456789"})
    void invalidContentLengthIs400(String value) {
        assertError(400, "invalid Content-Length", post("Content-Length: " + value + "\r\n", "hello"));
    }

    // ---- chunked -----------------------------------------------------------------------------------------

    @Test
    void chunkedBodyWithSeveralChunks() {
        Request r = parseOne(post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n"));
        assertEquals("hello world", new String(r.body(), ISO_8859_1));
        assertEquals("chunked", r.header("transfer-encoding"));
    }

    @Test
    void chunkExtensionsAreIgnored() {
        Request r = parseOne(post("Transfer-Encoding: chunked\r\n",
                "5;name=val\r\nhello\r\n3 ; a=\"b;c\"\r\nabc\r\n0;last\r\n\r\n"));
        assertEquals("helloabc", new String(r.body(), ISO_8859_1));
    }

    @Test
    void chunkSizesAreHexadecimalInEitherCase() {
        String sixteen = "0123456789abcdef";
        Request r = parseOne(post("Transfer-Encoding: Chunked\r\n",
                "A\r\n0123456789\r\n10\r\n" + sixteen + "\r\n1a\r\n" + "z".repeat(26) + "\r\n1F\r\n"
                + "y".repeat(31) + "\r\n0\r\n\r\n"));
        assertEquals(10 + 16 + 26 + 31, r.body().length);
        assertEquals("0123456789" + sixteen + "z".repeat(26) + "y".repeat(31), new String(r.body(), ISO_8859_1));
    }

    @Test
    void trailersAreReadAndIgnored() {
        RequestParser p = parser();
        List<Request> got = parse(p, post("Transfer-Encoding: chunked\r\n",
                "3\r\nabc\r\n0\r\nX-Checksum: 123\r\nX-Other: y\r\n\r\n") + get("/next"), WHOLE);
        assertEquals(2, got.size());
        Request r = got.get(0);
        assertEquals("abc", new String(r.body(), ISO_8859_1));
        assertFalse(r.headers().contains("X-Checksum"));
        assertEquals("/next", got.get(1).path());
    }

    @Test
    void chunkDataMustEndWithALineEnd() {
        assertError(400, "a chunk's data does not end with CRLF",
                post("Transfer-Encoding: chunked\r\n", "5\r\nhelloX\r\n0\r\n\r\n"));
        assertError(400, "a chunk's data does not end with CRLF",
                post("Transfer-Encoding: chunked\r\n", "5\r\nhelloX\n0\r\n\r\n"));
    }

    // ---- bare LF line ends (RFC 9112 section 2.2: a recipient MAY recognize a single LF as a line terminator)

    /** The pipeline above with every CRLF of the wire a bare LF, and then with CRLF and LF mixed line by line. */
    private static final String PIPELINE_LF = PIPELINE.replace("\r\n", "\n");

    private static String mixedLineEnds(String crlfInput) {
        StringBuilder b = new StringBuilder();
        String[] lines = crlfInput.split("\r\n", -1);
        for (int i = 0; i < lines.length; i++) {
            b.append(lines[i]);
            if (i < lines.length - 1) b.append(i % 2 == 0 ? "\n" : "\r\n");
        }
        return b.toString();
    }

    @ParameterizedTest(name = "split {0}")
    @ValueSource(ints = {1, 2, 3, 7, WHOLE})
    void bareLfEndsLinesOfTheHeadAndOfChunks(int split) {
        // The POST's body holds CRLFs of its own: as bytes of a body, they are kept as they are.
        List<String> expected = new ArrayList<>(PIPELINE_EXPECTED);
        expected.set(1, expected.get(1).replace("hello\r\n\r\nyo", "hello\n\nyo").replace("=[11]", "=[9]"));
        String lf = PIPELINE_LF.replace("Content-Length: 11", "Content-Length: 9");
        RequestParser p = parser();
        assertEquals(expected, parse(p, lf, split).stream().map(RequestParserTest::describe).toList());
        assertFalse(p.partial());

        String mixed = mixedLineEnds(PIPELINE);
        int bodyAt = mixed.indexOf("hello"), bodyEnd = mixed.indexOf("yo") + 2;
        String body = mixed.substring(bodyAt, bodyEnd);
        mixed = mixed.replace("Content-Length: 11", "Content-Length: " + body.length());
        List<String> expectedMixed = new ArrayList<>(PIPELINE_EXPECTED);
        expectedMixed.set(1, expectedMixed.get(1).replace("hello\r\n\r\nyo", body).replace("=[11]", "=[" + body.length() + "]"));
        RequestParser q = parser();
        assertEquals(expectedMixed, parse(q, mixed, split).stream().map(RequestParserTest::describe).toList());
        assertFalse(q.partial());
    }

    @Test
    void aRequestEndingInBareLfsIsCompleteAtItsEmptyLine() {
        RequestParser p = parser();
        feed(p, "GET /lf HTTP/1.1\nHost: x\n");
        assertNull(p.next());
        assertTrue(p.partial());
        feed(p, "\n");
        Request r = p.next();
        assertNotNull(r, "LF LF ends the head");
        assertEquals("/lf", r.path());
        assertEquals("x", r.header("Host"));
        assertFalse(p.partial());
        // The empty line may be CRLF after an LF-ended field, and LF after a CRLF-ended one.
        assertEquals("/a", parseOne("GET /a HTTP/1.1\nHost: x\n\r\n").path());
        assertEquals("/b", parseOne("GET /b HTTP/1.1\r\nHost: x\r\n\n").path());
        // Leading empty lines before the request line, either way.
        assertEquals("/c", parseOne("\n\r\n\nGET /c HTTP/1.1\nHost: x\n\n").path());
    }

    @Test
    void aBareCrIsStillRefusedWhereverItIs() {
        for (String input : List.of(
                "GET /x HTTP/1.1\rHost: x\n\n",          // CR alone ending the request line
                "GET /x HTTP/1.1\nHost: x\r\r\n\n",     // CR CR LF
                "GET /x HTTP/1.1\nHost: x\nX: a\rb\n\n", // inside a value
                "GET /x HTTP/1.1\nHost: x\n\r\r\n\n")) { // a CR before a CRLF, then the empty line
            for (int split : SPLITS) {
                HttpError e = error(input, split, MAX);
                assertEquals(400, e.status(), () -> "split " + split + ": " + e.getMessage() + " for " + input);
            }
        }
        for (String chunks : List.of("5\rhello\n0\n\n", "5;a\rb\nhello\n0\n\n", "5\nhello\r\r\n0\n\n", "5\nhello\n0\nX: a\rb\n\n")) {
            for (int split : SPLITS) {
                HttpError e = error(post("Transfer-Encoding: chunked\n", chunks), split, MAX);
                assertEquals(400, e.status(), () -> "split " + split + ": " + e.getMessage() + " for " + chunks);
            }
        }
    }

    @Test
    void anLfInsideAValueEndsTheLineSoWhatFollowsMustBeAField() {
        assertError(400, "malformed header line: b", withHeaders(HOST + "X-Bad: a\nb\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"g", "0x5", "", "-1", "+5", ";ext", "5 5", "1234567890123456"})
    void invalidChunkSizeIs400(String size) {
        assertError(400, "invalid chunk size", post("Transfer-Encoding: chunked\r\n", size + "\r\nhello\r\n0\r\n\r\n"));
    }

    @Test
    void chunkedBodyIsLimitedToMaxBody() {
        RequestParser exact = new RequestParser(8, REMOTE);
        List<Request> got = parse(exact, post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"), 1);
        assertEquals(1, got.size());
        assertEquals("helloabc", new String(got.get(0).body(), ISO_8859_1), "exactly maxBody is accepted");

        // The second chunk would take the total to 9 > 8: refused from its size line, before its data.
        RequestParser p = new RequestParser(8, REMOTE);
        feed(p, post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n4\r\n"));
        HttpError e = assertThrows(HttpError.class, p::next);
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("(8 bytes)"), e.getMessage());
        // A single chunk announced larger than the limit.
        assertError(413, "larger than the server accepts", post("Transfer-Encoding: chunked\r\n", "FFFFFF\r\n"), 8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "chunked, chunked", "gzip\r\nTransfer-Encoding: chunked"})
    void codingsBeforeChunkedAre501(String te) {
        HttpError e = assertError(501, "only the chunked transfer coding is supported",
                post("Transfer-Encoding: " + te + "\r\n", "0\r\n\r\n"));
        assertTrue(e.getMessage().contains(te.split("[,\r]")[0]), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "chunked, gzip", "identity"})
    void aLastCodingOtherThanChunkedIs400(String te) {
        // RFC 9112 6.3: the body's length cannot be determined
        assertError(400, "the last transfer coding must be chunked", post("Transfer-Encoding: " + te + "\r\n", "0\r\n\r\n"));
    }

    @Test
    void transferEncodingInHttp10Is400() {
        assertError(400, "not defined for HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    }

    @Test
    void transferEncodingWithContentLengthIs400() {
        assertError(400, "both Transfer-Encoding and Content-Length",
                post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"));
        assertError(400, "both Transfer-Encoding and Content-Length",
                post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"));
    }

    @Test
    void emptyTransferEncodingWithContentLengthIs400() {
        assertError(400, "Transfer-Encoding", post("Transfer-Encoding:\r\nContent-Length: 5\r\n", "hello"));
    }

    // ---- request line ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"GET", "GET /", "GET  / HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1",
                            "GET / HTTP/1.1 extra", "GET /  HTTP/1.1"})
    void malformedRequestLineIs400(String line) {
        assertError(400, "malformed request line", line + "\r\n" + HOST + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GE(T", "G\"ET", "GET@", "G\u00c9T", "GE\u0001T", "GE/T"})
    void invalidMethodCharacterIs400(String method) {
        assertError(400, "invalid method", method + " / HTTP/1.1\r\n" + HOST + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/3.0"})
    void unsupportedVersionIs505(String version) {
        HttpError e = assertError(505, "only HTTP/1.0 and HTTP/1.1 are served", "GET / " + version + "\r\n" + HOST + "\r\n");
        assertTrue(e.getMessage().endsWith(version), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1x", "FOO", "http/1.1", "HTTP/11", "HTTP/1", "HTTP/1.", "HTTP/10.0", "HTTP/a.b"})
    void malformedVersionIs400(String version) {
        assertError(400, "malformed HTTP version", "GET / " + version + "\r\n" + HOST + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"index.html", "a/b", "?q=1", "ftp://host/x", "host:443"})
    void targetNotStartingWithSlashIs400(String target) {
        assertError(400, "the request target must start with /", get(target));
    }

    @Test
    void asteriskTargetOnlyWithOptions() {
        Request r = parseOne("OPTIONS * HTTP/1.1\r\n" + HOST + "\r\n");
        assertEquals("OPTIONS", r.method());
        assertEquals("*", r.path());
        assertEquals("*", r.rawPath());
        assertEquals("", r.rawQuery());
        assertError(400, "the target * is for OPTIONS only", get("*"));
    }

    @Test
    void absoluteFormKeepsPathAndQuery() {
        Request r = parseOne(get("http://host/x?y=1"));
        assertEquals("/x", r.path());
        assertEquals("/x", r.rawPath());
        assertEquals("y=1", r.rawQuery());
        assertEquals("1", r.queryParam("y"));

        Request s = parseOne(get("https://user@host:8443/a%20b/c?q"));
        assertEquals("/a b/c", s.path());
        assertEquals("/a%20b/c", s.rawPath());
        assertEquals("q", s.rawQuery());

        Request root = parseOne(get("http://host"));
        assertEquals("/", root.path());
        assertEquals("", root.rawQuery());
    }

    @Test
    void absoluteFormWithoutPathKeepsTheQuery() {
        Request r = parseOne(get("http://host?y=1"));
        assertEquals("/", r.path());
        assertEquals("y=1", r.rawQuery());

        Request s = parseOne(get("http://host?a=/b"));
        assertEquals("/", s.path());
        assertEquals("a=/b", s.rawQuery());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a#frag", "/#", "/a?b=1#c", "http://host/x#y"})
    void fragmentInTargetIs400(String target) {
        assertError(400, "must not hold a fragment (#)", get(target));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\u0001b", "/a\u007fb", "/\u00e9", "/a\tb", "/\u0000", "/a\u001bb"})
    void controlOrNonAsciiCharacterInTargetIs400(String target) {
        HttpError e = assertError(400, "invalid character in the request target", get(target));
        assertFalse(e.getMessage().chars().anyMatch(c -> c < ' ' || c == 0x7f), "message escapes control characters");
    }

    @Test
    void requestLineIsLimitedTo8190Bytes() {
        String path = "/" + "a".repeat(RequestParser.MAX_LINE - "GET ".length() - 1 - " HTTP/1.1".length());
        String line = "GET " + path + " HTTP/1.1";
        assertEquals(8190, line.length());
        assertEquals(path, parseOne(line + "\r\n" + HOST + "\r\n").path());
        String longer = "GET /" + "a".repeat(8190 - 14 + 1) + " HTTP/1.1";
        assertEquals(8191, longer.length());
        assertError(414, "the request line is longer than 8190 bytes", longer + "\r\n" + HOST + "\r\n");
    }

    @Test
    void requestLineLongerThan8190BytesIs414BeforeItsCrlfArrives() {
        RequestParser p = parser();
        feed(p, "GET /" + "a".repeat(8000));
        assertNull(p.next());
        feed(p, "a".repeat(500));
        HttpError e = assertThrows(HttpError.class, p::next);
        assertEquals(414, e.status());
        assertTrue(e.getMessage().contains("longer than 8190"), e.getMessage());
    }

    // ---- headers -----------------------------------------------------------------------------------------

    @Test
    void headerLookupIsCaseInsensitive() {
        Request r = parseOne(withHeaders("host: h\r\ncontent-TYPE: text/plain\r\nX-ABC: v\r\n"));
        assertEquals("text/plain", r.header("Content-Type"));
        assertEquals("text/plain", r.headers().get("CONTENT-TYPE"));
        assertEquals("v", r.header("x-abc"));
        assertTrue(r.headers().contains("HOST"));
        assertNull(r.header("X-Missing"));
        assertEquals(List.of(), r.headers().getAll("X-Missing"));
    }

    @Test
    void repeatedHeadersAreKeptInOrder() {
        Request r = parseOne(withHeaders(HOST + "Accept: a\r\nX-A: 1\r\naccept: b\r\nx-a: 2\r\nX-A: 3\r\n"));
        assertEquals(List.of("1", "2", "3"), r.headers().getAll("X-A"));
        assertEquals(List.of("a", "b"), r.headers().getAll("ACCEPT"));
        assertEquals("1", r.header("x-a"));
        assertEquals(3, r.headers().size());
    }

    @Test
    void optionalWhitespaceAroundValuesIsTrimmed() {
        Request r = parseOne(withHeaders(HOST + "A:   spaced  value \t\r\nB:\tv\t\r\nC:\r\nD:x\r\nE: \u00e9t\u00e9\r\n"));
        assertEquals("spaced  value", r.header("A"));
        assertEquals("v", r.header("B"));
        assertEquals("", r.header("C"));
        assertEquals("x", r.header("D"));
        assertEquals("\u00e9t\u00e9", r.header("E"), "obs-text bytes are kept as ISO-8859-1");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "'X: a\r\n b'     | obsolete line folding",
        "'X: a\r\n\tb'    | obsolete line folding",
        "' X: a'          | obsolete line folding",
        "'NoColonHere'    | malformed header line",
        "': value'        | malformed header line",
        "'Host : x'       | invalid header name",
        "'X\t: y'         | invalid header name",
        "'X Y: z'         | invalid header name",
        "'X(: y'          | invalid header name",
        "'X\u00e9: y'     | invalid header name",
    })
    void malformedHeaderLineIs400(String line, String fragment) {
        assertError(400, fragment, withHeaders(HOST + line + "\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\u0001", "a\u007fb", "a\rb", "\u001b[0m"})
    void controlCharacterInHeaderValueIs400(String value) {
        assertError(400, "invalid character in header X-Bad", withHeaders(HOST + "X-Bad: " + value + "\r\n"));
    }

    /** A complete head of exactly {@code total} bytes (CRLFCRLF included), padded with header lines. */
    private static String headOfSize(int total) {
        StringBuilder b = new StringBuilder("GET / HTTP/1.1\r\n" + HOST);
        for (int i = 0; ; i++) {
            String name = "F" + i + ": ";
            int room = total - b.length() - 2 - name.length() - 2;
            if (room <= 8000) {
                b.append(name).append("a".repeat(room)).append("\r\n");
                break;
            }
            b.append(name).append("a".repeat(8000)).append("\r\n");
        }
        b.append("\r\n");
        assertEquals(total, b.length());
        return b.toString();
    }

    @Test
    void headerSectionIsLimitedTo64KiB() {
        Request r = parseOne(headOfSize(RequestParser.MAX_HEAD));
        assertEquals("example.com", r.header("Host"));
        assertError(431, "the request's header is longer than 65536 bytes", headOfSize(RequestParser.MAX_HEAD + 1));

        // Refused as soon as more than 64 KiB arrived, before the end of the head.
        RequestParser p = parser();
        feed(p, "GET / HTTP/1.1\r\n" + HOST);
        for (int i = 0; i < 8; i++) {
            feed(p, "F" + i + ": " + "a".repeat(8000) + "\r\n");
            assertNull(p.next());
        }
        feed(p, "G: " + "a".repeat(2000));
        HttpError e = assertThrows(HttpError.class, p::next);
        assertEquals(431, e.status());
        assertTrue(e.getMessage().contains("header is longer than 65536"), e.getMessage());
    }

    @Test
    void hundredFieldsAreAcceptedAndMoreAre431() {
        Request r = parseOne(withHeaders(HOST + "X: y\r\n".repeat(99)));
        assertEquals(99, r.headers().getAll("x").size());
        assertError(431, "more than 100 header fields", withHeaders(HOST + "X: y\r\n".repeat(100)));
    }

    @Test
    void headerLineOver8190BytesIs431() {
        String ok = "X: " + "v".repeat(8190 - 3);
        assertEquals(8190, ok.length());
        assertEquals(8187, parseOne(withHeaders(HOST + ok + "\r\n")).header("X").length());
        assertError(431, "a header line is longer than 8190 bytes", withHeaders(HOST + ok + "v\r\n"));
    }

    @Test
    void hostIsRequiredInHttp11Only() {
        assertError(400, "must have a Host header", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
        assertEquals("", parseOne("GET / HTTP/1.1\r\nHost:\r\n\r\n").header("Host"), "an empty Host is allowed");
        Request r = parseOne("GET /old HTTP/1.0\r\nAccept: */*\r\n\r\n");
        assertEquals("HTTP/1.0", r.version());
        assertEquals("/old", r.path());
        assertNull(r.header("Host"));
    }

    @Test
    void twoHostHeadersAre400() {
        assertError(400, "Host", "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
    }

    // ---- percent-decoding --------------------------------------------------------------------------------

    @Test
    void pathIsPercentDecodedAndRawPathKept() {
        Request r = parseOne(get("/a%20b/c%2Fd+e?x=%20"));
        assertEquals("/a b/c/d+e", r.path(), "+ is not a space in a path");
        assertEquals("/a%20b/c%2Fd+e", r.rawPath());
        assertEquals("x=%20", r.rawQuery());
        Request u = parseOne(get("/caf%C3%A9/%e2%82%ac"));
        assertEquals("/caf\u00e9/\u20ac", u.path());
        assertEquals("/caf%C3%A9/%e2%82%ac", u.rawPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%zz", "/a%2", "/a%", "/%g0", "/%0g"})
    void invalidPercentEscapeIs400(String target) {
        assertError(400, "invalid percent-escape in the path", get(target));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%FF", "/%C3", "/%C3%28", "/%80", "/%ED%A0%80"})
    void invalidUtf8IsRefused400(String target) {
        assertError(400, "the path is not UTF-8 once decoded", get(target));
    }

    @Test
    void queryParamsAreDecoded() {
        Request r = parseOne(get("/s?a=1&b=x+y%2Bz&a=%C3%A9&c&&d=&e=a=b"));
        assertEquals("a=1&b=x+y%2Bz&a=%C3%A9&c&&d=&e=a=b", r.rawQuery());
        Map<String, List<String>> q = r.queryParams();
        assertEquals(List.of("a", "b", "c", "d", "e"), List.copyOf(q.keySet()));
        assertEquals(List.of("1", "\u00e9"), q.get("a"));
        assertEquals(List.of("x y+z"), q.get("b"));
        assertEquals(List.of(""), q.get("c"));
        assertEquals(List.of(""), q.get("d"));
        assertEquals(List.of("a=b"), q.get("e"));
        assertEquals("1", r.queryParam("a"));
        assertNull(r.queryParam("zzz"));
        assertThrows(UnsupportedOperationException.class, () -> q.put("new", List.of()));
    }

    @Test
    void badQueryEscapeIs400OnlyWhenTheQueryIsRead() {
        Request r = parseOne(get("/s?a=%zz"));
        assertEquals("a=%zz", r.rawQuery());
        HttpError e = assertThrows(HttpError.class, r::queryParams);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("invalid percent-escape in the query"), e.getMessage());
        HttpError utf = assertThrows(HttpError.class, parseOne(get("/s?x=%FF"))::queryParams);
        assertEquals(400, utf.status());
        assertTrue(utf.getMessage().contains("not UTF-8"), utf.getMessage());
    }

    // ---- Expect: 100-continue ----------------------------------------------------------------------------

    private static final String EXPECTING_HEAD = "POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";

    @Test
    void expectContinueBeforeTheBodyIsTakenOnce() {
        RequestParser p = parser();
        assertFalse(p.takeContinue());
        feed(p, EXPECTING_HEAD);
        assertNull(p.next());
        assertTrue(p.takeContinue());
        assertFalse(p.takeContinue());
        feed(p, "hel");
        assertNull(p.next());
        assertFalse(p.takeContinue());
        feed(p, "lo");
        Request r = p.next();
        assertEquals("hello", new String(r.body(), ISO_8859_1));
        assertEquals("100-continue", r.header("Expect"));
        assertFalse(p.takeContinue());
    }

    @Test
    void expectContinueWhileTheBodyIsIncomplete() {
        RequestParser part = parser();
        feed(part, EXPECTING_HEAD + "he");
        assertNull(part.next());
        assertTrue(part.takeContinue(), "part of the body is not the body");

        RequestParser upper = parser();
        feed(upper, EXPECTING_HEAD.replace("100-continue", "100-Continue"));
        assertNull(upper.next());
        assertTrue(upper.takeContinue(), "the expectation is case-insensitive");

        RequestParser chunked = parser();
        feed(chunked, EXPECTING_HEAD.replace("Content-Length: 5", "Transfer-Encoding: chunked"));
        assertNull(chunked.next());
        assertTrue(chunked.takeContinue());
        feed(chunked, "2\r\nok\r\n0\r\n\r\n");
        assertEquals("ok", new String(chunked.next().body(), ISO_8859_1));
        assertFalse(chunked.takeContinue());
    }

    @Test
    void expectContinueWithTheBodyInTheSameFeedIsNotWanted() {
        RequestParser p = parser();
        feed(p, EXPECTING_HEAD + "hello");
        assertEquals("hello", new String(p.next().body(), ISO_8859_1));
        assertFalse(p.takeContinue());

        RequestParser empty = parser();
        feed(empty, EXPECTING_HEAD.replace("Content-Length: 5", "Content-Length: 0"));
        assertNotNull(empty.next());
        assertFalse(empty.takeContinue(), "nothing to wait for with an empty body");
    }

    @Test
    void unknownExpectationIs417() {
        HttpError e = assertError(417, "unknown expectation: teapot", EXPECTING_HEAD.replace("100-continue", "teapot"));
        assertNotNull(e);
        assertError(417, "unknown expectation", EXPECTING_HEAD.replace("100-continue", "100-continue, foo"));
    }

    @Test
    void http10IgnoresExpect() {
        RequestParser p = parser();
        feed(p, EXPECTING_HEAD.replace("HTTP/1.1", "HTTP/1.0"));
        assertNull(p.next());
        assertFalse(p.takeContinue());
        feed(p, "hello");
        assertNotNull(p.next());

        RequestParser q = parser();
        feed(q, EXPECTING_HEAD.replace("HTTP/1.1", "HTTP/1.0").replace("100-continue", "teapot"));
        assertNull(q.next(), "no 417 for HTTP/1.0");
        assertFalse(q.takeContinue());
    }

    @ParameterizedTest(name = "split {0}")
    @ValueSource(ints = {1, 2, 3, 7, WHOLE})
    void unknownExpectationIs417HoweverSplit(int split) {
        String withBody = EXPECTING_HEAD.replace("100-continue", "teapot") + "hello";
        assertEquals(417, error(withBody, split, MAX).status());
    }

    // ---- partial() ---------------------------------------------------------------------------------------

    @Test
    void partialIsFalseOnAFreshParserAndAfterACompleteRequest() {
        RequestParser p = parser();
        assertFalse(p.partial());
        assertNull(p.next());
        assertFalse(p.partial());
        feed(p, get("/"));
        assertNotNull(p.next());
        assertFalse(p.partial());
        feed(p, post("Content-Length: 2\r\n", "ok"));
        assertNotNull(p.next());
        assertFalse(p.partial());
    }

    @Test
    void partialIsTrueWithHalfABody() {
        RequestParser p = parser();
        feed(p, post("Content-Length: 4\r\n", ""));
        assertNull(p.next());
        assertTrue(p.partial(), "head read, body missing");
        feed(p, "ab");
        assertNull(p.next());
        assertTrue(p.partial());
        feed(p, "cd");
        assertNotNull(p.next());
        assertFalse(p.partial());

        RequestParser c = parser();
        feed(c, post("Transfer-Encoding: chunked\r\n", "2\r\nab\r\n"));
        assertNull(c.next());
        assertTrue(c.partial(), "chunked body not finished");
        feed(c, "0\r\n\r\n");
        assertNotNull(c.next());
        assertFalse(c.partial());
    }

    // ---- keep-alive --------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} Connection: {1} -> {2}")
    @CsvSource({
        "HTTP/1.1, , true",
        "HTTP/1.1, close, false",
        "HTTP/1.1, Close, false",
        "HTTP/1.1, keep-alive, true",
        "HTTP/1.1, 'Upgrade, close', false",
        "HTTP/1.1, 'close , Upgrade', false",
        "HTTP/1.1, 'Upgrade, keep-alive', true",
        "HTTP/1.1, closed, true",
        "HTTP/1.0, , false",
        "HTTP/1.0, keep-alive, true",
        "HTTP/1.0, Keep-Alive, true",
        "HTTP/1.0, 'Upgrade, keep-alive', true",
        "HTTP/1.0, close, false",
        "HTTP/1.0, keep-alives, false",
    })
    void keepAliveFollowsVersionAndConnection(String version, String connection, boolean expected) {
        String head = "GET / " + version + "\r\n" + HOST + (connection == null ? "" : "Connection: " + connection + "\r\n") + "\r\n";
        assertEquals(expected, parseOne(head).keepAlive());
    }

    @Test
    void keepAliveReadsEveryConnectionLine() {
        assertFalse(parseOne(withHeaders(HOST + "Connection: keep-alive\r\nConnection: close\r\n")).keepAlive());
        assertTrue(parseOne("GET / HTTP/1.0\r\nConnection: Upgrade\r\nConnection: keep-alive\r\n\r\n").keepAlive());
    }

    // ---- 100 Continue, a bare CR in chunk lines, the trailer count, a declared body's memory ---------------

    @Test
    void theParserOwesNoContinueForAChunkedBodyThatArrivedWithItsHead() {
        RequestParser p = new RequestParser(1024, null);
        p.feed(ByteBuffer.wrap(("POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nok\r\n0\r\n\r\n").getBytes(ISO_8859_1)));
        assertEquals("ok", new String(p.next().body(), ISO_8859_1));
        assertFalse(p.takeContinue(), "the body is here: nothing to invite");
    }

    /**
     * RFC 9112 section 2.2: a recipient MUST treat a bare CR as invalid (or as SP). The head refused one, but the
     * lines of a chunked body did not: a chunk extension or a trailer field holding a bare CR was accepted, where a
     * front end taking a bare CR for a line end would end the message somewhere else (request smuggling).
     */
    @Test
    void aBareCrInAChunkLineOrTrailerIs400() {
        String head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (String body : List.of("5;e\rx\r\nhello\r\n0\r\n\r\n", "0;e=\"a\rb\"\r\n\r\n",
                "0\r\nX: a\rb\r\n\r\n", "0\r\nX\r\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")) {
            HttpError e = assertThrows(HttpError.class, () -> parseAll(head + body), () -> "accepted: " + body);
            assertEquals(400, e.status());
        }
        assertEquals("hello", new String(parseAll(head + "5;e=x\r\nhello\r\n0\r\nX: a\tb\r\n\r\n").get(0).body(),
                ISO_8859_1), "extensions and trailers without a bare CR are still fine");
    }

    /** MAX_FIELDS counted the empty line ending the trailers as a field: 100 trailer fields were refused. */
    @Test
    void hundredTrailerFieldsAreAccepted() {
        String head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
        assertEquals(1, parseAll(head + "T: v\r\n".repeat(RequestParser.MAX_FIELDS) + "\r\n").size());
        HttpError e = assertThrows(HttpError.class,
                () -> parseAll(head + "T: v\r\n".repeat(RequestParser.MAX_FIELDS + 1) + "\r\n"));
        assertEquals(431, e.status());
    }

    /**
     * The parser allocated the whole declared Content-Length when the head arrived: a client sending three header
     * lines made the server reserve clientMaxSize bytes (1 MiB by default, any int if configured) per connection
     * before a byte of body came.
     */
    @Test
    void aDeclaredBodyIsNotReservedBeforeItArrives() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RequestParser p = new RequestParser(512L << 20, null);
        long before = mx.getCurrentThreadAllocatedBytes();
        p.feed(ByteBuffer.wrap("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 400000000\r\n\r\n0123".getBytes(ISO_8859_1)));
        assertNull(p.next());
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 8 << 20, "allocated " + allocated + " bytes for a 4-byte start of body");

        // and a body fed in uneven pieces still comes out exact
        byte[] body = new byte[300_001];
        for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 7);
        RequestParser q = new RequestParser(1 << 20, null);
        q.feed(ByteBuffer.wrap(("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(ISO_8859_1)));
        List<Request> got = new ArrayList<>();
        for (int i = 0, n = 1; i < body.length; i += n, n = n * 3 % 9000 + 1) {
            q.feed(ByteBuffer.wrap(body, i, Math.min(n, body.length - i)));
            for (Request r; (r = q.next()) != null; ) got.add(r);
        }
        assertEquals(1, got.size());
        assertArrayEquals(body, got.get(0).body());
    }
}
