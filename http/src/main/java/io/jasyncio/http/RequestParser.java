package io.jasyncio.http;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the bytes of one connection into {@link Request}s, however the bytes are split (HTTP/1.1, RFC 9112):
 * request line, header fields, then a body framed by {@code Content-Length} or chunked transfer coding. Lines
 * end in CRLF or a bare LF (RFC 9112 section 2.2 lets a recipient accept LF); a bare CR is refused.
 * Anything malformed, ambiguous (both framings, differing lengths: request smuggling) or over a limit is an
 * {@link HttpError} with the status to answer, after which the connection must be closed.
 *
 * <p>Two modes. Buffered (tests, and what the first constructor makes): each request is returned with its whole
 * body, of at most {@code maxBody} bytes. Streaming (a server's connection): a small Content-Length body is still
 * read whole first, but a larger or chunked one is handed to the request's {@link RequestContent} as it arrives, the
 * request being returned as soon as its head is read, so a handler can take a body of any size in bounded memory.
 *
 * <p>Threading: one parser per connection, used on the loop's thread.
 */
final class RequestParser {
    /** aiohttp's {@code max_line_size} and {@code max_field_size}: the longest request line or header line. */
    static final int MAX_LINE = 8190;
    /** The most header bytes one request may send. */
    static final int MAX_HEAD = 64 * 1024;
    /** The most header fields one request may send. */
    static final int MAX_FIELDS = 100;
    /**
     * The most body bytes reserved before they arrive: a larger body grows as it comes, so a head declaring a
     * large Content-Length costs no memory until the body is actually sent.
     */
    private static final int BODY_RESERVE = 16 * 1024;
    /**
     * In streaming mode, the largest body read whole before its request is returned (a Content-Length up to
     * this and the body limit); a larger or chunked body is streamed to the request's {@link RequestContent}.
     */
    static final int BUFFERED_MAX = 64 * 1024;

    private enum State { HEAD, BODY, STREAM, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS }

    private final long maxBody;
    private final SocketAddress remote;
    /** Streaming mode (a server's connection): the loop and listener of the body readers made; null: buffered mode. */
    private final io.jasyncio.EventLoop loop;
    private final RequestContent.Listener listener;
    /** The body being streamed to a request already returned, or null. */
    private RequestContent streaming;
    /** The bytes of a streamed Content-Length body still to come. */
    private long streamLeft;
    private byte[] buf = new byte[1024];
    private int start;
    private int end;
    /** Where the search for the end of the head resumes, so a head arriving byte by byte is scanned once. */
    private int scanned;
    private State state = State.HEAD;

    // The request being read.
    private String method, rawPath, path, rawQuery, version;
    private Headers headers;
    private byte[] body;
    private int bodyLength;
    /** The Content-Length of the body being read (state BODY). */
    private int bodyExpected;
    private long chunkLeft;
    private int trailers;
    private boolean continueWanted;
    private long completed;
    private int headBytes;

    /** Buffered mode: every request is returned with its whole body, of at most {@code maxBody} bytes. */
    RequestParser(long maxBody, SocketAddress remote) {
        this(maxBody, remote, null, null);
    }

    /**
     * Streaming mode (with a {@code listener}): a body of up to {@link #BUFFERED_MAX} and {@code maxBody} bytes
     * announced by Content-Length is read whole first, as in buffered mode; any other body (larger, or chunked)
     * is streamed: its request is returned as soon as its head is read, with a {@link RequestContent} fed as the bytes
     * come, and no limit here (the limit is the reader's, when the handler reads the whole body).
     */
    RequestParser(long maxBody, SocketAddress remote, io.jasyncio.EventLoop loop, RequestContent.Listener listener) {
        this.maxBody = maxBody;
        this.remote = remote;
        this.loop = loop;
        this.listener = listener;
    }

    /** The body being streamed to a request already returned, or null. */
    RequestContent streamingBody() {
        return streaming;
    }

    /** Feeds the streamed body, if any, what has arrived of it, and parses nothing after it. */
    void pumpBody() {
        if (streaming != null) pumpStream();
    }

    /** Adds received bytes, consuming {@code data}. */
    void feed(ByteBuffer data) {
        if (streaming != null && state == State.STREAM && start == end) {
            // The body streamed by length goes straight to its reader: the parser's buffer stays small.
            int k = (int) Math.min(streamLeft, data.remaining());
            byte[] piece = new byte[k];
            data.get(piece);
            streaming.feedOwned(piece);
            streamLeft -= k;
            if (streamLeft == 0) endStream();
            if (!data.hasRemaining()) return;
        }
        int n = data.remaining();
        if (buf.length - end < n) {
            int live = end - start;
            if (buf.length - live >= n && start > 0) {
                System.arraycopy(buf, start, buf, 0, live);
            } else {
                buf = Arrays.copyOfRange(buf, start, start + Math.max(live + n, 2 * buf.length));
            }
            scanned -= start;
            end = live;
            start = 0;
        }
        data.get(buf, end, n);
        end += n;
    }

    /** Whether bytes of a request not yet complete have been received. */
    boolean partial() {
        return state != State.HEAD || end > start;
    }

    /** Where the request being received is: nothing of it yet, part of its head, or its head and part of its body. */
    enum Stage { NONE, HEAD, BODY }

    Stage stage() {
        return state != State.HEAD ? Stage.BODY : end > start ? Stage.HEAD : Stage.NONE;
    }

    /** How many requests this parser has completed: tells one request's head from the next one's. */
    long completed() {
        return completed;
    }

    /** The bytes received and not yet part of a request returned by {@link #next()}. */
    long pendingBytes() {
        return end - start + (body == null ? 0 : bodyLength);
    }

    /** The heap this parser holds: its buffer of bytes not yet parsed and the body being read. */
    long heldBytes() {
        return buf.length + (body == null ? 0 : body.length);
    }

    /** Takes the bytes received after the last request (another protocol's, after a switch); empties the parser. */
    ByteBuffer takeRemaining() {
        ByteBuffer rest = ByteBuffer.wrap(Arrays.copyOfRange(buf, start, end));
        start = end = scanned = 0;
        return rest;
    }

    /**
     * Lets a buffer grown by a large read go once everything in it is parsed, so that an idle connection holds
     * 1 KiB, not the largest read it ever had (up to 256 KiB).
     */
    void trim() {
        if (start == end && buf.length > 8 * 1024) {
            buf = new byte[1024];
            start = end = scanned = 0;
        }
    }

    /**
     * True once after a head that asks for {@code 100 Continue} before its body was read: the caller sends the
     * interim response.
     */
    boolean takeContinue() {
        boolean c = continueWanted;
        continueWanted = false;
        return c;
    }

    /**
     * The next complete request, or null until more bytes arrive. In streaming mode, a request with a streamed
     * body is returned once its head is read, with what has arrived of its body fed to its reader; later calls feed
     * the rest before parsing the next request.
     */
    Request next() {
        while (true) {
            if (streaming != null) {
                if (!pumpStream()) return null;
                continue;
            }
            switch (state) {
                case HEAD -> {
                    if (!readHead()) return null;
                    if (streaming != null) {
                        Request r = new Request(method, rawPath, path, rawQuery, version, headers, EMPTY, remote, headBytes);
                        r.setContent(streaming);
                        headers = null;
                        pumpStream();
                        return r;
                    }
                }
                case STREAM -> throw new IllegalStateException("STREAM without a reader");
                case BODY -> {
                    int want = bodyExpected - bodyLength;
                    int n = Math.min(want, end - start);
                    if (bodyLength + n > body.length) {
                        body = Arrays.copyOf(body, (int) Math.min(bodyExpected, Math.max(bodyLength + n, 2L * body.length)));
                    }
                    System.arraycopy(buf, start, body, bodyLength, n);
                    bodyLength += n;
                    start += n;
                    if (bodyLength < bodyExpected) return null;
                    return finish(); // body.length == bodyExpected: it grows no further than that
                }
                case CHUNK_SIZE -> {
                    String line = line("chunk size line");
                    if (line == null) return null;
                    chunkLeft = chunkSize(line);
                    state = chunkLeft == 0 ? State.TRAILERS : State.CHUNK_DATA;
                    if (chunkLeft > maxBody - bodyLength) throw tooLarge();
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkLeft, end - start);
                    if (n == 0) return null;
                    if (bodyLength + n > body.length) {
                        body = Arrays.copyOf(body, (int) Math.min(maxBody, Math.max(bodyLength + n, 2L * body.length)));
                    }
                    System.arraycopy(buf, start, body, bodyLength, n);
                    bodyLength += n;
                    start += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) state = State.CHUNK_END;
                }
                case CHUNK_END -> {
                    String line = line("chunk");
                    if (line == null) return null;
                    if (!line.isEmpty()) throw new HttpError(400, "a chunk's data does not end with CRLF (or LF)");
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    // Trailer fields are read and dropped: nothing here gives them meaning.
                    String line = line("trailer field");
                    if (line == null) return null;
                    if (line.isEmpty()) {
                        if (bodyLength < body.length) body = Arrays.copyOf(body, bodyLength);
                        return finish();
                    }
                    if (++trailers > MAX_FIELDS) throw new HttpError(431, "more than " + MAX_FIELDS + " trailer fields");
                }
            }
        }
    }

    private static final byte[] EMPTY = new byte[0];

    /** Feeds the streamed body what has arrived of it; true once it has ended (the parser then reads heads again). */
    private boolean pumpStream() {
        while (true) {
            switch (state) {
                case STREAM -> {
                    int n = (int) Math.min(streamLeft, end - start);
                    if (n > 0) {
                        streaming.feed(buf, start, n);
                        start += n;
                        streamLeft -= n;
                    }
                    if (streamLeft > 0) {
                        trim(); // all of it went to the reader: let a buffer grown by a large read go
                        return false;
                    }
                    endStream();
                    return true;
                }
                case CHUNK_SIZE -> {
                    String line = line("chunk size line");
                    if (line == null) return false;
                    chunkLeft = chunkSize(line);
                    streaming.announce(chunkLeft);
                    state = chunkLeft == 0 ? State.TRAILERS : State.CHUNK_DATA;
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkLeft, end - start);
                    if (n == 0) {
                        trim();
                        return false;
                    }
                    streaming.feed(buf, start, n);
                    start += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        streaming.endChunk();
                        state = State.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    String line = line("chunk");
                    if (line == null) return false;
                    if (!line.isEmpty()) throw new HttpError(400, "a chunk's data does not end with CRLF (or LF)");
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    String line = line("trailer field");
                    if (line == null) return false;
                    if (line.isEmpty()) {
                        endStream();
                        return true;
                    }
                    if (++trailers > MAX_FIELDS) throw new HttpError(431, "more than " + MAX_FIELDS + " trailer fields");
                }
                default -> throw new IllegalStateException("streaming in state " + state);
            }
        }
    }

    private void endStream() {
        streaming.feedEof();
        streaming = null;
        completed++;
        state = State.HEAD;
        if (start == end) start = end = 0;
        scanned = start;
    }

    private Request finish() {
        Request r = new Request(method, rawPath, path, rawQuery, version, headers, body, remote, headBytes);
        completed++;
        state = State.HEAD;
        headers = null;
        body = null;
        continueWanted = false; // the body is here: whatever its head asked, there is nothing left to invite
        if (start == end) start = end = 0;
        scanned = start;
        return r;
    }

    /**
     * Reads the request line and header fields once they are all here; sets up the body's framing. Lines end in
     * CRLF or, as RFC 9112 section 2.2 allows a recipient to accept (nginx and aiohttp do), a bare LF; a bare CR
     * is refused.
     */
    private boolean readHead() {
        // Leading empty lines are ignored (RFC 9112 section 2.2).
        while (end > start && (buf[start] == '\n' || buf[start] == '\r' && end - start >= 2 && buf[start + 1] == '\n')) {
            start += buf[start] == '\n' ? 1 : 2;
        }
        if (scanned < start) scanned = start;
        int headEnd = -1;
        for (int i = Math.max(scanned, start + 1); i < end; i++) {
            // The head ends with an empty line: LF, then LF or CRLF.
            if (buf[i] == '\n' && (buf[i - 1] == '\n' || buf[i - 1] == '\r' && i - 2 >= start && buf[i - 2] == '\n')) {
                headEnd = i + 1;
                break;
            }
        }
        if (headEnd < 0) {
            scanned = Math.max(start, end - 2);
            int firstLf = indexOf((byte) '\n', start, end);
            if ((firstLf < 0 ? end - start : firstLf - start) > MAX_LINE + 1) {
                throw new HttpError(414, "the request line is longer than " + MAX_LINE + " bytes");
            }
            if (end - start > MAX_HEAD) throw new HttpError(431, "the request's header is longer than " + MAX_HEAD + " bytes");
            return false;
        }
        if (headEnd - start > MAX_HEAD) throw new HttpError(431, "the request's header is longer than " + MAX_HEAD + " bytes");
        headBytes = headEnd - start;
        String head = new String(buf, start, headBytes, StandardCharsets.ISO_8859_1);
        start = headEnd;
        scanned = start;
        int from = 0;
        int eol = head.indexOf('\n');
        requestLine(headLine(head, from, eol));
        headers = new Headers();
        int fields = 0;
        while (true) {
            from = eol + 1;
            eol = head.indexOf('\n', from);
            String line = headLine(head, from, eol);
            if (line.isEmpty()) break; // the empty line ending the head
            if (++fields > MAX_FIELDS) throw new HttpError(431, "more than " + MAX_FIELDS + " header fields");
            field(line);
        }
        framing();
        return true;
    }

    /**
     * The line of the head from {@code from} to the LF at {@code lf}, without its CR. A bare CR left in it is
     * refused (400) by the checks of the request line and of the fields, which allow no control character.
     */
    private static String headLine(String head, int from, int lf) {
        return head.substring(from, lf > from && head.charAt(lf - 1) == '\r' ? lf - 1 : lf);
    }

    private void requestLine(String line) {
        if (line.length() > MAX_LINE) throw new HttpError(414, "the request line is longer than " + MAX_LINE + " bytes");
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw new HttpError(400, "malformed request line: " + printable(line));
        }
        method = line.substring(0, sp1);
        for (int i = 0; i < method.length(); i++) {
            if (!isTokenChar(method.charAt(i))) throw new HttpError(400, "invalid method: " + printable(method));
        }
        String target = line.substring(sp1 + 1, sp2);
        version = line.substring(sp2 + 1);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            if (version.matches("HTTP/\\d\\.\\d")) throw new HttpError(505, "only HTTP/1.0 and HTTP/1.1 are served, not " + version);
            throw new HttpError(400, "malformed HTTP version: " + printable(version));
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f) throw new HttpError(400, "invalid character in the request target: " + printable(target));
        }
        if (target.startsWith("http://") || target.startsWith("https://")) {
            // absolute-form (RFC 9112 section 3.2.2): the authority ends at the first /, ? or #
            int from = target.indexOf("//") + 2, cut = target.length();
            for (char c : new char[] {'/', '?', '#'}) {
                int i = target.indexOf(c, from);
                if (i >= 0 && i < cut) cut = i;
            }
            String rest = target.substring(cut);
            target = rest.startsWith("/") ? rest : "/" + rest;
        } else if (target.equals("*")) {
            if (!method.equals("OPTIONS")) throw new HttpError(400, "the target * is for OPTIONS only");
        } else if (!target.startsWith("/")) {
            throw new HttpError(400, "the request target must start with /: " + printable(target));
        }
        int q = target.indexOf('?');
        int hash = target.indexOf('#');
        if (hash >= 0) throw new HttpError(400, "a request target must not hold a fragment (#)");
        rawPath = q < 0 ? target : target.substring(0, q);
        rawQuery = q < 0 ? "" : target.substring(q + 1);
        path = UrlCodec.decode(rawPath, false, "path");
    }

    private void field(String line) {
        if (line.length() > MAX_LINE) throw new HttpError(431, "a header line is longer than " + MAX_LINE + " bytes");
        if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
            throw new HttpError(400, "obsolete line folding in the header is not accepted");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) throw new HttpError(400, "malformed header line: " + printable(line));
        String name = line.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) throw new HttpError(400, "invalid header name: " + printable(name));
        }
        int a = colon + 1, b = line.length();
        while (a < b && (line.charAt(a) == ' ' || line.charAt(a) == '\t')) a++;
        while (b > a && (line.charAt(b - 1) == ' ' || line.charAt(b - 1) == '\t')) b--;
        String value = line.substring(a, b);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) throw new HttpError(400, "invalid character in header " + name);
        }
        headers.addChecked(name, value);
    }

    /** Decides how the body is framed (RFC 9112 section 6.3) and refuses what is ambiguous. */
    private void framing() {
        int hosts = headers.getAll("Host").size();
        if (version.equals("HTTP/1.1") && hosts == 0) throw new HttpError(400, "an HTTP/1.1 request must have a Host header");
        if (hosts > 1) throw new HttpError(400, "a request must have one Host header, not " + hosts);
        boolean hasLength = headers.contains("Content-Length");
        if (headers.contains("Transfer-Encoding")) {
            String te = String.join(",", headers.getAll("Transfer-Encoding"));
            if (hasLength) throw new HttpError(400, "a request with both Transfer-Encoding and Content-Length is refused");
            if (version.equals("HTTP/1.0")) throw new HttpError(400, "Transfer-Encoding is not defined for HTTP/1.0");
            String[] codings = te.split(",");
            if (!codings[codings.length - 1].trim().equalsIgnoreCase("chunked")) {
                // RFC 9112 section 6.3: without chunked last, the body's length cannot be known
                throw new HttpError(400, "the last transfer coding must be chunked, got " + printable(te));
            }
            if (codings.length > 1) {
                throw new HttpError(501, "only the chunked transfer coding is supported, got " + printable(te));
            }
            body = new byte[0];
            bodyLength = 0;
            trailers = 0;
            state = State.CHUNK_SIZE;
            if (listener != null) {
                body = null;
                streaming = new RequestContent(loop, listener, expectsContinue());
            }
        } else if (hasLength) {
            long n = -1;
            for (String v : headers.getAll("Content-Length")) {
                for (String part : v.split(",", -1)) {
                    long m = contentLength(part.trim());
                    if (n >= 0 && m != n) throw new HttpError(400, "differing Content-Length values");
                    n = m;
                }
            }
            if (listener != null && (n > BUFFERED_MAX || n > maxBody)) {
                streaming = new RequestContent(loop, listener, expectsContinue() && n > end - start);
                streaming.announce(n);
                streamLeft = n;
                body = null;
                state = State.STREAM;
                return;
            }
            if (n > maxBody) throw tooLarge();
            bodyExpected = (int) n;
            body = new byte[Math.min(bodyExpected, BODY_RESERVE)];
            bodyLength = 0;
            state = State.BODY;
        } else {
            body = new byte[0];
            bodyExpected = 0;
            bodyLength = 0;
            state = State.BODY;
        }
        String expect = headers.get("Expect");
        if (expect != null && version.equals("HTTP/1.1")) {
            if (!expect.equalsIgnoreCase("100-continue")) throw new HttpError(417, "unknown expectation: " + printable(expect));
            // The interim response is owed only while the body is still to come (a streamed body's reader owes it).
            continueWanted = streaming == null && (state != State.BODY || bodyExpected > end - start);
        }
    }

    /** Whether the head asks for {@code 100 Continue} (a streamed body's reader sends it on its first read). */
    private boolean expectsContinue() {
        String expect = headers.get("Expect");
        if (expect == null || !version.equals("HTTP/1.1")) return false;
        if (!expect.equalsIgnoreCase("100-continue")) throw new HttpError(417, "unknown expectation: " + printable(expect));
        return true;
    }

    private static long contentLength(String v) {
        if (v.isEmpty() || v.length() > 18) throw new HttpError(400, "invalid Content-Length: " + printable(v));
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') throw new HttpError(400, "invalid Content-Length: " + printable(v));
        }
        return Long.parseLong(v);
    }

    private long chunkSize(String line) {
        int semi = line.indexOf(';'); // chunk extensions are ignored
        String hex = semi < 0 ? line : line.substring(0, semi);
        int e = hex.length();
        while (e > 0 && (hex.charAt(e - 1) == ' ' || hex.charAt(e - 1) == '\t')) e--; // BWS before extensions
        hex = hex.substring(0, e);
        if (hex.isEmpty() || hex.length() > 15) throw new HttpError(400, "invalid chunk size: " + printable(line));
        long n = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) throw new HttpError(400, "invalid chunk size: " + printable(line));
            n = n * 16 + d;
        }
        return n;
    }

    private HttpError tooLarge() {
        return new HttpError(413, "the request body is larger than the server accepts (" + maxBody + " bytes)");
    }

    /** The next line, ended by CRLF or a bare LF (without it), or null until it is all here. */
    private String line(String what) {
        int lf = indexOf((byte) '\n', start, end);
        if (lf < 0) {
            if (end - start > MAX_LINE) throw new HttpError(400, "a " + what + " is longer than " + MAX_LINE + " bytes");
            return null;
        }
        int to = lf > start && buf[lf - 1] == '\r' ? lf - 1 : lf;
        if (to - start > MAX_LINE) throw new HttpError(400, "a " + what + " is longer than " + MAX_LINE + " bytes");
        // RFC 9112 section 2.2: a bare CR is invalid (another parser could take it for the end of the line)
        if (indexOf((byte) '\r', start, to) >= 0) throw new HttpError(400, "a " + what + " holds a bare CR");
        String s = new String(buf, start, to - start, StandardCharsets.ISO_8859_1);
        start = lf + 1;
        return s;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) if (buf[i] == b) return i;
        return -1;
    }

    /** RFC 9110's tchar: what a method or a header name is made of. */
    static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') return true;
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** {@code s} for an error message: control characters escaped, at most 100 characters. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            if (c < ' ' || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        return s.length() > 100 ? b + "..." : b.toString();
    }
}
